package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import dev.herald.inbox.GroupedSend;
import dev.herald.inbox.StoredSend;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Group commit for small sends ({@link GroupWriter}): sends queued while a group is written go
 * together in the next transaction, in one (user, …) order on every node.
 *
 * <p>Each member with an idempotency key runs under its own savepoint
 * ({@link NotificationStore#insertGroup}); when it fails there (its key was claimed first, a
 * constraint, a deadlock or lock timeout with another transaction) it is rolled back alone and,
 * after the group committed, run again on its own through the ordinary path, so it gets exactly
 * the answer a lone send would: a replay of the first send's ids for a key that is taken, or its
 * own error. The members without a key are stored together, in one multi-row insert
 * ({@link RowsInsert}) with no savepoint; when one fails, the group fails as a whole and each runs
 * alone. A group of one runs the ordinary single-send path. One writer: two groups of one node
 * written at once could deadlock on each other's idempotency keys or new {@code known_users} rows
 * (tried: H2 then waits for its lock timeout).
 */
final class GroupCommit extends GroupWriter<GroupedSend, StoredSend> implements NotificationStore.SendQueue {
    /**
     * Most sends in one transaction. Each keyed member's savepoint becomes a PostgreSQL
     * subtransaction; a backend caches 64 of them before lookups of the transaction get slower,
     * so 32 stays well under that. At 2.9 ms per WAL flush, 32 sends a flush would allow
     * ~11,000 sends/s: the flush is no longer what limits.
     */
    static final int MAX_GROUP = 32;

    private final NotificationStore store;

    GroupCommit(NotificationStore store, Executor executor) {
        super(MAX_GROUP, executor);
        this.store = requireNonNull(store, "store");
    }

    @Override
    public CompletableFuture<StoredSend> submit(GroupedSend send) {
        return enqueue(send);
    }

    @Override
    List<StoredSend> storeGroup(List<GroupedSend> group) {
        return store.insertGroup(group);
    }

    @Override
    StoredSend storeAlone(GroupedSend send) {
        return store.insertAlone(send);
    }
}
