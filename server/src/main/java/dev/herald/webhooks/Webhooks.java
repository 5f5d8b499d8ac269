package dev.herald.webhooks;

import dev.herald.broker.JobLock;
import dev.herald.broker.Presence;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.Database;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Webhooks of one node (docs/webhooks.md), built by {@code Herald} only when {@code webhooks.url}
 * is set: the {@link EventSink} the inbox writes to, the outbox's {@link Dispatcher}, and the
 * presence watch behind {@code user.online} / {@code user.offline}.
 */
public final class Webhooks implements EventSink, AutoCloseable {
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final PresenceEvents presenceEvents;
    private final Presence watched;
    private final ThreadPoolExecutor onlineWork;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor admin;
    private final Database db;
    private final long graceMs;

    public Webhooks(Settings.Webhooks settings, String nodeId, Database db, Presence presence, JobLock jobLock,
                    HeraldMetrics metrics, Clock clock) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("webhooks.url is not set");
        }
        this.db = db;
        this.graceMs = settings.offlineGrace().toMillis();
        this.outbox = new Outbox(db, clock);
        String owner = nodeId + "-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        this.dispatcher = new Dispatcher(outbox, owner, URI.create(settings.url()),
                settings.secret().getBytes(StandardCharsets.UTF_8), settings.maxAttempts(), settings.retryInitial(),
                settings.retryMax(), settings.retention(), settings.maxInFlight(), settings.timeout(),
                settings.pollInterval(), clock, metrics);
        this.onlineWork = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "herald-webhooks-presence");
            t.setDaemon(true);
            return t;
        });
        this.admin = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(100), r -> {
            Thread t = new Thread(r, "herald-webhooks-admin");
            t.setDaemon(true);
            return t;
        });
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "herald-webhooks-sweep");
            t.setDaemon(true);
            return t;
        });
        this.presenceEvents = new PresenceEvents(db, outbox, presence, jobLock, clock, settings.offlineGrace(),
                onlineWork, dispatcher::wake);
        this.watched = presenceEvents.watching();
        metrics.webhookCounts(dispatcher::backlog, dispatcher::failedRows);
        dispatcher.refreshCounts();
    }

    /** Starts sending and sweeping presence (once a second, or faster for a grace under 4 s). */
    public void start() {
        dispatcher.start();
        Duration grace = Duration.ofMillis(Math.max(100, Math.min(1000, graceMs / 4)));
        presenceEvents.schedule(scheduler, grace);
    }


    /** Wraps the node's presence: the gateway reports to this one so a first connection is seen at once. */
    public Presence watch() {
        return watched;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void publishIn(Connection c, String type, List<Map<String, Object>> data) throws SQLException {
        if (!data.isEmpty()) {
            outbox.insert(c, type, data);
        }
    }

    @Override
    public void committed() {
        dispatcher.wake();
    }

    @Override
    public void publish(String type, Map<String, Object> data) {
        outboxInsert(type, data);
        dispatcher.wake();
    }

    private void outboxInsert(String type, Map<String, Object> data) {
        db.inTransaction("publish webhook", c -> outbox.insert(c, type, List.of(data)));
    }

    /** A failed event for the admin API: its id, type, attempts, last error, when stored, and the event itself (JSON text). */
    public record FailedEvent(String id, String type, int attempts, String lastError, java.time.Instant createdAt, String event) {}

    /** Failed events, oldest first, at most {@code limit}; runs off the caller's thread. */
    public java.util.concurrent.CompletionStage<List<FailedEvent>> failed(int limit) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> outbox.failed(limit).stream()
                .map(f -> new FailedEvent(f.eventId(), f.type(), f.attempts(), f.lastError(),
                        java.time.Instant.ofEpochMilli(f.createdAt()), f.body()))
                .toList(), admin);
    }

    /** Sends failed events again from attempt one: those named, or all when {@code eventIds} is empty; how many. */
    public java.util.concurrent.CompletionStage<Integer> replay(List<String> eventIds) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            int n = outbox.replay(eventIds);
            if (n > 0) {
                dispatcher.refreshCounts();
                dispatcher.wake();
            }
            return n;
        }, admin);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.shutdown();
        onlineWork.shutdown();
        try {
            onlineWork.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.close();
    }
}
