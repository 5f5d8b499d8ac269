package dev.herald.pusher;

import java.util.regex.Pattern;

/**
 * Pusher channel names and kinds. A name is 1–{@value #MAX_LENGTH} characters of
 * {@code A-Z a-z 0-9 _ - = @ , . ;} (Pusher's documented set); its prefix gives its kind.
 * Herald's own channel names allow {@code :} and {@code /} instead of {@code ,} and {@code ;}:
 * a channel both kinds of client share uses the characters both allow.
 */
public final class PusherChannels {
    public static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_\\-=@,.;]+");

    /** What a channel's prefix makes it. */
    public enum Kind { PUBLIC, PRIVATE, PRESENCE, ENCRYPTED }

    private PusherChannels() {}

    /** Null when {@code name} is a valid Pusher channel name, otherwise why not. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "channel name must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "channel name must be at most " + MAX_LENGTH + " characters";
        }
        if (!VALID.matcher(name).matches()) {
            return "channel name may only contain letters, digits and _ - = @ , . ;";
        }
        return null;
    }

    public static Kind kind(String name) {
        if (name.startsWith("private-encrypted-")) {
            return Kind.ENCRYPTED;
        }
        if (name.startsWith("private-")) {
            return Kind.PRIVATE;
        }
        if (name.startsWith("presence-")) {
            return Kind.PRESENCE;
        }
        return Kind.PUBLIC;
    }
}
