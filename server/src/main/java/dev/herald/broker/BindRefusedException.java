package dev.herald.broker;

/**
 * The node holding the connection that a {@link Message.Bind} named refused to bind it (its user
 * already has as many connections there as the node allows) and closed it. Thrown by a
 * {@link Broker.Sink} that refuses a bind, and so to the publisher of a bind delivered on its own
 * node; the HTTP API answers 429 with this message.
 */
public final class BindRefusedException extends RuntimeException {
    public BindRefusedException(String message) {
        super(message, null, false, false);
    }
}
