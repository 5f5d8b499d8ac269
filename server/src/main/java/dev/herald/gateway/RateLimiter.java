package dev.herald.gateway;

/**
 * Token bucket for one connection's inbound frames: {@code perMinute} tokens, refilled evenly. Frames
 * beyond it are refused; once more than {@code grace} refused frames pile up without the client
 * slowing down, {@link #abusive()} turns true and the connection is closed. Loop-confined.
 */
final class RateLimiter {
    private final int capacity;
    private final long nanosPerToken;
    private final int grace;
    private long tokens;
    private long lastRefillNanos;
    private int refusedInARow;

    RateLimiter(int perMinute, int grace, long nowNanos) {
        this.capacity = perMinute;
        this.nanosPerToken = 60_000_000_000L / perMinute;
        this.grace = grace;
        this.tokens = perMinute;
        this.lastRefillNanos = nowNanos;
    }

    /** Takes one token; false when the frame must be refused. */
    boolean tryAcquire(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed >= nanosPerToken) {
            long add = elapsed / nanosPerToken;
            tokens = Math.min(capacity, tokens + add);
            lastRefillNanos = tokens == capacity ? nowNanos : lastRefillNanos + add * nanosPerToken;
        }
        if (tokens > 0) {
            tokens--;
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
