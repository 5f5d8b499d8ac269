package dev.herald.store;

/**
 * The database aborted the transaction because of a concurrent one: a deadlock, a
 * serialization failure or a lock wait timeout. It was rolled back; running the same
 * transaction again usually succeeds (the store does so once where it is safe).
 */
public final class StoreConflictException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
