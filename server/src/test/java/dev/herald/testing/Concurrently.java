package dev.herald.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on {@code n} threads at once: every thread waits at a barrier until all have started,
 * then runs {@code task.run(i)} (or {@code call(i)}, collecting what each returns) with its index.
 * Waits for all, up to a timeout; the first failure
 * (in the order they happened) is rethrown with the others added as suppressed, so a race that
 * breaks one thread fails the test with its own stack trace.
 */
public final class Concurrently {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One thread's share of the work; {@code index} runs from 0 to n - 1. */
    @FunctionalInterface
    public interface Task {
        void run(int index) throws Exception;
    }

    /** One thread's share of the work, with a result; {@code index} runs from 0 to n - 1. */
    @FunctionalInterface
    public interface Call<T> {
        T call(int index) throws Exception;
    }

    private Concurrently() {}

    public static void run(int n, Task task) throws Exception {
        run(n, TIMEOUT, task);
    }

    public static void run(int n, Duration timeout, Task task) throws Exception {
        call(n, timeout, i -> {
            task.run(i);
            return null;
        });
    }

    /** What each thread returned, by index (a list that may hold nulls). */
    public static <T> List<T> call(int n, Call<T> call) throws Exception {
        return call(n, TIMEOUT, call);
    }

    public static <T> List<T> call(int n, Duration timeout, Call<T> call) throws Exception {
        Object[] results = new Object[n];
        CyclicBarrier start = new CyclicBarrier(n);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    start.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    results[index] = call.call(index);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "concurrently-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!stuck.isEmpty()) {
            threads.forEach(Thread::interrupt);
            AssertionError timedOut = new AssertionError("still running after " + timeout.toMillis() + " ms: " + stuck);
            failures.forEach(timedOut::addSuppressed);
            throw timedOut;
        }
        Throwable first = failures.poll();
        if (first == null) {
            @SuppressWarnings("unchecked")
            List<T> all = (List<T>) Arrays.asList(results);
            return all;
        }
        failures.forEach(first::addSuppressed);
        if (first instanceof Exception e) {
            throw e;
        }
        throw (Error) first;
    }
}
