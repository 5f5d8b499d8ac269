package dev.herald.gateway;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link ConnectionListener}s of a node as one listener: the gateway (after {@code init}) and
 * the bind flow (after {@code bind_success}) tell it of every bound connection that opens, the
 * gateway of every one that closes, and it tells each listener in the order they were added. Adding
 * is safe from any thread; the calls come on the connection's event loop.
 */
public final class ConnectionListeners implements ConnectionListener {
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    public void add(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void opened(Connection c) {
        listeners.forEach(l -> l.opened(c));
    }

    @Override
    public void closed(Connection c) {
        listeners.forEach(l -> l.closed(c));
    }
}
