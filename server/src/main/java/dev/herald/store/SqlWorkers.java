package dev.herald.store;

import dev.herald.metrics.HeraldMetrics;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The bounded pool that runs SQL, sized to the connection pool, so blocking JDBC never runs on an
 * event loop. When its queue is full new work is refused at once
 * ({@link StoreBusyException}, which the HTTP layer answers with 503) instead of piling up.
 */
public final class SqlWorkers implements AutoCloseable, Executor {
    private static final int QUEUE = 10_000;

    private final ThreadPoolExecutor pool;
    private final HeraldMetrics metrics;

    /** {@code metrics} gets each piece of work's wait for a worker and its run time. */
    public SqlWorkers(int threads, HeraldMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "herald-sql-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            long queued = System.nanoTime();
            return CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try {
                    return work.get();
                } finally {
                    metrics.sql(start - queued, System.nanoTime() - start);
                }
            }, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new StoreBusyException());
        }
    }

    /** Runs {@code task} on the pool; throws {@link RejectedExecutionException} when its queue is full. */
    @Override
    public void execute(Runnable task) {
        long queued = System.nanoTime();
        pool.execute(() -> {
            long start = System.nanoTime();
            try {
                task.run();
            } finally {
                metrics.sql(start - queued, System.nanoTime() - start);
            }
        });
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
