package dev.herald.inbox;

import dev.herald.limits.LruMap;
import dev.herald.limits.TokenBucket;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many more chats each sender may have kept for offline users: a {@link TokenBucket} per
 * sender that holds at most {@code perPeriod} and refills at {@code perPeriod} per {@code period},
 * so a sender can keep a burst of {@code perPeriod} and then {@code perPeriod} per period; a chat
 * taken but not kept after all is given back.
 *
 * <p>Memory is bounded: at most {@code capacity} senders are tracked, the least recently seen
 * forgotten first. A forgotten sender starts again with a full bucket, which only happens when
 * more than {@code capacity} senders chatted to offline users since it last did. Per node: in a
 * cluster each node counts the chats it handled. Thread-safe (one lock; every call is a map
 * operation).
 */
final class SenderQuota {
    private final TokenBucket.Rate rate;
    private final LongSupplier nanoTime;
    private final LruMap<Long, TokenBucket> buckets;

    SenderQuota(int perPeriod, Duration period, int capacity, LongSupplier nanoTime) {
        if (perPeriod < 1 || capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("perPeriod, period and capacity must be positive");
        }
        this.rate = new TokenBucket.Rate(perPeriod, perPeriod, period);
        this.nanoTime = nanoTime;
        this.buckets = new LruMap<>(capacity);
    }

    /** Takes one chat from {@code sender}'s quota; false (and nothing taken) when none is left. */
    synchronized boolean tryTake(long sender) {
        long now = nanoTime.getAsLong();
        return buckets.computeIfAbsent(sender, s -> new TokenBucket(rate, now)).tryTake(now);
    }

    /** Returns a chat taken by {@link #tryTake} that was not kept after all. */
    synchronized void giveBack(long sender) {
        TokenBucket b = buckets.get(sender);
        if (b != null) {
            b.giveBack();
        }
    }

    synchronized int size() {
        return buckets.size();
    }
}
