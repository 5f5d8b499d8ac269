package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import static dev.herald.inbox.sql.NotificationSql.SELECT;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.webhooks.EventSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The state changes of {@link NotificationStore} in SQL: read, unread, archive, unarchive, snooze,
 * the wake job's claim, actions, delete and clear. The store keeps its contract (arguments
 * checked, ids made distinct) and forgets the users it changes ({@link NothingWaiting}); this
 * class runs the statements, each method one connection or one transaction as documented there.
 */
final class StateChanges {

    private static final String READ = "is_read = TRUE, read_at = ?, updated_at = ?";
    private static final String DELETE = "deleted_at = ?, updated_at = ?";
    private static final String ARCHIVE = "archived = TRUE, archived_at = ?, snoozed_until = NULL, updated_at = ?";
    private static final String UNARCHIVE = "archived = FALSE, archived_at = NULL, updated_at = ?";
    private static final String UNREAD = "is_read = FALSE, read_at = NULL, updated_at = ?";

    private final Database db;
    private final NotificationSql sql;
    /** Webhook events of reads and actions, written in the change's own transaction. */
    private final EventSink events;
    /** The store's clock, truncated to milliseconds. */
    private final Supplier<Instant> now;

    StateChanges(Database db, NotificationSql sql, EventSink events, Supplier<Instant> now) {
        this.db = requireNonNull(db, "db");
        this.sql = requireNonNull(sql, "sql");
        this.events = requireNonNull(events, "events");
        this.now = requireNonNull(now, "now");
    }

    /** {@link NotificationStore#markRead(long, long)}. */
    OptionalInt markRead(long userId, long id) {
        if (events.enabled()
                && changeWithEvents("mark read", READ, "is_read = FALSE", userId, new long[] {id}, now.get(),
                        EventSink.READ, "read_at") == 1) {
            return OptionalInt.of(1);
        }
        return changeOne("mark read", READ, "is_read = FALSE", userId, id);
    }

    /** {@link NotificationStore#markUnread}. */
    OptionalInt markUnread(long userId, long id) {
        return changeOne("mark unread", UNREAD, "is_read = TRUE", userId, id);
    }

    /** {@link NotificationStore#archive(long, long)}. */
    OptionalInt archive(long userId, long id) {
        return changeOne("archive", ARCHIVE, "archived = FALSE", userId, id);
    }

    /** {@link NotificationStore#archive(long, java.util.Collection)} of distinct {@code ids}. */
    int archive(long userId, long[] ids) {
        return sql.updateIds("archive", ARCHIVE, "archived = FALSE", userId, ids, now.get());
    }

    /** {@link NotificationStore#unarchive}. */
    OptionalInt unarchive(long userId, long id) {
        return changeOne("unarchive", UNARCHIVE, "archived = TRUE", userId, id);
    }

