package dev.herald.inbox.sql;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts the same notification for a chunk of users with a single {@code INSERT … SELECT}
 * over an {@link IdTable}, and reads back each new row's id: H2 through
 * {@code FINAL TABLE (INSERT …)}, PostgreSQL and MariaDB through {@code RETURNING}. The
 * shared fields are bound once per chunk, not once per row. The caller owns the transaction.
 */
final class RecipientInsert {

    private static final String TARGET = "system_notifications (user_id, title, content, type,"
            + " category, data, action_type, action_data, is_read, sent_via_websocket, retry_count,"
            + " created_at, updated_at, level, group_key, actions, escalate_at)";
    private static final String SHARED = "?, ?, ?, ?, ?, ?, ?, FALSE, FALSE, 0, ?, ?, ?, ?, ?, ?";

    private final Dialect dialect;
    private final String sql;

    RecipientInsert(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
        String select = "SELECT ids.user_id, " + SHARED + " FROM " + IdTable.from(dialect);
        this.sql = switch (dialect) {
            case H2 -> "SELECT id, user_id FROM FINAL TABLE (INSERT INTO " + TARGET + " " + select + ")";
            case POSTGRESQL, MARIADB -> "INSERT INTO " + TARGET + " " + select + " RETURNING id, user_id";
        };
    }

    /**
     * Inserts one row per user of {@code userIds} (distinct, at most {@link IdTable#MAX_IDS}).
     *
     * @return the new records, in the order the database returned them
     */
    List<Notification> insert(Connection c, long[] userIds, NewNotification n, Instant now)
            throws SQLException {
        Object timestamp = dialect.timestamp(now);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, n.title());
            ps.setString(2, n.content());
            ps.setString(3, n.type());
            ps.setString(4, n.category());
            ps.setString(5, NotificationRows.jsonText(n.data()));
            ps.setString(6, n.actionType());
            ps.setString(7, n.actionData());
            ps.setObject(8, timestamp);
            ps.setObject(9, timestamp);
            ps.setString(10, n.level());
            ps.setString(11, n.groupKey());
            ps.setString(12, NotificationRows.jsonText(n.actions()));
            NotificationSql.setTimestamp(dialect, ps, 13, Escalations.due(n, now));
            IdTable.bind(dialect, ps, 14, userIds);
            List<Notification> created = new ArrayList<>(userIds.length);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    created.add(Notification.fresh(rs.getLong(1), rs.getLong(2), n, now));
                }
            }
            if (created.size() != userIds.length) {
                throw new SQLException("inserted " + created.size() + " rows for " + userIds.length + " users");
            }
            return created;
        }
    }
}
