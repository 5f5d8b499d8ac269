package dev.herald.store;

/**
 * The SQL work queue is full ({@link SqlWorkers}, or a queue of work waiting for them): the work
 * was refused at once, before it touched the database, so nothing was changed. The HTTP layer
 * answers 503 "the server is busy"; retrying shortly may succeed.
 */
public final class StoreBusyException extends StoreException {

    private static final long serialVersionUID = 1L;

    public StoreBusyException() {
        super("the server is busy; try again shortly");
    }
}
