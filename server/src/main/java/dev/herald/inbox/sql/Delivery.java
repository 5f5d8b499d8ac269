package dev.herald.inbox.sql;

import dev.herald.inbox.Backlog;
import dev.herald.inbox.Notification;
import static dev.herald.inbox.sql.NotificationSql.SELECT;
import static dev.herald.inbox.sql.NotificationSql.VISIBLE;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The delivery reads and retry bookkeeping of {@link NotificationStore}: the undelivered urgent
 * rows of a user, the backlog (those with the unread count, one statement), the retry job's work
 * lists and its retry count. Limits are checked by the store.
 */
final class Delivery {

    private static final String RETRY = "retry_count = retry_count + 1, updated_at = ?";
    /** Only urgent notifications are pushed; normal ones (store only) never are. */
    private static final String PUSHED = "level = 'urgent' AND " + VISIBLE;

    private final Database db;
    private final NotificationSql sql;
    /** The store's clock, truncated to milliseconds. */
    private final Supplier<Instant> now;
    // The hot reads, with the dialect's ORDER BY; package-visible for QueryPlanTest.
    final String undeliveredSql;
    final String retrySql;
    final String backlogSql;

    Delivery(Database db, NotificationSql sql, Supplier<Instant> now) {
        this.db = requireNonNull(db, "db");
        this.sql = requireNonNull(sql, "sql");
        this.now = requireNonNull(now, "now");
        this.undeliveredSql = SELECT + " WHERE user_id = ? AND sent_via_websocket = FALSE"
                + " AND deleted_at IS NULL AND " + PUSHED + " AND id > ?" + Orderings.undeliveredOldestFirst(db.dialect()) + " LIMIT ?";
        this.backlogSql = backlogSql(undeliveredSql);
        this.retrySql = SELECT + " WHERE sent_via_websocket = FALSE AND deleted_at IS NULL AND " + PUSHED
                + " AND retry_count < ?" + Orderings.retryOrder(db.dialect()) + " LIMIT ?";
    }

    /** {@link NotificationStore#undelivered}. */
    List<Notification> undelivered(long userId, long sinceId, int limit) {
        return sql.query("list undelivered", undeliveredSql, userId, sinceId, limit);
    }

    /** {@link NotificationStore#backlog}. */
    Backlog backlog(long userId, long sinceId, int limit) {
        return db.withConnection("read backlog", c -> {
            try (PreparedStatement ps = c.prepareStatement(backlogSql)) {
                ps.setLong(1, userId);
                ps.setLong(2, userId);
                ps.setLong(3, sinceId);
                ps.setInt(4, limit);
                List<Notification> page = new ArrayList<>();
                long unread = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        unread = rs.getLong(NotificationRows.COLUMN_COUNT + 1);
                        rs.getLong(1);
                        if (!rs.wasNull()) {
                            page.add(sql.rows().read(rs));
                        }
                    }
                }
                return new Backlog(page, unread);
            }
        });
    }

    private static String backlogSql(String undeliveredSql) {
        return "SELECT " + NotificationRows.columnsOf("n") + ", c.unread FROM (SELECT COUNT(*) AS unread"
                + " FROM system_notifications WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL"
                + " AND " + VISIBLE + ") c"
                + " LEFT JOIN (" + undeliveredSql + ") n ON 1 = 1 ORDER BY n.id";
    }

    /** {@link NotificationStore#retryCandidates(int, int)}. */
    List<Notification> retryCandidates(int limit, int maxRetries) {
        return sql.query("list retry candidates", retrySql, maxRetries, limit);
    }

    /** {@link NotificationStore#retryCandidates(java.util.Collection, int, int)} of distinct {@code userIds}. */
    List<Notification> retryCandidates(long[] userIds, int limit, int maxRetries) {
        List<Notification> found = new ArrayList<>();
        for (long[] users : IdChunks.split(userIds, NotificationSql.ID_CHUNK)) {
            Object[] params = new Object[users.length + 2];
            for (int i = 0; i < users.length; i++) {
                params[i] = users[i];
            }
            params[users.length] = maxRetries;
            params[users.length + 1] = limit;
            found.addAll(sql.query("list retry candidates", SELECT + " WHERE user_id IN ("
                    + IdChunks.placeholders(users.length) + ") AND sent_via_websocket = FALSE"
                    + " AND deleted_at IS NULL AND " + PUSHED + " AND retry_count < ? ORDER BY id LIMIT ?", params));
        }
        found.sort(Comparator.comparingLong(Notification::id));
        return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
    }

    /** {@link NotificationStore#incrementRetry} of distinct {@code ids}, in one transaction. */
    List<Long> incrementRetry(long[] ids, int maxRetries) {
        if (ids.length == 0) {
            return List.of();
        }
        Object ts = db.dialect().timestamp(now.get());
        return db.inTransaction("count retry", c -> {
            List<Long> counted = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET " + RETRY
                    + " WHERE id = ? AND retry_count < ? AND sent_via_websocket = FALSE AND deleted_at IS NULL"
                    + " AND " + PUSHED)) {
                for (long id : ids) {
                    ps.setObject(1, ts);
                    ps.setLong(2, id);
                    ps.setInt(3, maxRetries);
                    if (ps.executeUpdate() == 1) {
                        counted.add(id);
                    }
                }
            }
            return counted;
        });
    }
}
