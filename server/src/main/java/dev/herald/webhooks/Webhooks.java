package dev.herald.webhooks;

import dev.herald.broker.Broker;
import dev.herald.broker.JobLock;
import dev.herald.broker.Presence;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.pusher.PusherHooks;
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
 * Webhooks of one node (docs/webhooks.md), built by {@code Herald} when {@code webhooks.url} or
 * {@code pusher.webhooks} is set: the {@link EventSink} the inbox writes to and the presence watch
 * behind {@code user.online} / {@code user.offline} (both only with {@code webhooks.url}), the
 * Pusher-format webhooks ({@link #pusher}), and the outbox's one {@link Dispatcher}, which sends
 * both formats.
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
    private final boolean herald;
    private final List<Settings.PusherWebhook> pusherTargets;
    private final JobLock jobLock;
    private volatile PusherWebhooks pusher;

    public Webhooks(Settings.Webhooks settings, String nodeId, Database db, Presence presence, JobLock jobLock,
                    HeraldMetrics metrics, Clock clock) {
        this(settings, List.of(), List.of(), nodeId, db, presence, jobLock, metrics, clock);
    }

    /**
     * {@code pusherTargets}: the apps of {@code pusher.webhooks}, {@code apps} all of
     * {@code pusher.apps} (their keys and secrets sign). At least one of {@code webhooks.url} and
     * {@code pusherTargets} must be set.
     */
    public Webhooks(Settings.Webhooks settings, List<Settings.PusherWebhook> pusherTargets, List<Settings.PusherApp> apps,
                    String nodeId, Database db, Presence presence, JobLock jobLock, HeraldMetrics metrics, Clock clock) {
        this.herald = settings.enabled();
        if (!herald && pusherTargets.isEmpty()) {
            throw new IllegalArgumentException("neither webhooks.url nor pusher.webhooks is set");
        }
        this.pusherTargets = List.copyOf(pusherTargets);
        this.jobLock = jobLock;
        this.db = db;
        this.graceMs = settings.offlineGrace().toMillis();
        this.outbox = new Outbox(db, clock);
        String owner = nodeId + "-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        Map<String, Dispatcher.PusherTarget> targets = new java.util.HashMap<>();
        for (Settings.PusherWebhook t : pusherTargets) {
            Settings.PusherApp app = apps.stream().filter(a -> a.id().equals(t.appId())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("pusher.webhooks names app " + t.appId()
                            + ", which is not in pusher.apps"));
            targets.put(app.id(), new Dispatcher.PusherTarget(URI.create(t.url()), app.key(),
                    app.secret().getBytes(StandardCharsets.UTF_8)));
        }
        this.dispatcher = new Dispatcher(outbox, owner, herald ? URI.create(settings.url()) : null,
                settings.secret().getBytes(StandardCharsets.UTF_8), targets, settings.maxAttempts(), settings.retryInitial(),
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
        // this node's sink (its outbox and dispatcher are set above): presence events are handed off like the inbox's
        this.presenceEvents = herald ? new PresenceEvents(db, this, presence, jobLock, clock, settings.offlineGrace(),
                onlineWork) : null;
        this.watched = herald ? presenceEvents.watching() : presence;
        metrics.webhookCounts(dispatcher::backlog, dispatcher::failedRows);
        dispatcher.refreshCounts();
    }

    /** Starts sending and sweeping presence (once a second, or faster for a grace under 4 s). */
    public void start() {
        dispatcher.start();
        if (presenceEvents != null) {
            Duration grace = Duration.ofMillis(Math.max(100, Math.min(1000, graceMs / 4)));
            presenceEvents.schedule(scheduler, grace);
        }
        PusherWebhooks p = pusher;
        if (p != null) {
            p.start();
        }
    }

    /**
     * The Pusher-format webhooks the gateway reports to ({@link PusherHooks#NONE} without
     * {@code pusher.webhooks}); {@code broker} answers which channels the cluster hears,
     * {@code localSubscribers} whether this node has a subscriber of a channel. Call once, before {@link #start}.
     */
    public PusherHooks pusher(Broker broker, java.util.function.Predicate<String> localSubscribers) {
        if (pusherTargets.isEmpty()) {
            return PusherHooks.NONE;
        }
        PusherWebhooks p = new PusherWebhooks(db, outbox, broker, jobLock, localSubscribers, pusherTargets, dispatcher::wake);
        this.pusher = p;
        return p;
    }


    /** Claims of the dispatcher that took rows (handed-off rows need none). */
    long dispatcherClaims() {
        return dispatcher.claims();
    }

    /** Wraps the node's presence: the gateway reports to this one so a first connection is seen at once. */
    public Presence watch() {
        return watched;
    }

    /** Whether Herald's own webhooks ({@code webhooks.url}) are on: only then are inbox and presence events stored. */
    @Override
    public boolean enabled() {
        return herald;
    }

    /**
     * Stores the events on {@code c} leased to this node and hands them to the dispatcher once the
     * transaction commits (sent with no claim); when its hand-off queue is full, stores them for
     * any node to claim and wakes the dispatcher after the commit.
     */
    @Override
    public void publishIn(Connection c, String type, List<Map<String, Object>> data) throws SQLException {
        if (!herald || data.isEmpty()) {
            return;
        }
        int n = data.size();
        if (!dispatcher.reserve(n)) {
            outbox.insert(c, type, data);
            Database.whenEnded(c, committed -> {
                if (committed) {
                    dispatcher.wake();
                }
            });
            return;
        }
        long leaseUntil = dispatcher.leaseUntil();
        List<Outbox.Row> rows;
        try {
            rows = outbox.insert(c, type, data, dispatcher.owner(), leaseUntil);
            Database.whenEnded(c, committed -> {
                if (committed) {
                    dispatcher.handOff(rows, leaseUntil);
                } else {
                    dispatcher.unreserve(n);
                }
            });
        } catch (SQLException | RuntimeException e) {
            dispatcher.unreserve(n);
            throw e;
        }
    }

    @Override
    public void publish(String type, Map<String, Object> data) {
        if (!herald) {
            return;
        }
        db.inTransaction("publish webhook", c -> {
            publishIn(c, type, List.of(data));
            return null;
        });
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
        PusherWebhooks p = pusher;
        if (p != null) {
            p.close();
        }
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
