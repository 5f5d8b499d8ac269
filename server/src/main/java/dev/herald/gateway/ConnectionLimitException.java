package dev.herald.gateway;

/**
 * A bind (bind flow) refused because the user already has {@code gateway.max-connections-per-user}
 * connections on the connection's node; the connection it named has been closed (1008
 * {@code too many connections}). Thrown to the publisher of the bind, which answers 429.
 */
public final class ConnectionLimitException extends RuntimeException {
    public ConnectionLimitException(long userId, int max) {
        super("user " + userId + " already has the maximum of " + max + " connections", null, false, false);
    }
}
