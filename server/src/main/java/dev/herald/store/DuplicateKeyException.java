package dev.herald.store;

/**
 * A statement violated a primary key or unique constraint. The transaction it ran in was rolled
 * back. Callers that use a unique constraint as an arbiter (idempotency keys) catch this one.
 */
public final class DuplicateKeyException extends StoreException {

    private static final long serialVersionUID = 1L;

    public DuplicateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
