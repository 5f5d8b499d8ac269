package dev.herald.gateway;

/**
 * Hears bound connections open (after {@code init} or {@code bind_success} was sent) and close.
 * Called on the connection's event loop: implementations must not block it.
 */
public interface ConnectionListener {
    void opened(Connection connection);

    default void closed(Connection connection) {}
}
