package dev.herald.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to tell a user about a name that is no setting: the closest known key (a typo such as
 * {@code server.prot}, a missing section such as {@code jwt-secret}), and which {@code HERALD_*}
 * environment variables match nothing.
 */
final class KeyHints {
    /** {@code HERALD_*} variables that are not settings but are read by the start script. */
    static final Set<String> OTHER_VARIABLES = Set.of("HERALD_OPTS");

    private KeyHints() {}

    /** The problem line's text for an unknown key: "unknown setting", with a suggestion when one is near. */
    static String unknownKey(String key) {
        return "unknown setting" + closestKey(key).map(k -> "; did you mean " + k + "?").orElse("")
                + " (docs/operations.md lists every setting)";
    }

    /** The known key nearest to {@code name}, if one is near enough to be a likely typo. */
    static Optional<String> closestKey(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (String key : Keys.ALL) {
            if (key.endsWith("." + wanted)) {
                return Optional.of(key);
            }
        }
        return closest(wanted, Keys.ALL);
    }

    /** The candidate nearest to {@code name} by edit distance, if near enough to be a likely typo. */
    private static Optional<String> closest(String name, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 5) ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * Warnings for {@code HERALD_*} variables that match no setting nor alias: ignored (environments
     * hold many variables), but worth a line, since they are most often a misspelt setting.
     */
    static List<String> unknownVariables(Map<String, String> env) {
        Set<String> known = new HashSet<>(ConfigSource.ENV_ALIASES.keySet());
        known.addAll(OTHER_VARIABLES);
        Keys.ALL.forEach(k -> known.add(ConfigSource.envName(k)));
        List<String> warnings = new ArrayList<>();
        env.keySet().stream().filter(n -> n.startsWith("HERALD_") && !known.contains(n)).sorted().forEach(name -> {
            Optional<String> hint = closest(name, known.stream().filter(n -> !OTHER_VARIABLES.contains(n)).toList());
            warnings.add("environment variable " + name + " matches no setting and is ignored"
                    + hint.map(h -> "; did you mean " + h + "?").orElse(""));
        });
        return warnings;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
