package dev.herald.store;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Whether the database answers, checked every few seconds off the event loops, so {@code /health}
 * reads a flag instead of blocking on a dead connection.
 */
public final class DatabaseHealth implements AutoCloseable {
    private static final long PERIOD_SECONDS = 5;
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final Database database;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-db-health");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean up = true;

    public DatabaseHealth(Database database) {
        this.database = Objects.requireNonNull(database);
        timer.scheduleWithFixedDelay(this::check, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    public boolean up() {
        return up;
    }

    private void check() {
        try {
            up = database.withConnection("health check", c -> c.isValid(VALID_TIMEOUT_SECONDS));
        } catch (RuntimeException e) {
            up = false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
