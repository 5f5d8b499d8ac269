package dev.herald.transport;

import dev.herald.limits.TokenBucket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link TokenBucket}s by key (client address, API key, user id), safe to share between event loops. Each
 * key may take {@code burst} permits at once and regains {@code permits} per {@code periodNanos}.
 * A bucket that has filled up again holds nothing worth keeping, so {@link #sweep()} drops it; and the
 * table never holds more than {@code maxKeys}: past that, idle buckets are swept at once and a new
 * key is refused while the table is still full (only under an attack from that many addresses).
 */
final class KeyedRateLimiter<K> {
    private final TokenBucket.Rate rate;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<K, TokenBucket> buckets = new ConcurrentHashMap<>();

    KeyedRateLimiter(int permits, long periodNanos, int burst, int maxKeys, LongSupplier nanoClock) {
        if (permits <= 0 || burst <= 0) {
            throw new IllegalArgumentException("permits and burst must be positive");
        }
        this.rate = new TokenBucket.Rate(burst, permits, periodNanos);
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
    }

    /** Takes one permit for {@code key}; false when its bucket is empty. */
    boolean tryAcquire(K key) {
        long now = nanoClock.getAsLong();
        if (buckets.size() >= maxKeys && !buckets.containsKey(key)) {
            sweep();
            if (buckets.size() >= maxKeys) {
                return false;
            }
        }
        boolean[] granted = new boolean[1];
        buckets.compute(key, (k, b) -> {
            TokenBucket bucket = b == null ? new TokenBucket(rate, now) : b;
            granted[0] = bucket.tryTake(now);
            return bucket;
        });
        return granted[0];
    }

    /** Drops the buckets that are full again (their keys have been quiet long enough). */
    void sweep() {
        long now = nanoClock.getAsLong();
        for (K key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, b) -> b.isFull(now) ? null : b);
        }
    }

    /** Keys currently tracked. */
    int size() {
        return buckets.size();
    }
}
