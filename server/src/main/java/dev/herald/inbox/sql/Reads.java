package dev.herald.inbox.sql;

import dev.herald.inbox.ChatRecipient;
import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.Page;
import dev.herald.inbox.Statistics;
import static dev.herald.inbox.sql.NotificationSql.SELECT;
import static dev.herald.inbox.sql.NotificationSql.VISIBLE;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads of {@link NotificationStore} a user's client asks for: the list, the unread rows and
 * counts, one notification, the statistics, and the chat recipient check. Arguments are checked
 * by the store.
 */
final class Reads {

    static final String UNREAD_COUNT = "SELECT COUNT(*) FROM system_notifications"
            + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL AND " + VISIBLE;
    /** Per type, category, read state, archived state; snoozed rows apart (-1 in the third column). */
    static final String STATISTICS = "SELECT type, category, CASE WHEN snoozed_until IS NOT NULL THEN -1"
            + " WHEN is_read = TRUE THEN 1 ELSE 0 END, archived, COUNT(*)"
            + " FROM system_notifications WHERE user_id = ? AND deleted_at IS NULL"
            + " GROUP BY type, category, CASE WHEN snoozed_until IS NOT NULL THEN -1"
            + " WHEN is_read = TRUE THEN 1 ELSE 0 END, archived";

    /** Whether the user is known, and their unread kept chats up to a limit: one round trip. */
    static final String CHAT_RECIPIENT = "SELECT (SELECT COUNT(*) FROM known_users WHERE user_id = ?),"
            + " (SELECT COUNT(*) FROM (SELECT 1 FROM system_notifications WHERE user_id = ? AND is_read = FALSE"
            + " AND deleted_at IS NULL AND category = ? AND action_type = ? LIMIT ?) q)";

    private final Database db;
    private final NotificationSql sql;
    // The hot reads, with the dialect's ORDER BY; package-visible for QueryPlanTest.
    final String unreadSql;
    final String unreadCountsSql;

    Reads(Database db, NotificationSql sql) {
        this.db = requireNonNull(db, "db");
        this.sql = requireNonNull(sql, "sql");
        this.unreadSql = SELECT + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL AND " + VISIBLE
                + Orderings.unreadNewestFirst(db.dialect()) + " LIMIT ?";
        this.unreadCountsSql = "SELECT n.user_id, COUNT(*) FROM " + IdTable.from(db.dialect())
                + " JOIN system_notifications n ON n.user_id = ids.user_id"
                + " WHERE n.is_read = FALSE AND n.deleted_at IS NULL AND n.archived = FALSE"
                + " AND n.snoozed_until IS NULL GROUP BY n.user_id";
    }

    /** {@link NotificationStore#list}. */
    Page<Notification> list(NotificationFilter filter) {
        ListQuery query = ListQuery.of(filter, db.dialect());
        return db.withConnection("list notifications", c -> query.run(c, sql.rows()));
    }

    /** {@link NotificationStore#unread}. */
    List<Notification> unread(long userId, int limit) {
        return sql.query("list unread", unreadSql, userId, limit);
    }

    /** {@link NotificationStore#unreadCount}. */
    long unreadCount(long userId) {
        return sql.count("count unread", UNREAD_COUNT, userId);
    }

    /** {@link NotificationStore#unreadCounts} of distinct {@code users}. */
    Map<Long, Long> unreadCounts(long[] users) {
        Map<Long, Long> counts = new HashMap<>();
        if (users.length == 0) {
            return counts;
        }
        return db.withConnection("count unread", c -> {
            try (PreparedStatement ps = c.prepareStatement(unreadCountsSql)) {
                for (long[] chunk : IdChunks.split(users, IdTable.MAX_IDS)) {
                    IdTable.bind(db.dialect(), ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.put(rs.getLong(1), rs.getLong(2));
                        }
                    }
                }
            }
            return counts;
        });
    }

    /** {@link NotificationStore#find}. */
    Optional<Notification> find(long userId, long id) {
        return sql.query("find notification", SELECT
                + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL", id, userId).stream().findFirst();
    }

    /** {@link NotificationStore#statistics}. */
    Statistics statistics(long userId) {
        return db.withConnection("notification statistics", c -> {
            try (PreparedStatement ps = c.prepareStatement(STATISTICS)) {
                ps.setLong(1, userId);
                long unread = 0;
                long read = 0;
                long archived = 0;
                long snoozed = 0;
                Map<String, Long> byType = new HashMap<>();
                Map<String, Long> byCategory = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long count = rs.getLong(5);
                        int state = rs.getInt(3);
                        if (state < 0) {
                            snoozed += count;
                            continue;
                        }
                        if (rs.getBoolean(4)) {
                            archived += count;
                            continue;
                        }
                        byType.merge(rs.getString(1), count, Long::sum);
                        byCategory.merge(rs.getString(2), count, Long::sum);
                        if (state == 1) {
                            read += count;
                        } else {
                            unread += count;
                        }
                    }
                }
                return new Statistics(unread + read, unread, read, byType, byCategory, archived, snoozed);
            }
        });
    }

    /** {@link NotificationStore#chatRecipient} ({@code limit} checked). */
    ChatRecipient chatRecipient(long userId, int limit) {
        return db.withConnection("check chat recipient", c -> {
            try (PreparedStatement ps = c.prepareStatement(CHAT_RECIPIENT)) {
                ps.setLong(1, userId);
                ps.setLong(2, userId);
                ps.setString(3, InboxLimits.CHAT_CATEGORY);
                ps.setString(4, InboxLimits.CHAT_ACTION);
                ps.setInt(5, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new ChatRecipient(rs.getLong(1) > 0, rs.getLong(2));
                }
            }
        });
    }
}
