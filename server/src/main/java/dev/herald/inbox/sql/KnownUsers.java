package dev.herald.inbox.sql;

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
 * SQL for {@code known_users}: the users a send "to everyone" reaches. A user becomes known when
 * they connect ({@link #touch}, which also moves {@code last_seen}; a node batches its connects) or are named as a recipient
 * ({@link #addMissing}, which leaves existing rows alone so a big send does not rewrite them).
 * The upserts are dialect-specific; on H2 two transactions adding the same new user at once can
 * still collide on the primary key, which callers retry.
 */
final class KnownUsers {

    private final Dialect dialect;
    private final String touchSql;
    private final String addMissingSql;

    KnownUsers(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
        this.touchSql = switch (dialect) {
            case H2 -> "MERGE INTO known_users k USING (SELECT ids.user_id FROM " + IdTable.from(dialect)
                    + ") AS s ON k.user_id = s.user_id"
                    + " WHEN MATCHED THEN UPDATE SET last_seen = ?"
                    + " WHEN NOT MATCHED THEN INSERT (user_id, first_seen, last_seen) VALUES (s.user_id, ?, ?)";
            case POSTGRESQL -> "INSERT INTO known_users (user_id, last_seen, first_seen)"
                    + " SELECT ids.user_id, ?, ? FROM " + IdTable.from(dialect)
                    + " ON CONFLICT (user_id) DO UPDATE SET last_seen = EXCLUDED.last_seen";
            case MARIADB -> "INSERT INTO known_users (user_id, last_seen, first_seen)"
                    + " SELECT ids.user_id, ?, ? FROM " + IdTable.from(dialect)
                    + " ON DUPLICATE KEY UPDATE last_seen = VALUES(last_seen)";
        };
        this.addMissingSql = switch (dialect) {
            case H2 -> "MERGE INTO known_users k USING (SELECT ids.user_id FROM " + IdTable.from(dialect)
                    + ") AS s ON k.user_id = s.user_id"
                    + " WHEN NOT MATCHED THEN INSERT (user_id, first_seen, last_seen) VALUES (s.user_id, ?, ?)";
            case POSTGRESQL -> "INSERT INTO known_users (user_id, first_seen, last_seen)"
                    + " SELECT ids.user_id, ?, ? FROM " + IdTable.from(dialect)
                    + " ON CONFLICT (user_id) DO NOTHING";
            case MARIADB -> "INSERT INTO known_users (user_id, first_seen, last_seen)"
                    + " SELECT ids.user_id, ?, ? FROM " + IdTable.from(dialect)
                    + " ON DUPLICATE KEY UPDATE last_seen = known_users.last_seen";
        };
    }

    /**
     * Records that the users of {@code userIds} (distinct and ascending, at most
     * {@link IdTable#MAX_IDS}) were seen at {@code now}: one upsert for all of them.
     */
    void touch(Connection c, long[] userIds, Instant now) throws SQLException {
        Object ts = dialect.timestamp(now);
        try (PreparedStatement ps = c.prepareStatement(touchSql)) {
            if (dialect == Dialect.H2) { // the id table comes first in H2's MERGE … USING
                IdTable.bind(dialect, ps, 1, userIds);
                ps.setObject(2, ts);
                ps.setObject(3, ts);
                ps.setObject(4, ts);
            } else {
                ps.setObject(1, ts);
                ps.setObject(2, ts);
                IdTable.bind(dialect, ps, 3, userIds);
            }
            ps.executeUpdate();
        }
    }

    /** Adds the users of {@code userIds} (at most {@link IdTable#MAX_IDS}) that are not known yet. */
    void addMissing(Connection c, long[] userIds, Instant now) throws SQLException {
        Object ts = dialect.timestamp(now);
        try (PreparedStatement ps = c.prepareStatement(addMissingSql)) {
            if (dialect == Dialect.H2) { // the id table comes first in H2's MERGE … USING
                IdTable.bind(dialect, ps, 1, userIds);
                ps.setObject(2, ts);
                ps.setObject(3, ts);
            } else {
                ps.setObject(1, ts);
                ps.setObject(2, ts);
                IdTable.bind(dialect, ps, 3, userIds);
            }
            ps.executeUpdate();
        }
    }

    /** Known user ids greater than {@code afterUserId}, ascending, at most {@code limit}. */
    List<Long> page(Connection c, long afterUserId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT user_id FROM known_users WHERE user_id > ? ORDER BY user_id LIMIT ?")) {
            ps.setLong(1, afterUserId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> ids = new ArrayList<>(limit);
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                return ids;
            }
        }
    }

    /**
     * {@link NotificationStore#everyone}: the known users whose preferences do not mute
     * {@code category}/{@code type} (NOT EXISTS on the preferences' primary key), ascending,
     * {@code pageSize} per query, and how many are muted.
     */
    NotificationStore.Everyone everyone(Connection c, String category, String type, int pageSize) throws SQLException {
        List<Long> all = new ArrayList<>();
        long after = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT k.user_id FROM known_users k WHERE k.user_id > ?"
                + " AND NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p.user_id = k.user_id AND "
                + PreferenceRows.MUTES + ") ORDER BY k.user_id LIMIT ?")) {
            while (true) {
                ps.setLong(1, after);
                ps.setString(2, category);
                ps.setString(3, type);
                ps.setInt(4, pageSize);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(rs.getLong(1));
                        n++;
                    }
                }
                if (n < pageSize) {
                    break;
                }
                after = all.get(all.size() - 1);
            }
        }
        long muted = NotificationSql.count(c, "SELECT COUNT(*) FROM known_users k WHERE EXISTS (SELECT 1"
                + " FROM notification_preferences p WHERE p.user_id = k.user_id AND " + PreferenceRows.MUTES + ")",
                category, type);
        return new NotificationStore.Everyone(all, (int) muted);
    }

    long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM known_users");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
