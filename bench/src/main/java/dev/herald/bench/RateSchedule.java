package dev.herald.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop schedule: event {@code k} (0-based) is due at {@code start + k / rate} seconds,
 * whatever happened to earlier events. Callers measure latency from {@link #intendedNanos} rather
 * than from when they got round to sending, so a stall on either side shows up in the figures
 * instead of hiding in a slower send rate (coordinated omission). Bounded: {@link #total} events.
 */
public final class RateSchedule {
    private final long startNanos;
    private final double periodNanos;
    private final long total;

    public RateSchedule(long startNanos, double ratePerSecond, long total) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.periodNanos = 1e9 / ratePerSecond;
        this.total = Math.max(0, total);
    }

    /** The number of events for {@code rate} per second over {@code durationNanos}. */
    public static long eventsFor(double ratePerSecond, long durationNanos) {
        return Math.max(1, Math.round(ratePerSecond * durationNanos / 1e9));
    }

    public long total() {
        return total;
    }

    public long startNanos() {
        return startNanos;
    }

    public long intendedNanos(long k) {
        return startNanos + (long) (k * periodNanos);
    }

    /** How many events (from 0) are due at {@code now}, capped at {@link #total}. */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long due = (long) Math.floor((nowNanos - startNanos) / periodNanos) + 1;
        return Math.min(due, total);
    }

    /** Receives each event with its index and intended time. */
    public interface Sink {
        void fire(long k, long intendedNanos);
    }

    /**
     * Fires every event on the calling thread at (or as soon as possible after) its intended time,
     * catching up in a burst when behind. Returns when all {@link #total} events have fired.
     */
    public void run(Sink sink) {
        long next = 0;
        while (next < total) {
            long now = System.nanoTime();
            long due = dueBy(now);
            while (next < due) {
                sink.fire(next, intendedNanos(next));
                next++;
            }
            if (next < total) {
                long wait = intendedNanos(next) - System.nanoTime();
                if (wait > 200_000) {
                    LockSupport.parkNanos(wait - 100_000);
                } else if (wait > 0) {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
