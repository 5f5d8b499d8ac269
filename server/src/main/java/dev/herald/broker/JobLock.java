package dev.herald.broker;

import java.time.Duration;

/**
 * Makes a periodic job run once per cluster rather than once per node. Every node schedules the job
 * as usual and asks, each time it fires, whether it should run it:
 *
 * <pre>{@code
 * scheduler.scheduleAtFixedRate(() -> {
 *     if (jobLock.claim("notifications.retry", Duration.ofMinutes(5))) {
 *         retryUnsent();
 *     }
 * }, 5, 5, TimeUnit.MINUTES);
 * }</pre>
 *
 * Time is cut into periods of the given length (in Redis's clock for the cluster version, so node
 * clocks need not agree); in each period the first node to ask gets {@code true}, every other ask
 * in that period gets {@code false}. A node that claims and then dies loses that period's run; the
 * next period is claimed afresh. {@link #claim} may block briefly (a Redis round trip, bounded by the
 * command timeout): call it from the job's own thread, never from an event loop. Implementations:
 * {@link #LOCAL} (one node) and {@code redis.RedisJobLock}; safe to call from any thread.
 */
public interface JobLock {
    /**
     * True when this node should run {@code job} (its name across the cluster, non-null) for the
     * current period of length {@code period}. The cluster's lock refuses a period under 1 ms with
     * {@link IllegalArgumentException}; otherwise it never throws: when the cluster cannot be reached
     * the answer is {@code false} (a skipped run is safer than one run by every node).
     */
    boolean claim(String job, Duration period);

    /** A single node runs every job it schedules. */
    JobLock LOCAL = (job, period) -> true;
}
