package dev.herald.webhooks;

import dev.herald.broker.Broker;
import dev.herald.broker.JobLock;
import dev.herald.config.Settings;
import dev.herald.pusher.PusherHooks;
import dev.herald.store.Database;
import dev.herald.store.DuplicateKeyException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pusher-format webhooks (docs/pusher.md, "Webhooks"): what the gateway reports through
 * {@link PusherHooks} becomes outbox rows of format {@link Outbox#PUSHER}, one per app of
 * {@code pusher.webhooks} that wants the event, sent by the shared {@link Dispatcher}.
 *
 * <p>Member events and client events are already once per cluster where they are reported. Channel
 * occupancy is decided here, against the table {@code pusher_occupied} (migration V6): a node whose
 * first subscriber of a channel is heard inserts the channel — the insert that wins stores
 * {@code channel_occupied}; a node whose last subscriber left deletes the row, asks the cluster
 * whether any node still hears the channel ({@link Broker#heardChannels}, PUBSUB CHANNELS on
 * Redis) and keeps the delete, with {@code channel_vacated}, only when none does. The delete comes
 * first, so a concurrent insert for the channel waits for that transaction (a row lock) and then
 * either finds the row (still occupied) or stores the next {@code channel_occupied} after the
 * vacated one. A sweep every {@value #SWEEP_MS} ms, on one node of the cluster at a time
 * ({@link JobLock}), vacates channels whose check came too early (a node's unsubscribe not yet
 * through) or whose node died: it reads the whole table and asks every Redis server which channels
 * are heard, work that N nodes would otherwise do N times. Work runs on a thread of its own, never
 * on an event loop.
 */
final class PusherWebhooks implements PusherHooks {
    private static final Logger log = LoggerFactory.getLogger(PusherWebhooks.class);
    static final long SWEEP_MS = 2_000;
    /** The sweep's name for {@link JobLock#claim}: once per cluster per {@value #SWEEP_MS} ms. */
    static final String SWEEP_JOB = "webhooks.pusher-occupancy";

    private final Database db;
    private final Outbox outbox;
    private final Broker broker;
    private final JobLock jobLock;
    private final Predicate<String> localSubscribers;
    private final Runnable wake;
    private final List<Settings.PusherWebhook> targets;
    private final ScheduledThreadPoolExecutor work;
    /** Whether any app asked for channel_occupied or channel_vacated; else no channel is tracked. */
    private final boolean occupancyWanted;
    /** Events waiting on {@link #work} to be stored; bounded by {@link #MAX_PENDING}. */
    static final int MAX_PENDING = 10_000;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Inserts the channel or nothing, with no error for a duplicate where the dialect allows (the
     * MariaDB driver logs every duplicate-key error): these wait for a concurrent delete of the row
     * like a plain insert does, then insert.
     */
    private final String insertOccupied;

    PusherWebhooks(Database db, Outbox outbox, Broker broker, JobLock jobLock, Predicate<String> localSubscribers,
                   List<Settings.PusherWebhook> targets, Runnable wake) {
        this.db = db;
        this.outbox = outbox;
        this.broker = broker;
        this.jobLock = jobLock;
        this.localSubscribers = localSubscribers;
        this.targets = List.copyOf(targets);
        this.occupancyWanted = !apps("channel_occupied").isEmpty() || !apps("channel_vacated").isEmpty();
        this.wake = wake;
        this.insertOccupied = switch (db.dialect()) {
            case POSTGRESQL -> "INSERT INTO pusher_occupied (channel) VALUES (?) ON CONFLICT DO NOTHING";
            case MARIADB -> "INSERT IGNORE INTO pusher_occupied (channel) VALUES (?)";
            default -> "INSERT INTO pusher_occupied (channel) VALUES (?)";
        };
        this.work = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "herald-pusher-webhooks");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        Duration period = Duration.ofMillis(SWEEP_MS);
        work.scheduleWithFixedDelay(() -> {
            if (jobLock.claim(SWEEP_JOB, period)) {
                sweep();
            }
        }, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    void close() {
        work.shutdown();
        try {
            work.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The apps that want events named {@code name}. */
    private List<String> apps(String name) {
        List<String> out = new ArrayList<>(targets.size());
        for (Settings.PusherWebhook t : targets) {
            if (t.events().contains(name)) {
                out.add(t.appId());
            }
        }
        return out;
    }

    /**
     * Runs {@code task} on the webhook thread. At most {@value #MAX_PENDING} wait: client events come
     * from the internet, and a slow database must not let their queue grow without bound; past it an
     * event is dropped with a warning (the outbox's at-least-once starts once a row is stored).
     */
    private void queue(String what, Runnable task) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            if (dropped.getAndIncrement() % 1000 == 0) {
                log.warn("pusher webhook ({}) dropped: {} events already wait to be stored (dropped so far: {})",
                        what, MAX_PENDING, dropped.get());
            }
            return;
        }
        try {
            work.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("pusher webhook ({}) not stored: {}", what, e.toString());
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.decrementAndGet();
            log.debug("pusher webhook ({}) dropped: stopping", what);
        }
    }

    private void store(String name, Map<String, Object> event) {
        List<String> apps = apps(name);
        if (apps.isEmpty()) {
            return;
        }
        db.inTransaction("store pusher webhook", c -> {
            outbox.insertPusher(c, apps, event);
            return null;
        });
        wake.run();
    }

    private static Map<String, Object> event(String name, String channel) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("channel", channel);
        return e;
    }

    @Override
    public void channelMaybeOccupied(String channel) {
        if (!occupancyWanted) {
            return;
        }
        queue("channel_occupied", () -> occupy(channel));
    }

    private void occupy(String channel) {
        if (!localSubscribers.test(channel)) {
            return; // gone again: the vacate check (or the sweep) sees to the row
        }
        try {
            boolean stored = db.inTransaction("store channel_occupied", c -> {
                try (PreparedStatement ps = c.prepareStatement(insertOccupied)) {
                    ps.setString(1, channel);
                    if (ps.executeUpdate() != 1) {
                        return false; // occupied already
                    }
                }
                outbox.insertPusher(c, apps("channel_occupied"), event("channel_occupied", channel));
                return true;
            });
            if (stored) {
                wake.run();
            }
        } catch (DuplicateKeyException e) {
            // occupied already (another node, or this one before): announced once
        }
    }

    @Override
    public void channelMaybeVacated(String channel) {
        if (!occupancyWanted) {
            return;
        }
        // this node's UNSUBSCRIBE is on its way to Redis: check a moment later (the sweep checks again)
        try {
            work.schedule(() -> {
                try {
                    vacate(channel);
                } catch (RuntimeException e) {
                    log.warn("pusher webhook (channel_vacated) not stored: {}", e.toString());
                }
            }, 100, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("pusher webhook (channel_vacated) dropped: stopping");
        }
    }

    /** Deletes the channel's row and stores channel_vacated when no node hears it; else rolls back. */
    private void vacate(String channel) {
        if (localSubscribers.test(channel)) {
            return;
        }
        boolean stored = db.inTransaction("store channel_vacated", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pusher_occupied WHERE channel = ?")) {
                ps.setString(1, channel);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            if (localSubscribers.test(channel) || heardAnywhere(channel)) {
                c.rollback();
                return false;
            }
            outbox.insertPusher(c, apps("channel_vacated"), event("channel_vacated", channel));
            return true;
        });
        if (stored) {
            wake.run();
        }
    }

    private boolean heardAnywhere(String channel) {
        try {
            return broker.heard(channel).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot tell whether " + channel + " is heard: " + e.getMessage(), e);
        }
    }

    /**
     * Channels announced occupied that nobody hears any more (a late unsubscribe, a dead node). Any
     * node may run it for the cluster: the channels heard are every node's, and {@link #vacate}
     * checks each channel again.
     */
    private void sweep() {
        try {
            List<String> rows = db.withConnection("list occupied channels", c -> {
                List<String> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT channel FROM pusher_occupied");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            });
            if (rows.isEmpty()) {
                return;
            }
            Set<String> heard = broker.heardChannels("").toCompletableFuture().get(5, TimeUnit.SECONDS);
            for (String channel : rows) {
                if (!localSubscribers.test(channel) && !heard.contains(channel)) {
                    vacate(channel);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("pusher occupancy sweep skipped: {}", e.toString());
        }
    }

    @Override
    public void memberAdded(String channel, String userId) {
        member("member_added", channel, userId);
    }

    @Override
    public void memberRemoved(String channel, String userId) {
        member("member_removed", channel, userId);
    }

    private void member(String name, String channel, String userId) {
        queue(name, () -> {
            Map<String, Object> e = event(name, channel);
            e.put("user_id", userId);
            store(name, e);
        });
    }

    @Override
    public void clientEvent(String channel, String event, String data, String socketId, String userId) {
        queue("client_event", () -> {
            Map<String, Object> e = event("client_event", channel);
            e.put("event", event);
            e.put("data", data);
            e.put("socket_id", socketId);
            if (userId != null) {
                e.put("user_id", userId);
            }
            store("client_event", e);
        });
    }
}
