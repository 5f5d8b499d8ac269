package dev.herald.auth;

import java.time.Instant;
import java.util.List;

/**
 * Who is calling. A user token gives a {@code USER} (or {@code ADMIN} with the admin role); an API
 * key gives {@code BACKEND}, which may do everything in the server API but is nobody's inbox.
 */
public record Principal(Kind kind, long userId, List<String> channels, Instant expiresAt) {
    public enum Kind { USER, ADMIN, BACKEND }

    public static final Principal BACKEND = new Principal(Kind.BACKEND, 0, List.of(), Instant.MAX);

    public boolean admin() {
        return kind != Kind.USER;
    }

    public boolean hasUser() {
        return kind != Kind.BACKEND;
    }

    /**
     * Whether this principal may join {@code channel}. Public channels are open to all; a
     * {@code private-} channel needs an admin, or the exact name or a {@code prefix*} wildcard in
     * the token's {@code channels} claim.
     */
    public boolean mayJoin(String channel) {
        if (!channel.startsWith("private-") || admin()) {
            return true;
        }
        for (String allowed : channels) {
            if (allowed.equals(channel)
                    || (allowed.endsWith("*") && channel.startsWith(allowed.substring(0, allowed.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
