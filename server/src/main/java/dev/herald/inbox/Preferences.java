package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's notification preferences (SPEC §7): a mode per category and per type — only those
 * that are not the default {@code on} are kept — and the e-mail address for escalation, or null.
 * The stricter of a notification's category mode and type mode applies ({@link #modeFor}).
 */
public record Preferences(Map<String, String> categories, Map<String, String> types, String email) {

    public static final Preferences DEFAULT = new Preferences(Map.of(), Map.of(), null);

    public Preferences {
        categories = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(categories, "categories")));
        types = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(types, "types")));
    }

    /** {@code off}, {@code quiet} or {@code on}: the stricter of the category's and the type's mode. */
    public String modeFor(String category, String type) {
        return stricter(categories.getOrDefault(category, InboxLimits.ON), types.getOrDefault(type, InboxLimits.ON));
    }

    /** {@code off} beats {@code quiet} beats {@code on}. */
    public static String stricter(String a, String b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(String mode) {
        return switch (mode) {
            case InboxLimits.OFF -> 2;
            case InboxLimits.QUIET -> 1;
            default -> 0;
        };
    }
}
