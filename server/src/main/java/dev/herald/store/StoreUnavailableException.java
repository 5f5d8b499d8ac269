package dev.herald.store;

/**
 * The database cannot serve the request right now: it cannot be reached (connection refused,
 * broken, timed out, pool exhausted), is shutting down, or refuses writes (read-only
 * transaction, read-only replica, read-only file). Nothing of the failed transaction was
 * committed, unless {@link #maybeCommitted()}: the connection broke during the COMMIT itself, whose
 * answer was lost, so the database may have kept the change. The HTTP layer answers 503 for it;
 * retrying later may succeed (with the same idempotency key, so a change that was kept is not made
 * twice).
 */
public final class StoreUnavailableException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final boolean maybeCommitted;

    public StoreUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public StoreUnavailableException(String message, Throwable cause, boolean maybeCommitted) {
        super(message, cause);
        this.maybeCommitted = maybeCommitted;
    }

    public StoreUnavailableException(String message) {
        super(message);
        this.maybeCommitted = false;
    }

    /** Whether the COMMIT was sent and its answer lost: the change may be stored. */
    public boolean maybeCommitted() {
        return maybeCommitted;
    }
}