    /** {@link NotificationStore#snooze} until {@code until}, changed at {@code now}. */
    OptionalInt snooze(long userId, long id, Instant until, Instant now) {
        Object wake = db.dialect().timestamp(until.truncatedTo(ChronoUnit.MILLIS));
        Object ts = db.dialect().timestamp(now);
        return db.withConnection("snooze", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET snoozed_until = ?,"
                    + " archived = FALSE, archived_at = NULL, updated_at = ?"
                    + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL")) {
                ps.setObject(1, wake);
                ps.setObject(2, ts);
                ps.setLong(3, id);
                ps.setLong(4, userId);
                return ps.executeUpdate() == 1 ? OptionalInt.of(1) : OptionalInt.empty();
            }
        });
    }

    /**
     * The claim of {@link NotificationStore#wakeSnoozed} ({@code limit} checked): the ids it woke,
     * in the order claimed (empty when none was due or another run claimed them first).
     */
    List<Long> wakeSnoozed(int limit) {
        Instant now = this.now.get();
        Object ts = db.dialect().timestamp(now);
        List<Long> due = new ArrayList<>();
        db.withConnection("find snoozed", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM system_notifications"
                    + " WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? ORDER BY snoozed_until, id LIMIT ?")) {
                ps.setObject(1, ts);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getLong(1));
                    }
                }
            }
            return null;
        });
        if (due.isEmpty()) {
            return List.of();
        }
        return db.inTransaction("wake snoozed", c -> {
            List<Long> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET snoozed_until = NULL,"
                    + " created_at = ?, updated_at = ?, sent_via_websocket = FALSE, sent_at = NULL, retry_count = 0"
                    + " WHERE id = ? AND snoozed_until IS NOT NULL AND snoozed_until <= ? AND deleted_at IS NULL")) {
                for (long id : due) {
                    ps.setObject(1, ts);
                    ps.setObject(2, ts);
                    ps.setLong(3, id);
                    ps.setObject(4, ts);
                    if (ps.executeUpdate() == 1) {
                        claimed.add(id);
                    }
                }
            }
            return claimed;
        });
    }

    /** {@link NotificationStore#takeAction}, in one transaction. */
    NotificationStore.Taking takeAction(long userId, long id, String actionId) {
        Instant now = this.now.get();
        Object ts = db.dialect().timestamp(now);
        return db.inTransaction("take action", c -> {
            List<Notification> rows;
            try (PreparedStatement ps = c.prepareStatement(SELECT
                    + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL")) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                rows = sql.rows().query(ps);
            }
            if (rows.isEmpty()) {
                return NotificationStore.Taking.NOT_FOUND;
            }
            Notification n = rows.get(0);
            boolean offered = false;
            if (n.actions() != null) {
                for (var a : n.actions()) {
                    offered |= actionId.equals(a.path("id").asText(null));
                }
            }
            if (!offered) {
                return NotificationStore.Taking.NO_SUCH_ACTION;
            }
            var taken = new java.util.LinkedHashMap<String, Object>();
            taken.put("id", actionId);
            taken.put("at", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(java.time.ZoneOffset.UTC).format(now));
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET action_taken = ?,"
                    + " is_read = TRUE, read_at = COALESCE(read_at, ?), updated_at = ?"
                    + " WHERE id = ? AND user_id = ? AND action_taken IS NULL AND deleted_at IS NULL")) {
                ps.setString(1, NotificationRows.jsonText(dev.herald.protocol.Json.MAPPER.valueToTree(taken)));
                ps.setObject(2, ts);
                ps.setObject(3, ts);
                ps.setLong(4, id);
                ps.setLong(5, userId);
                if (ps.executeUpdate() != 1) {
                    return NotificationStore.Taking.ALREADY_TAKEN;
                }
            }
            if (events.enabled()) {
                String at = now.toString();
                events.publishIn(c, EventSink.ACTION, List.of(Map.of("notification_id", id, "user_id", userId,
                        "action_id", actionId, "taken_at", at)));
                if (!n.read()) {
                    events.publishIn(c, EventSink.READ, List.of(Map.of("notification_id", id, "user_id", userId,
                            "read_at", at)));
                }
            }
            return NotificationStore.Taking.TAKEN;
        });
    }

    /** {@link NotificationStore#markRead(long, java.util.Collection)} of distinct {@code ids}. */
    int markRead(long userId, long[] ids) {
        return events.enabled()
                ? changeWithEvents("mark read", READ, "is_read = FALSE", userId, ids, now.get(), EventSink.READ, "read_at")
                : sql.updateIds("mark read", READ, "is_read = FALSE", userId, ids, now.get());
    }

    /** {@link NotificationStore#markAllRead}. */
    int markAllRead(long userId) {
        return events.enabled()
                ? changeWithEvents("mark all read", READ, "is_read = FALSE", userId, null, now.get(), EventSink.READ, "read_at")
                : sql.updateAll("mark all read", READ, "is_read = FALSE", userId, now.get());
    }

    /** {@link NotificationStore#delete(long, long)}: how many rows it deleted (1 or 0). */
    int delete(long userId, long id) {
        return sql.updateIds("delete notification", DELETE, null, userId, new long[] {id}, now.get());
    }

    /** {@link NotificationStore#delete(long, java.util.Collection)} of distinct {@code ids}. */
    int delete(long userId, long[] ids) {
        return sql.updateIds("delete notifications", DELETE, null, userId, ids, now.get());
    }

    /** {@link NotificationStore#clearRead}. */
    int clearRead(long userId) {
        return sql.updateAll("clear read", DELETE, "is_read = TRUE", userId, now.get());
    }

    /** {@code set} on one live row of the user meeting {@code condition}: 1, 0 (found, already so) or empty (not theirs). */
    private OptionalInt changeOne(String action, String set, String condition, long userId, long id) {
        Instant now = this.now.get();
        return db.withConnection(action, c -> {
            if (sql.update(c, set, condition, userId, new long[] {id}, now) == 1) {
                return OptionalInt.of(1);
            }
            return NotificationSql.count(c, "SELECT COUNT(*) FROM system_notifications"
                    + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL", id, userId) > 0
                    ? OptionalInt.of(0) : OptionalInt.empty();
        });
    }

    /**
     * A change with webhook events, in ONE transaction: locks the user's rows among {@code ids}
     * ({@code null}: all the user's rows) that meet {@code condition} ({@code SELECT … FOR UPDATE},
     * so two concurrent reads of one id cannot both report it), changes exactly those, and stores one
     * {@code type} event per changed row. Returns how many changed.
     */
    private int changeWithEvents(String action, String set, String condition, long userId, long[] ids, Instant now,
                                 String type, String timeField) {
        if (ids != null && ids.length == 0) {
            return 0;
        }
        return db.inTransaction(action, c -> {
            List<Long> changed = new ArrayList<>();
            if (ids == null) {
                changed.addAll(lockedIds(c, condition, userId, null));
            } else {
                for (long[] chunk : IdChunks.split(ids, NotificationSql.ID_CHUNK)) {
                    changed.addAll(lockedIds(c, condition, userId, chunk));
                }
            }
            long[] found = changed.stream().mapToLong(Long::longValue).toArray();
            int n = 0;
            for (long[] chunk : IdChunks.split(found, NotificationSql.ID_CHUNK)) {
                n += sql.update(c, set, condition, userId, chunk, now);
            }
            String at = now.toString();
            List<Map<String, Object>> data = new ArrayList<>(found.length);
            for (long id : found) {
                Map<String, Object> d = new java.util.LinkedHashMap<>();
                d.put("notification_id", id);
                d.put("user_id", userId);
                d.put(timeField, at);
                data.add(d);
            }
            events.publishIn(c, type, data);
            return n;
        });
    }

    private static List<Long> lockedIds(Connection c, String condition, long userId, long[] ids) throws SQLException {
        String q = "SELECT id FROM system_notifications WHERE user_id = ? AND deleted_at IS NULL AND " + condition
                + (ids == null ? "" : " AND id IN (" + IdChunks.placeholders(ids.length) + ")") + " ORDER BY id FOR UPDATE";
        try (PreparedStatement ps = c.prepareStatement(q)) {
            ps.setLong(1, userId);
            if (ids != null) {
                for (int i = 0; i < ids.length; i++) {
                    ps.setLong(2 + i, ids[i]);
                }
            }
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }
}
