package dev.herald.broker;

/** The broker cannot be reached, so a message could not reach other nodes. */
public final class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
