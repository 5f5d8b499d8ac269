package dev.herald.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective configuration as {@code herald config} prints it: every key, its value after
 * defaults &lt; file &lt; environment &lt; command line, and where that value came from. Secrets are
 * masked: the secret keys entirely, and the password in any URL or JDBC parameter.
 */
public final class EffectiveConfig {
    /** Keys whose whole value is a secret. */
    static final Set<String> SECRET_KEYS = Set.of("auth.jwt-secret", "auth.api-keys", "db.password", "webhooks.secret", "smtp.password",
            "smtp.trust-store-password");
    static final String MASK = "****";
    /** {@code app_id:key:secret} in {@code pusher.apps}: everything after the second colon of an entry. */
    private static final Pattern PUSHER_SECRET = Pattern.compile("((?:^|,)\\s*[^,:]*:[^,:]*:)[^,]*");
    /** {@code scheme://user:password@host}: the password part. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@:\\s]*:)[^@/\\s]+@");
    /** {@code redis://password@host}: a Redis URL's user part alone is the password. */
    private static final Pattern REDIS_PASSWORD = Pattern.compile("(?i)(rediss?://)[^:@/\\s]+@");
    /** {@code password=…} or {@code pwd=…} in a JDBC URL's parameters. */
    private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)([?&;]\\s*(?:password|pwd)\\s*=)[^&;]*");

    private EffectiveConfig() {}

    /**
     * One line per key, {@code key = value  (origin)}, in the order docs/operations.md lists them.
     *
     * @throws ConfigException when the file cannot be read or names unknown keys (as at start-up)
     */
    public static List<String> lines(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        ConfigSource source = ConfigSource.merged(file, env, overrides);
        if (!source.problems().isEmpty()) {
            throw new ConfigException(source.problems());
        }
        int width = Keys.ALL.stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (String key : Keys.ALL) {
            ConfigSource.Value v = source.get(key);
            lines.add(String.format("%-" + width + "s = %s  (%s)", key, mask(key, v.text()), v.origin()));
        }
        return lines;
    }

    /** {@code text} as safe to print: a secret key's value as {@value #MASK}, passwords in URLs masked. */
    static String mask(String key, String text) {
        if (text.isEmpty()) {
            return text;
        }
        if (SECRET_KEYS.contains(key)) {
            return MASK;
        }
        if (key.equals("pusher.apps")) {
            // app_id:key:secret entries: ids and keys are public (the key is in every page), secrets not
            return PUSHER_SECRET.matcher(text).replaceAll("$1" + MASK);
        }
        String masked = URL_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
        masked = REDIS_PASSWORD.matcher(masked).replaceAll("$1" + MASK + "@");
        return PARAM_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
    }
}
