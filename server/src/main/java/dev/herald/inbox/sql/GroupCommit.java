package dev.herald.inbox.sql;

import dev.herald.inbox.GroupedSend;
import dev.herald.inbox.StoredSend;
import static java.util.Objects.requireNonNull;

import dev.herald.store.StoreBusyException;
import dev.herald.store.SqlWorkers;
import dev.herald.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for small sends: a writer takes every send queued meanwhile (at most
 * {@link #MAX_GROUP}) and stores them in ONE transaction, so a database that flushes its log on
 * each commit flushes once for the group instead of once per send. One writer runs at a time
 * (on one connection): two groups of one node written at once could deadlock on each other's
 * idempotency keys or new {@code known_users} rows (tried: H2 then waits for its lock timeout).
 *
 * <p>There is no timer: a send that finds no writer running starts one at once on the executor,
 * so a lone send is stored alone, as before, with no added wait; sends that arrive while the
 * writer is busy wait only for the current group's commit and then go together. A group of one
 * runs the ordinary single-send path.
 *
 * <p>Each member with an idempotency key runs under its own savepoint
 * ({@link NotificationStore#insertGroup}); when it fails there (its key was claimed first, a
 * constraint, a deadlock or lock timeout with another transaction) it is rolled back alone and,
 * after the group committed, run again on its own through the ordinary path, so it gets exactly
 * the answer a lone send would: a replay of the first send's ids for a key that is taken, or its
 * own error. The members without a key are stored together, in one multi-row insert
 * ({@link RowsInsert}) with no savepoint; when one fails, the group fails as a whole. Then every member fails with {@link StoreUnavailableException} if the
 * database is unavailable (nothing was committed), and otherwise runs again on its own, so again
 * only the failing send fails. Futures are completed after the commit, never before.
 */
final class GroupCommit implements NotificationStore.SendQueue {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /**
     * Most sends in one transaction. Each keyed member's savepoint becomes a PostgreSQL
     * subtransaction; a backend caches 64 of them before lookups of the transaction get slower,
     * so 32 stays well under that. At 2.9 ms per WAL flush, 32 sends a flush would allow
     * ~11,000 sends/s: the flush is no longer what limits.
     */
    static final int MAX_GROUP = 32;
    /** Writers at once (see above why one). */
    static final int WRITERS = 1;
    /** Sends waiting at most; beyond that a send is refused at once ({@link StoreBusyException}), as by {@link SqlWorkers}. */
    static final int MAX_QUEUED = 10_000;

    private record Pending(GroupedSend send, CompletableFuture<StoredSend> result) {}

    private final NotificationStore store;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger writers = new AtomicInteger();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong grouped = new AtomicLong();

    GroupCommit(NotificationStore store, Executor executor) {
        this.store = requireNonNull(store, "store");
        this.executor = requireNonNull(executor, "executor");
    }

    /** Queues {@code send}; the future completes once it is committed (or failed). */
    @Override
    public CompletableFuture<StoredSend> submit(GroupedSend send) {
        requireNonNull(send, "send");
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(busy());
        }
        Pending p = new Pending(send, new CompletableFuture<>());
        queue.add(p);
        startWriter();
        return p.result();
    }

    private void startWriter() {
        while (!queue.isEmpty() && claimWriter()) {
            try {
                executor.execute(this::write);
                return;
            } catch (RejectedExecutionException e) {
                for (List<Pending> group = take(); !group.isEmpty(); group = take()) {
                    group.forEach(p -> p.result().completeExceptionally(busy()));
                }
                writers.decrementAndGet();
            }
        }
    }

    /** Counts one more writer unless {@link #WRITERS} already run. */
    private boolean claimWriter() {
        for (int w = writers.get(); w < WRITERS; w = writers.get()) {
            if (writers.compareAndSet(w, w + 1)) {
                return true;
            }
        }
        return false;
    }

    /** A writer: groups until the queue is empty. */
    private void write() {
        do {
            try {
                for (List<Pending> group = take(); !group.isEmpty(); group = take()) {
                    run(group);
                }
            } finally {
                writers.decrementAndGet();
            }
            // a send queued after the last take() but before this writer stopped counting found
            // all writers running and did not start one: take it here
        } while (!queue.isEmpty() && claimWriter());
    }

    private List<Pending> take() {
        List<Pending> group = new ArrayList<>();
        Pending p;
        while (group.size() < MAX_GROUP && (p = queue.poll()) != null) {
            group.add(p);
        }
        queued.addAndGet(-group.size());
        return group;
    }

    private void run(List<Pending> group) {
        if (group.size() == 1) {
            alone(group.get(0));
            return;
        }
        List<StoredSend> results;
        try {
            results = store.insertGroup(group.stream().map(Pending::send).toList());
        } catch (StoreUnavailableException e) {
            group.forEach(p -> p.result().completeExceptionally(e));
            return;
        } catch (RuntimeException | Error e) {
            log.debug("group of {} sends failed as a whole, each runs alone: {}", group.size(), e.toString());
            group.forEach(this::alone);
            return;
        }
        groups.incrementAndGet();
        grouped.addAndGet(group.size());
        List<Pending> failed = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            StoredSend r = results.get(i);
            if (r == null) {
                failed.add(group.get(i));
            } else {
                group.get(i).result().complete(r);
            }
        }
        failed.forEach(this::alone);
    }

    /** Runs one send in its own transaction, as a send did before group commit. */
    private void alone(Pending p) {
        try {
            p.result().complete(store.insertAlone(p.send()));
        } catch (RuntimeException | Error e) {
            p.result().completeExceptionally(e);
        }
    }

    /** Transactions that committed more than one send. */
    long groups() {
        return groups.get();
    }

    /** Sends those transactions held (including members that then ran alone). */
    long grouped() {
        return grouped.get();
    }

    private static StoreBusyException busy() {
        return new StoreBusyException();
    }
}
