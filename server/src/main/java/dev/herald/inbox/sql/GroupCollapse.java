package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Collapsing (SPEC §7) of a send with a {@code group_key}, per recipient, inside the send's
 * transaction. The decision "update the group's notification or insert a new one" is serialised
 * per (user, group_key) by a row of {@code notification_groups} that every writer locks first:
 * <ol>
 *   <li>an upsert that creates the row when missing and takes its exclusive row lock either way —
 *       PostgreSQL {@code INSERT … ON CONFLICT DO UPDATE}, MariaDB {@code INSERT … ON DUPLICATE KEY
 *       UPDATE} (both lock the existing row; a plain INSERT IGNORE would take a shared lock, and two
 *       shared holders upgrading would deadlock), H2 an INSERT whose duplicate-key failure is
 *       ignored, followed by {@code SELECT … FOR UPDATE};
 *   <li>under that lock, when the group's notification is younger than the window, an UPDATE that
 *       repeats every condition (the user's, unread, not deleted, archived or snoozed) collapses
 *       into it; otherwise (or when that UPDATE changed nothing) a new row is inserted and the
 *       group row points to it.
 * </ol>
 * A second writer — another node, another pool — waits on the row lock and then sees the
 * first's committed notification, so two concurrent sends never create two rows nor lose a
 * count. Callers lock in one global order, (user id, group_key) ({@code SendTransaction.collapseAll},
 * for a lone send and a group commit alike), so no two transactions wait on each other in a cycle.
 * A unique partial index would be simpler, but MariaDB has none. The caller owns the transaction.
 */
final class GroupCollapse {

    private final Dialect dialect;
    private final RecipientInsert insert;
    private final NotificationRows rows;
    private final String lockSql;

    GroupCollapse(Dialect dialect, RecipientInsert insert, NotificationRows rows) {
        this.dialect = requireNonNull(dialect, "dialect");
        this.insert = requireNonNull(insert, "insert");
        this.rows = requireNonNull(rows, "rows");
        String values = " (user_id, group_key, notification_id, started_at) VALUES (?, ?, NULL, ?)";
        this.lockSql = switch (dialect) {
            case POSTGRESQL -> "INSERT INTO notification_groups" + values
                    + " ON CONFLICT (user_id, group_key) DO UPDATE SET user_id = EXCLUDED.user_id";
            case MARIADB -> "INSERT INTO notification_groups" + values + " ON DUPLICATE KEY UPDATE user_id = user_id";
            case H2 -> "INSERT INTO notification_groups" + values;
        };
    }

    /** Stores {@code n} (which has a group key) for one {@code user}: the new or the collapsed record. */
    Notification store(Connection c, long user, NewNotification n, Instant now) throws SQLException {
        String key = n.groupKey();
        Object ts = dialect.timestamp(now);
        lock(c, user, key, ts);
        long current = 0;
        Instant startedAt = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT notification_id, started_at FROM notification_groups"
                + " WHERE user_id = ? AND group_key = ? FOR UPDATE")) {
            ps.setLong(1, user);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    current = rs.getLong(1);
                    startedAt = dialect.readTimestamp(rs, 2);
                }
            }
        }
        if (current > 0 && startedAt != null
                && startedAt.isAfter(now.minus(Duration.ofSeconds(n.groupWindowSeconds())))) {
            Notification collapsed = collapse(c, user, current, n, ts, now);
            if (collapsed != null) {
                return collapsed;
            }
        }
        Notification created = insert.insert(c, new long[] {user}, n, now).get(0);
        try (PreparedStatement ps = c.prepareStatement("UPDATE notification_groups SET notification_id = ?, started_at = ?"
                + " WHERE user_id = ? AND group_key = ?")) {
            ps.setLong(1, created.id());
            ps.setObject(2, ts);
            ps.setLong(3, user);
            ps.setString(4, key);
            ps.executeUpdate();
        }
        return created;
    }

    /** Takes the (user, key) row lock, creating the row when it is missing. */
    private void lock(Connection c, long user, String key, Object ts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockSql)) {
            ps.setLong(1, user);
            ps.setString(2, key);
            ps.setObject(3, ts);
            ps.executeUpdate();
        } catch (SQLException e) {
            // H2 only: the row exists (or another transaction committed it meanwhile); H2 keeps the
            // transaction usable after a failed statement, and the SELECT … FOR UPDATE locks it
            if (dialect != Dialect.H2 || !"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /**
     * Updates the group's notification in place with the newest title, content and data, one more
     * in its count, and makes it new again (top of the list, undelivered); null when it no longer
     * qualifies (read, deleted, archived or snoozed meanwhile).
     */
    private Notification collapse(Connection c, long user, long id, NewNotification n, Object ts, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET title = ?, content = ?, data = ?,"
                + " group_count = group_count + 1, created_at = ?, updated_at = ?, sent_via_websocket = FALSE,"
                + " sent_at = NULL, retry_count = 0, level = ?, escalate_at = COALESCE(escalate_at, ?)"
                + " WHERE id = ? AND user_id = ? AND is_read = FALSE AND deleted_at IS NULL AND archived = FALSE"
                + " AND snoozed_until IS NULL")) {
            ps.setString(1, n.title());
            ps.setString(2, n.content());
            ps.setString(3, NotificationRows.jsonText(n.data()));
            ps.setObject(4, ts);
            ps.setObject(5, ts);
            ps.setString(6, n.level());
            // a collapse keeps the group's deadline (it has been unread since then); one that had
            // none takes this send's
            NotificationSql.setTimestamp(dialect, ps, 7, Escalations.due(n, now));
            ps.setLong(8, id);
            ps.setLong(9, user);
            if (ps.executeUpdate() != 1) {
                return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(NotificationSql.SELECT + " WHERE id = ?")) {
            ps.setLong(1, id);
            List<Notification> found = new ArrayList<>(rows.query(ps));
            return found.get(0);
        }
    }
}
