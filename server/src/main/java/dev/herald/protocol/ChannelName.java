package dev.herald.protocol;

import java.util.regex.Pattern;

/**
 * Channel names: 1–{@value #MAX_LENGTH} characters from letters, digits and {@code _ - : . @ = /}.
 * No spaces, control characters or wildcards, so a name is safe in logs, Redis keys and URLs.
 * Names starting with {@code private-} need permission to join.
 */
public final class ChannelName {
    public static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_\\-:.@=/]+");

    private ChannelName() {}

    /** Null when {@code name} is valid, otherwise why not. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (!VALID.matcher(name).matches()) {
            return "may only contain letters, digits and _ - : . @ = /";
        }
        return null;
    }
}
