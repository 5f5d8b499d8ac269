package dev.herald.gateway;

import dev.herald.limits.TokenBucket;
import java.util.concurrent.TimeUnit;

/**
 * One connection's inbound frames: a {@link TokenBucket} of {@code perMinute} tokens, refilled
 * evenly. Frames beyond it are refused; once more than {@code grace} refused frames pile up without
 * the client slowing down, {@link #abusive()} turns true and the connection is closed. Loop-confined;
 * the caller passes the time it read for the frame. The {@link TokenBucket.Rate} is the node's one
 * (built once by {@link #perMinute}), so a connection holds just its bucket and counter.
 */
final class RateLimiter {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final TokenBucket bucket;
    private final int grace;
    private int refusedInARow;

    RateLimiter(TokenBucket.Rate rate, int grace, long nowNanos) {
        this.bucket = new TokenBucket(rate, nowNanos);
        this.grace = grace;
    }

    /** The rate of {@code perMinute} frames a minute, with a burst of as many: one per node, shared. */
    static TokenBucket.Rate perMinute(int perMinute) {
        return new TokenBucket.Rate(perMinute, perMinute, MINUTE);
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
