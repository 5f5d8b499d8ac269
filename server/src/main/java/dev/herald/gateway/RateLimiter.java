package dev.herald.gateway;

import dev.herald.limits.TokenBucket;
import java.util.concurrent.TimeUnit;

/**
 * One connection's inbound frames: a {@link TokenBucket} of {@code perMinute} tokens, refilled
 * evenly. Frames beyond it are refused; once more than {@code grace} refused frames pile up without
 * the client slowing down, {@link #abusive()} turns true and the connection is closed. Loop-confined;
 * the caller passes the time it read for the frame.
 */
final class RateLimiter {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final TokenBucket bucket;
    private final int grace;
    private int refusedInARow;

    RateLimiter(int perMinute, int grace, long nowNanos) {
        this.bucket = new TokenBucket(new TokenBucket.Rate(perMinute, perMinute, MINUTE), nowNanos);
        this.grace = grace;
    }

    /** Takes one token; false when the frame must be refused. */
    boolean tryAcquire(long nowNanos) {
        if (bucket.tryTake(nowNanos)) {
            refusedInARow = 0;
            return true;
        }
        refusedInARow++;
        return false;
    }

    boolean abusive() {
        return refusedInARow > grace;
    }
}
