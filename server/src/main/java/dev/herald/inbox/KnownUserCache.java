package dev.herald.inbox;

import dev.herald.limits.LruMap;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The users this node knows to be in {@code known_users}, so a connect of a user it touched
 * lately skips the upsert and a send to users it knows skips adding them. Bounded: at most
 * {@code capacity} users, the least recently used forgotten first. Two kinds of entry:
 * <ul>
 *   <li>touched ({@link #remember}, after a connect's upsert committed): {@link #needsTouch} is
 *       false for {@code refreshAfter}, so {@code last_seen} still moves at least that often for
 *       users who keep connecting;
 *   <li>known ({@link #rememberKnown}, after a send that added them committed): the row exists,
 *       but {@code last_seen} was not moved by a connect, so {@link #needsTouch} stays true.
 * </ul>
 * Only committed writes are remembered, so a failed one is tried again. Rows of
 * {@code known_users} are never deleted, so a remembered user stays known; forgetting is
 * harmless: the upserts are idempotent. Thread-safe (one lock; every call is a map operation).
 */
final class KnownUserCache {
    /** The value of a user known to be in the table but not touched by a connect here. */
    private static final long NOT_TOUCHED = Long.MIN_VALUE;

    private final long refreshAfterNanos;
    private final LongSupplier nanoTime;
    private final LruMap<Long, Long> touchedAt;

    KnownUserCache(int capacity, Duration refreshAfter) {
        this(capacity, refreshAfter, System::nanoTime);
    }

    KnownUserCache(int capacity, Duration refreshAfter, LongSupplier nanoTime) {
        this.refreshAfterNanos = refreshAfter.toNanos();
        this.nanoTime = nanoTime;
        this.touchedAt = new LruMap<>(capacity);
    }

    /** Whether {@code userId} must be written to {@code known_users}: unknown here, or stale. */
    synchronized boolean needsTouch(long userId) {
        Long at = touchedAt.get(userId);
        return at == null || at == NOT_TOUCHED || nanoTime.getAsLong() - at >= refreshAfterNanos;
    }

    /** Whether {@code userId} is in {@code known_users} as far as this node knows. */
    synchronized boolean isKnown(long userId) {
        return touchedAt.containsKey(userId);
    }

    /** Records that {@code userId} is in {@code known_users} (a send added them and committed). */
    synchronized void rememberKnown(long userId) {
        touchedAt.putIfAbsent(userId, NOT_TOUCHED);
    }

    /** Records that the upsert of {@code userId} committed just now. */
    synchronized void remember(long userId) {
        touchedAt.put(userId, nanoTime.getAsLong());
    }

    synchronized int size() {
        return touchedAt.size();
    }
}
