package dev.herald.limits;

import java.time.Duration;

/**
 * The token-bucket arithmetic, once: a bucket holds at most {@code capacity} tokens and regains
 * {@code permits} every {@code period}, evenly (a part of a token counts as it accrues). It starts
 * full. The three rate limits keep their own policy around it: the gateway's per-connection limit
 * (its grace before a connection counts as abusive), the HTTP and connect limits by key (keying and
 * a bounded table), the offline-chat quota per sender (a bounded LRU and giving a token back).
 *
 * <p>Time is passed in, in nanoseconds from one monotonic clock ({@code System.nanoTime()} in
 * production, a test ticker in tests); a clock that goes back adds nothing. The count is exact, a
 * whole number of units (a token is {@code periodNanos} units, a nanosecond adds {@code permits}),
 * so no rounding ever refuses a client that keeps exactly to the rate. Not thread-safe: its owner
 * confines or guards it.
 */
public final class TokenBucket {
    /**
     * How a bucket fills: {@code capacity} tokens at most (the burst), {@code permits} regained per
     * {@code periodNanos}. Shared by all the buckets of one limit.
     */
    public record Rate(long capacity, long permits, long periodNanos) {
        public Rate {
            if (capacity < 1 || permits < 1 || periodNanos < 1) {
                throw new IllegalArgumentException("capacity, permits and period must be positive");
            }
            Math.multiplyExact(capacity, periodNanos); // the full bucket's units must fit a long
        }

        public Rate(long capacity, long permits, Duration period) {
            this(capacity, permits, period.toNanos());
        }

        private long full() {
            return capacity * periodNanos;
        }
    }

    private final Rate rate;
    /** Tokens held, in units: one token is {@code periodNanos} units; a nanosecond adds {@code permits}. */
    private long units;
    private long refilledAt;

    /** A full bucket at {@code nowNanos}. */
    public TokenBucket(Rate rate, long nowNanos) {
        this.rate = rate;
        this.units = rate.full();
        this.refilledAt = nowNanos;
    }

    /** Takes one token; false (and nothing taken) when less than one is left. */
    public boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (units < rate.periodNanos()) {
            return false;
        }
        units -= rate.periodNanos();
        return true;
    }

    /** Returns one token taken by {@link #tryTake}; never beyond the capacity. */
    public void giveBack() {
        units = Math.min(rate.full(), units + rate.periodNanos());
    }

    /** Whether the bucket has filled up again: it then holds nothing a fresh bucket would not. */
    public boolean isFull(long nowNanos) {
        refill(nowNanos);
        return units == rate.full();
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed <= 0) {
            return;
        }
        long missing = rate.full() - units;
        // compare before multiplying: elapsed * permits may not fit a long after a long silence
        units = elapsed >= missing / rate.permits() + 1 ? rate.full() : units + elapsed * rate.permits();
        refilledAt = nowNanos;
    }
}
