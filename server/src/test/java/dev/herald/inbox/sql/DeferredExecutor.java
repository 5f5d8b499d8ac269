package dev.herald.inbox.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** Holds the tasks it is given until {@link #runAll}, so that the changes queued meanwhile form one group. */
final class DeferredExecutor implements Executor {
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs the tasks held, on this thread. */
    void runAll() {
        List<Runnable> now;
        synchronized (this) {
            now = new ArrayList<>(tasks);
            tasks.clear();
        }
        now.forEach(Runnable::run);
    }

    synchronized int pending() {
        return tasks.size();
    }
}
