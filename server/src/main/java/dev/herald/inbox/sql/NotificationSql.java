package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The statement shapes {@link NotificationStore} and its classes ({@link Reads},
 * {@link StateChanges}, {@link Delivery}, …) are built from: select rows, count, and update live
 * rows by id or by user. Every value is a bound parameter; the SQL fragments passed in are
 * constants of those classes.
 */
final class NotificationSql {

    /** Most ids in one {@code IN (…)} list. */
    static final int ID_CHUNK = 500;

    static final String SELECT = "SELECT " + NotificationRows.COLUMNS + " FROM system_notifications";

    /**
     * Shown in the default list and counted as unread (SPEC §7): not archived and not snoozed. A
     * snoozed row stays hidden until the wake job clears {@code snoozed_until}, so no query
     * compares it with the time.
     */
    static final String VISIBLE = "archived = FALSE AND snoozed_until IS NULL";

    private final Database db;
    private final NotificationRows rows;

    NotificationSql(Database db) {
        this.db = requireNonNull(db, "db");
        this.rows = new NotificationRows(db.dialect());
    }

    NotificationRows rows() {
        return rows;
    }

    /** Rows of {@code sql} (which selects {@link NotificationRows#COLUMNS}) with {@code params}. */
    List<Notification> query(String action, String sql, Object... params) {
        return db.withConnection(action, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, 1, params);
                return rows.query(ps);
            }
        });
    }

    /** The single number {@code sql} selects. */
    long count(String action, String sql, Object... params) {
        return db.withConnection(action, c -> count(c, sql, params));
    }

    /** Binds {@code instant} (or SQL NULL, typed as the dialect's timestamp) at {@code index}. */
    static void setTimestamp(Dialect dialect, PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, dialect == Dialect.MARIADB ? java.sql.Types.TIMESTAMP : java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, dialect.timestamp(instant));
        }
    }

    static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, 1, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The live (not deleted) rows among {@code ids}, ordered by id. */
    List<Notification> findAll(long[] ids) {
        return db.withConnection("find notifications", c -> {
            List<Notification> found = new ArrayList<>(ids.length);
            for (long[] chunk : IdChunks.split(ids, ID_CHUNK)) {
                try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE deleted_at IS NULL AND id IN ("
                        + IdChunks.placeholders(chunk.length) + ") ORDER BY id")) {
                    bind(ps, 1, chunk);
                    found.addAll(rows.query(ps));
                }
            }
            return found;
        });
    }

    /**
     * {@code UPDATE … SET set} on the live rows among {@code ids} (distinct) that meet
     * {@code condition} and belong to {@code userId} (any user when null), in one transaction.
     * Every {@code ?} of {@code set} is bound to {@code now}. Returns how many rows changed.
     */
    int updateIds(String action, String set, String condition, Long userId, long[] ids, Instant now) {
        if (ids.length == 0) {
            return 0;
        }
        return db.inTransaction(action, c -> {
            int changed = 0;
            for (long[] chunk : IdChunks.split(ids, ID_CHUNK)) {
                changed += update(c, set, condition, userId, chunk, now);
            }
            return changed;
        });
    }

    int update(Connection c, String set, String condition, Long userId, long[] ids, Instant now)
            throws SQLException {
        String sql = "UPDATE system_notifications SET " + set + " WHERE deleted_at IS NULL"
                + (condition == null ? "" : " AND " + condition)
                + (userId == null ? "" : " AND user_id = ?")
                + " AND id IN (" + IdChunks.placeholders(ids.length) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = bindNow(ps, set, now);
            if (userId != null) {
                ps.setLong(p++, userId);
            }
            bind(ps, p, ids);
            return ps.executeUpdate();
        }
    }

    /** {@code UPDATE … SET set} on all live rows of {@code userId} meeting {@code condition}. */
    int updateAll(String action, String set, String condition, long userId, Instant now) {
        return db.withConnection(action, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET " + set
                    + " WHERE user_id = ? AND " + condition + " AND deleted_at IS NULL")) {
                ps.setLong(bindNow(ps, set, now), userId);
                return ps.executeUpdate();
            }
        });
    }

    /** Binds {@code now} to every {@code ?} of a SET clause; returns the next parameter index. */
    private int bindNow(PreparedStatement ps, String set, Instant now) throws SQLException {
        Object ts = db.dialect().timestamp(now);
        int p = 1;
        for (int i = set.indexOf('?'); i >= 0; i = set.indexOf('?', i + 1)) {
            ps.setObject(p++, ts);
        }
        return p;
    }

    private static void bind(PreparedStatement ps, int from, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(from + i, params[i]);
        }
    }

    private static void bind(PreparedStatement ps, int from, long[] ids) throws SQLException {
        for (int i = 0; i < ids.length; i++) {
            ps.setLong(from + i, ids[i]);
        }
    }
}
