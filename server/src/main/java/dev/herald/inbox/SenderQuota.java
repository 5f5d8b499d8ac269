package dev.herald.inbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many more chats each sender may have kept for offline users: a token bucket per sender that
 * holds at most {@code perPeriod} and refills at {@code perPeriod} per {@code period}, so a sender
 * can keep a burst of {@code perPeriod} and then {@code perPeriod} per period.
 *
 * <p>Memory is bounded: at most {@code capacity} senders are tracked, the least recently seen
 * forgotten first. A forgotten sender starts again with a full bucket, which only happens when
 * more than {@code capacity} senders chatted to offline users since it last did. Per node: in a
 * cluster each node counts the chats it handled. Thread-safe (one lock; every call is a map
 * operation).
 */
final class SenderQuota {
    private final int perPeriod;
    private final double nanosPerToken;
    private final int capacity;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<Long, Bucket> buckets;

    /** Tokens left at the time they were counted. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    SenderQuota(int perPeriod, Duration period, int capacity, LongSupplier nanoTime) {
        if (perPeriod < 1 || capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("perPeriod, period and capacity must be positive");
        }
        this.perPeriod = perPeriod;
        this.nanosPerToken = (double) period.toNanos() / perPeriod;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.buckets = new LinkedHashMap<>(Math.min(capacity, 1 << 12), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Bucket> eldest) {
                return size() > SenderQuota.this.capacity;
            }
        };
    }

    /** Takes one chat from {@code sender}'s quota; false (and nothing taken) when none is left. */
    synchronized boolean tryTake(long sender) {
        long now = nanoTime.getAsLong();
        Bucket b = buckets.get(sender);
        if (b == null) {
            buckets.put(sender, new Bucket(perPeriod - 1, now));
            return true;
        }
        b.tokens = Math.min(perPeriod, b.tokens + (now - b.at) / nanosPerToken);
        b.at = now;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Returns a chat taken by {@link #tryTake} that was not kept after all. */
    synchronized void giveBack(long sender) {
        Bucket b = buckets.get(sender);
        if (b != null) {
            b.tokens = Math.min(perPeriod, b.tokens + 1);
        }
    }

    synchronized int size() {
        return buckets.size();
    }
}
