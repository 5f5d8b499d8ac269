package dev.herald.inbox.sql;

import dev.herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The hard delete behind {@link NotificationStore#purgeRead}: read rows created before the
 * cut-off, and soft-deleted rows deleted before it. Each chunk selects up to {@code chunk} ids
 * through a retention index and deletes them by primary key in its own transaction (the same
 * two statements on every dialect: PostgreSQL has no {@code DELETE … LIMIT}).
 */
final class Retention {

    /** Both predicates are served by an index: sn_read_created and sn_deleted. */
    private static final String[] CONDITIONS = {
            "is_read = TRUE AND created_at < ?",
            "deleted_at IS NOT NULL AND deleted_at < ?",
    };

    private Retention() {}

    static long purge(Database db, Instant olderThan, int chunk) {
        Object cutoff = db.dialect().timestamp(olderThan);
        long removed = 0;
        for (String condition : CONDITIONS) {
            Chunk done;
            do {
                done = db.inTransaction("purge notifications", c -> deleteChunk(c, condition, cutoff, chunk));
                removed += done.deleted();
            } while (done.selected() == chunk);
        }
        return removed;
    }

    private record Chunk(int selected, int deleted) {}

    private static Chunk deleteChunk(Connection c, String condition, Object cutoff, int chunk)
            throws SQLException {
        long[] ids = new long[chunk];
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM system_notifications WHERE " + condition + " LIMIT ?")) {
            ps.setObject(1, cutoff);
            ps.setInt(2, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids[n++] = rs.getLong(1);
                }
            }
        }
        int deleted = 0;
        for (int from = 0; from < n; from += NotificationStore.ID_CHUNK) {
            int size = Math.min(NotificationStore.ID_CHUNK, n - from);
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM system_notifications WHERE id IN (" + IdChunks.placeholders(size) + ")")) {
                for (int i = 0; i < size; i++) {
                    ps.setLong(i + 1, ids[from + i]);
                }
                deleted += ps.executeUpdate();
            }
        }
        return new Chunk(n, deleted);
    }
}
