package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * SQL for {@code idempotency_keys}. The primary key on the key is the arbiter: the first
 * transaction to {@link #claim} a key wins, a concurrent one blocks on the uncommitted row and
 * then fails with a duplicate key once the winner commits (or proceeds if it rolled back). The
 * winner stores the ids it created with {@link #complete} in the same transaction, so a
 * committed key always carries its result.
 */
final class IdempotencyKeys {

    private final Dialect dialect;

    IdempotencyKeys(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /** Inserts the key; throws a duplicate-key SQLException when it exists. */
    void claim(Connection c, String key, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO idempotency_keys (idempotency_key, created_at) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setObject(2, dialect.timestamp(now));
            ps.executeUpdate();
        }
    }

    /** Records the ids created under a claimed key. */
    void complete(Connection c, String key, long[] ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE idempotency_keys SET notification_ids = ? WHERE idempotency_key = ?")) {
            ps.setString(1, IdRanges.encode(ids));
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }

    /** The ids recorded for {@code key}, or empty when the key is unknown (or purged). */
    Optional<long[]> result(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT notification_ids FROM idempotency_keys WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(IdRanges.decode(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Deletes keys created before {@code olderThan}; returns how many. */
    int purge(Connection c, Instant olderThan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM idempotency_keys WHERE created_at < ?")) {
            ps.setObject(1, dialect.timestamp(olderThan));
            return ps.executeUpdate();
        }
    }
}
