package dev.herald.webhooks;

import dev.herald.broker.JobLock;
import dev.herald.broker.Presence;
import dev.herald.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code user.online} and {@code user.offline} for the whole cluster. The {@code webhook_presence}
 * table holds the users announced online; a row is inserted (with its {@code user.online} event, in
 * one transaction) when a user's first connection opens on some node and no row exists, so a second
 * device or node announces nothing. A sweep, once per cluster every second ({@link JobLock}),
 * compares the table with the cluster's {@link Presence}: a user presence no longer lists gets
 * {@code offline_since}; one listed again loses it (a reload: neither offline nor a second online);
 * one away for {@code webhooks.offline-grace} is deleted with its {@code user.offline} event, by a
 * conditional DELETE, so two sweeps cannot both announce it. Users the insert missed (the database
 * was down) are announced by the sweep.
 */
final class PresenceEvents {
    private static final Logger log = LoggerFactory.getLogger(PresenceEvents.class);

    private final Database db;
    private final EventSink events;
    private final Presence presence;
    private final JobLock jobLock;
    private final Clock clock;
    private final long graceMs;
    private final Executor executor;

    /** {@code events}: where {@code user.online} / {@code user.offline} are stored, in the table change's transaction. */
    PresenceEvents(Database db, EventSink events, Presence presence, JobLock jobLock, Clock clock, Duration grace,
                   Executor executor) {
        this.db = db;
        this.events = events;
        this.presence = presence;
        this.jobLock = jobLock;
        this.clock = clock;
        this.graceMs = grace.toMillis();
        this.executor = executor;
    }

    /** The presence the gateway reports to: the real one, plus a look at the table on a first connection. */
    Presence watching() {
        return new Presence() {
            @Override
            public void userOnline(long userId) {
                presence.userOnline(userId);
                try {
                    executor.execute(() -> online(userId));
                } catch (RejectedExecutionException e) {
                    // full or closing: the next sweep announces the user
                }
            }

            @Override
            public void userOffline(long userId) {
                presence.userOffline(userId);
            }

            @Override
            public java.util.concurrent.CompletionStage<Boolean> isOnline(long userId) {
                return presence.isOnline(userId);
            }

            @Override
            public java.util.concurrent.CompletionStage<Set<Long>> onlineAmong(long[] userIds) {
                return presence.onlineAmong(userIds);
            }

            @Override
            public java.util.concurrent.CompletionStage<List<Long>> onlineUsers() {
                return presence.onlineUsers();
            }

            @Override
            public java.util.concurrent.CompletionStage<Long> onlineCount() {
                return presence.onlineCount();
            }

            @Override
            public void close() {
                presence.close();
            }
        };
    }

    /** A first local connection: announce the user unless the table says they are online already. */
    void online(long userId) {
        try {
            db.inTransaction("webhook user online", c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE webhook_presence SET offline_since = 0 WHERE user_id = ?")) {
                    ps.setLong(1, userId);
                    if (ps.executeUpdate() == 1) {
                        return null; // known: back within the grace, or another device
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO webhook_presence (user_id, offline_since) VALUES (?, 0)")) {
                    ps.setLong(1, userId);
                    ps.executeUpdate();
                }
                events.publishIn(c, EventSink.ONLINE, List.of(userData(userId, clock.millis())));
                return null;
            });
        } catch (RuntimeException e) {
            // a duplicate key (another node announced them at the same moment) or a database that is
            // down: either way the table decides, and the sweep catches up
            log.debug("user {} online not recorded now: {}", userId, e.getMessage());
        }
    }

    void schedule(java.util.concurrent.ScheduledExecutorService scheduler, Duration every) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (jobLock.claim("webhooks.presence", every)) {
                    sweep();
                }
            } catch (RuntimeException e) {
                log.warn("webhook presence sweep: {}", e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Compares the table with the cluster's presence once (see the class comment). */
    void sweep() {
        Set<Long> online;
        try {
            online = new HashSet<>(presence.onlineUsers().toCompletableFuture().get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            log.debug("presence unavailable, sweep skipped: {}", e.getMessage());
            return; // never announce offlines from a presence we cannot read
        }
        Map<Long, Long> table = db.withConnection("read webhook presence", c -> {
            Map<Long, Long> rows = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, offline_since FROM webhook_presence");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getLong(2));
                }
            }
            return rows;
        });
        long now = clock.millis();
        List<Long> back = new ArrayList<>();
        List<Long> gone = new ArrayList<>();
        for (Map.Entry<Long, Long> e : table.entrySet()) {
            long since = e.getValue();
            if (online.contains(e.getKey())) {
                if (since != 0) {
                    back.add(e.getKey());
                }
            } else if (since == 0) {
                gone.add(e.getKey());
            } else if (since + graceMs <= now) {
                offline(e.getKey(), since);
            }
        }
        for (long userId : online) {
            if (!table.containsKey(userId)) {
                online(userId);
            }
        }
        if (!back.isEmpty() || !gone.isEmpty()) {
            db.inTransaction("webhook presence marks", c -> {
                try (PreparedStatement clear = c.prepareStatement("UPDATE webhook_presence SET offline_since = 0 WHERE user_id = ?");
                     PreparedStatement mark = c.prepareStatement(
                             "UPDATE webhook_presence SET offline_since = ? WHERE user_id = ? AND offline_since = 0")) {
                    for (long id : back) {
                        clear.setLong(1, id);
                        clear.addBatch();
                    }
                    for (long id : gone) {
                        mark.setLong(1, now);
                        mark.setLong(2, id);
                        mark.addBatch();
                    }
                    clear.executeBatch();
                    mark.executeBatch();
                }
                return null;
            });
        }
    }

    /** Deletes the row if it still says gone since {@code since}, with its user.offline event. */
    private void offline(long userId, long since) {
        db.inTransaction("webhook user offline", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM webhook_presence WHERE user_id = ? AND offline_since = ?")) {
                ps.setLong(1, userId);
                ps.setLong(2, since);
                if (ps.executeUpdate() != 1) {
                    return null;
                }
            }
            events.publishIn(c, EventSink.OFFLINE, List.of(userData(userId, since)));
            return null;
        });
    }

    private static Map<String, Object> userData(long userId, long at) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("user_id", userId);
        data.put("at", Instant.ofEpochMilli(at).toString());
        return data;
    }
}
