package dev.herald.store;

/**
 * The database cannot serve the request right now: it cannot be reached (connection refused,
 * broken, timed out, pool exhausted), is shutting down, or refuses writes (read-only
 * transaction, read-only replica, read-only file). Nothing of the failed transaction was
 * committed. The HTTP layer answers 503 for it; retrying later may succeed.
 */
public final class StoreUnavailableException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
