package dev.herald.inbox.sql;

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
 * Group commit: a writer takes every change queued meanwhile (at most {@code maxGroup}) and stores
 * them in ONE transaction ({@link #storeGroup}), so a database that flushes its log on each commit
 * flushes once for the group instead of once per change, and the statements of the group are
 * shared. One writer per queue runs at a time (on one connection): two groups of one node written
 * at once could wait on each other's locks.
 *
 * <p>There is no timer: a change that finds no writer running starts one at once on the executor,
 * so a lone change is stored alone ({@link #storeAlone}), with no added wait; changes that arrive
 * while the writer is busy wait only for the current group's commit and then go together.
 *
 * <p>When a group fails as a whole, nothing of it was committed: every member then fails with
 * {@link StoreUnavailableException} if the database is unavailable, and otherwise runs again on
 * its own, so only a member that fails alone fails. {@link #storeGroup} may also leave single
 * members out (null in its answer) to run alone after the group. Futures complete after the
 * commit, never before. At most {@link #MAX_QUEUED} changes wait; beyond that a change is refused
 * at once ({@link StoreBusyException}), as by {@link SqlWorkers}.
 *
 * @param <T> a change
 * @param <R> what storing it answers
 */
abstract class GroupWriter<T, R> {
    private static final Logger log = LoggerFactory.getLogger(GroupWriter.class);

    /** Changes waiting at most. */
    static final int MAX_QUEUED = 10_000;
    /** Writers at once (see above why one). */
    static final int WRITERS = 1;

    private record Pending<T, R>(T change, CompletableFuture<R> result) {}

    private final int maxGroup;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger writers = new AtomicInteger();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong grouped = new AtomicLong();

    GroupWriter(int maxGroup, Executor executor) {
        if (maxGroup < 2) {
            throw new IllegalArgumentException("a group holds at least 2 changes: " + maxGroup);
        }
        this.maxGroup = maxGroup;
        this.executor = requireNonNull(executor, "executor");
    }

    /**
     * Stores {@code group} (2 or more) in one transaction; per member, in order, its answer, or null
     * for one to run alone after the commit. Throws when the whole group failed: nothing of it is
     * then committed.
     */
    abstract List<R> storeGroup(List<T> group);

    /** Stores one change in a transaction of its own. */
    abstract R storeAlone(T change);

    /** Queues {@code change}; the future completes once it is committed (or failed). */
    final CompletableFuture<R> enqueue(T change) {
        requireNonNull(change, "change");
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            return CompletableFuture.failedFuture(new StoreBusyException());
        }
        Pending<T, R> p = new Pending<>(change, new CompletableFuture<>());
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
                for (List<Pending<T, R>> group = take(); !group.isEmpty(); group = take()) {
                    group.forEach(p -> p.result().completeExceptionally(new StoreBusyException()));
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
                for (List<Pending<T, R>> group = take(); !group.isEmpty(); group = take()) {
                    run(group);
                }
            } finally {
                writers.decrementAndGet();
            }
            // a change queued after the last take() but before this writer stopped counting found
            // all writers running and did not start one: take it here
        } while (!queue.isEmpty() && claimWriter());
    }

    private List<Pending<T, R>> take() {
        List<Pending<T, R>> group = new ArrayList<>();
        Pending<T, R> p;
        while (group.size() < maxGroup && (p = queue.poll()) != null) {
            group.add(p);
        }
        queued.addAndGet(-group.size());
        return group;
    }

    private void run(List<Pending<T, R>> group) {
        if (group.size() == 1) {
            alone(group.get(0));
            return;
        }
        List<R> results;
        try {
            results = storeGroup(group.stream().map(Pending::change).toList());
        } catch (StoreUnavailableException e) {
            group.forEach(p -> p.result().completeExceptionally(e));
            return;
        } catch (RuntimeException | Error e) {
            log.debug("group of {} failed as a whole, each runs alone: {}", group.size(), e.toString());
            group.forEach(this::alone);
            return;
        }
        groups.incrementAndGet();
        grouped.addAndGet(group.size());
        List<Pending<T, R>> left = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            R r = results.get(i);
            if (r == null) {
                left.add(group.get(i));
            } else {
                group.get(i).result().complete(r);
            }
        }
        left.forEach(this::alone);
    }

    private void alone(Pending<T, R> p) {
        try {
            p.result().complete(storeAlone(p.change()));
        } catch (RuntimeException | Error e) {
            p.result().completeExceptionally(e);
        }
    }

    /** Transactions that committed more than one change. */
    final long groups() {
        return groups.get();
    }

    /** Changes those transactions held (including members that then ran alone). */
    final long grouped() {
        return grouped.get();
    }
}
