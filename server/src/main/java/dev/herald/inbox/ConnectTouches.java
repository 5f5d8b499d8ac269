package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import dev.herald.inbox.sql.NotificationStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code known_users} upserts of connecting users, written together: the first connect queues
 * a flush on the SQL workers, and every user who connects until it runs goes in the same statement
 * ({@link NotificationStore#touchKnownUsers}). A reconnect storm of thousands of users is then a
 * handful of statements, not one per connect, and the backlog read stays the connect's only query.
 * {@link #add} answers when the flush that holds the user has ended, so a connect can say "known"
 * when it says "connected". A user counts as touched ({@link KnownUserCache#remember}) only once
 * the upsert committed; a failed flush is logged (the answer still completes normally) and its
 * users are written at their next connect. At most {@value #MAX_PENDING} users wait (more are left
 * for their next connect), so a stalled database cannot grow it without bound. Thread-safe.
 */
final class ConnectTouches {
    private static final Logger log = LoggerFactory.getLogger(ConnectTouches.class);
    static final int MAX_PENDING = 100_000;

    private final NotificationStore store;
    private final Executor writers;
    private final KnownUserCache knownUsers;
    private final Object lock = new Object();
    private LinkedHashSet<Long> pending = new LinkedHashSet<>();
    /** Completes when the flush of {@link #pending} has ended. */
    private CompletableFuture<Void> flushed = new CompletableFuture<>();
    private boolean flushQueued;

    /** {@code writers}: where the flushes run (the SQL workers). */
    ConnectTouches(NotificationStore store, Executor writers, KnownUserCache knownUsers) {
        this.store = requireNonNull(store, "store");
        this.writers = requireNonNull(writers, "writers");
        this.knownUsers = requireNonNull(knownUsers, "knownUsers");
    }

    /** Queues {@code userId}'s upsert with the next flush; completes when that flush has ended. */
    CompletableFuture<Void> add(long userId) {
        CompletableFuture<Void> done;
        synchronized (lock) {
            if (pending.size() >= MAX_PENDING) {
                return CompletableFuture.completedFuture(null);
            }
            pending.add(userId);
            done = flushed;
            if (flushQueued) {
                return done;
            }
            flushQueued = true;
        }
        try {
            writers.execute(this::flush);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                flushQueued = false; // the next connect tries again
            }
            return CompletableFuture.completedFuture(null);
        }
        return done;
    }

    private void flush() {
        List<Long> users;
        CompletableFuture<Void> done;
        synchronized (lock) {
            users = new ArrayList<>(pending);
            pending = new LinkedHashSet<>();
            done = flushed;
            flushed = new CompletableFuture<>();
            flushQueued = false;
        }
        try {
            if (!users.isEmpty()) {
                store.touchKnownUsers(users);
                users.forEach(knownUsers::remember);
            }
        } catch (RuntimeException e) {
            log.warn("could not record {} connected users as known (written at their next connect): {}",
                    users.size(), e.toString());
        } finally {
            done.complete(null);
        }
    }

    int pending() {
        synchronized (lock) {
            return pending.size();
        }
    }
}
