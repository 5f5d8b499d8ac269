package dev.herald.store;

/**
 * A database operation failed for a reason other than the database being unreachable or
 * refusing writes: a constraint violation, a bad statement, a bug. The HTTP layer answers 500
 * for it (or a more specific code for subclasses it knows).
 *
 * <p>Unchecked, so store methods can be called from lambdas and executors without wrapping.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
