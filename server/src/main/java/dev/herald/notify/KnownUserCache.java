package dev.herald.notify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The users this node has recently written to {@code known_users}, so a connect of a user it
 * already knows skips the upsert. Bounded: at most {@code capacity} users, the least recently
 * connected forgotten first; an entry older than {@code refreshAfter} counts as unknown, so
 * {@code last_seen} still moves at least that often for users who keep connecting.
 *
 * <p>Only a successful upsert is remembered ({@link #remember} after it committed), so a failed
 * one is tried again on the next connect. Forgetting is harmless: the upsert is idempotent.
 * Thread-safe (one lock; every call is a map operation).
 */
final class KnownUserCache {
    private final int capacity;
    private final long refreshAfterNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<Long, Long> touchedAt;

    KnownUserCache(int capacity, Duration refreshAfter) {
        this(capacity, refreshAfter, System::nanoTime);
    }

    KnownUserCache(int capacity, Duration refreshAfter, LongSupplier nanoTime) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.refreshAfterNanos = refreshAfter.toNanos();
        this.nanoTime = nanoTime;
        this.touchedAt = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > KnownUserCache.this.capacity;
            }
        };
    }

    /** Whether {@code userId} must be written to {@code known_users}: unknown here, or stale. */
    synchronized boolean needsTouch(long userId) {
        Long at = touchedAt.get(userId);
        return at == null || nanoTime.getAsLong() - at >= refreshAfterNanos;
    }

    /** Records that the upsert of {@code userId} committed just now. */
    synchronized void remember(long userId) {
        touchedAt.put(userId, nanoTime.getAsLong());
    }

    synchronized int size() {
        return touchedAt.size();
    }
}
