package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.Preferences;
import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code notification_preferences} and {@code notification_settings}: one user's preferences,
 * their change, and the bulk read a send makes — the modes of ALL its recipients for ITS category
 * and type in one statement per {@value IdTable#MAX_IDS} recipients (the recipients are one array
 * parameter joined to the table's primary key), never one query per recipient. Only non-default
 * modes are stored, so a recipient without a row is {@code on}. The caller owns the transaction.
 */
final class PreferenceRows {
    static final String CATEGORY = "category";
    static final String TYPE = "type";
    /** The rows of one notification's category and type that mute ({@code off}) a user. */
    static final String MUTES = "p.mode = 'off' AND ((p.kind = 'category' AND p.name = ?) OR (p.kind = 'type' AND p.name = ?))";

    private final Dialect dialect;
    private final String modesSql;
    private final String lockSql;

    PreferenceRows(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
        this.modesSql = "SELECT p.user_id, p.mode FROM " + IdTable.from(dialect)
                + " JOIN notification_preferences p ON p.user_id = ids.user_id"
                + " WHERE (p.kind = 'category' AND p.name = ?) OR (p.kind = 'type' AND p.name = ?)";
        String insert = "INSERT INTO notification_settings (user_id, email) VALUES (?, NULL)";
        this.lockSql = switch (dialect) {
            case POSTGRESQL -> insert + " ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id";
            case MARIADB -> insert + " ON DUPLICATE KEY UPDATE user_id = user_id";
            case H2 -> insert;
        };
    }

    /**
     * Serialises changes of one user's preferences: creates their {@code notification_settings}
     * row when missing and takes its row lock either way (the same upsert-then-lock as the
     * collapsing lock, see {@link GroupCollapse}), so two changes never interleave their
     * delete-then-insert of a mode.
     */
    void lockUser(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockSql)) {
            ps.setLong(1, userId);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (dialect != Dialect.H2 || !"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM notification_settings WHERE user_id = ? FOR UPDATE")) {
            ps.setLong(1, userId);
            ps.executeQuery().close();
        }
    }

    /**
     * The recipients among {@code users} (distinct) whose mode for {@code category}/{@code type} is
     * not {@code on}: user → {@code quiet} or {@code off} (the stricter of the two rows).
     */
    Map<Long, String> modes(Connection c, long[] users, String category, String type) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        if (users.length == 0) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(modesSql)) {
            for (long[] chunk : IdChunks.split(users, IdTable.MAX_IDS)) {
                IdTable.bind(dialect, ps, 1, chunk);
                ps.setString(2, category);
                ps.setString(3, type);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.merge(rs.getLong(1), rs.getString(2), Preferences::stricter);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Every non-default mode of each of {@code users} (distinct), for a group of small sends with
     * different categories and types: user → its {@link Preferences} (without e-mail); users with
     * none are absent. One statement per {@value IdTable#MAX_IDS} users.
     */
    Map<Long, Preferences> all(Connection c, long[] users) throws SQLException {
        Map<Long, Map<String, String>> categories = new HashMap<>();
        Map<Long, Map<String, String>> types = new HashMap<>();
        if (users.length > 0) {
            try (PreparedStatement ps = c.prepareStatement("SELECT p.user_id, p.kind, p.name, p.mode FROM "
                    + IdTable.from(dialect) + " JOIN notification_preferences p ON p.user_id = ids.user_id")) {
                for (long[] chunk : IdChunks.split(users, IdTable.MAX_IDS)) {
                    IdTable.bind(dialect, ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            (CATEGORY.equals(rs.getString(2)) ? categories : types)
                                    .computeIfAbsent(rs.getLong(1), u -> new HashMap<>()).put(rs.getString(3), rs.getString(4));
                        }
                    }
                }
            }
        }
        Map<Long, Preferences> out = new HashMap<>();
        for (Long user : union(categories.keySet(), types.keySet())) {
            out.put(user, new Preferences(categories.getOrDefault(user, Map.of()), types.getOrDefault(user, Map.of()), null));
        }
        return out;
    }

    private static java.util.Set<Long> union(java.util.Set<Long> a, java.util.Set<Long> b) {
        java.util.Set<Long> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    Preferences read(Connection c, long userId) throws SQLException {
        Map<String, String> categories = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT kind, name, mode FROM notification_preferences WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (CATEGORY.equals(rs.getString(1)) ? categories : types).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        String email = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT email FROM notification_settings WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    email = rs.getString(1);
                }
            }
        }
        return new Preferences(categories, types, email);
    }

    /**
     * {@link NotificationStore#updatePreferences} in the caller's transaction: locks the user
     * ({@link #lockUser}), sets each category and type mode in name order, the e-mail when
     * {@code setEmail}, and reads them all back.
     */
    Preferences update(Connection c, long userId, Map<String, String> categories, Map<String, String> types,
                       boolean setEmail, String email) throws SQLException {
        // one change of a user's preferences at a time (a row lock), so two never interleave
        lockUser(c, userId);
        for (var e : new java.util.TreeMap<>(categories).entrySet()) {
            setMode(c, userId, CATEGORY, e.getKey(), e.getValue());
        }
        for (var e : new java.util.TreeMap<>(types).entrySet()) {
            setMode(c, userId, TYPE, e.getKey(), e.getValue());
        }
        if (setEmail) {
            setEmail(c, userId, email);
        }
        return read(c, userId);
    }

    /** Sets one mode: {@code on} removes the row (the default), the others replace it. */
    void setMode(Connection c, long userId, String kind, String name, String mode) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM notification_preferences WHERE user_id = ? AND kind = ? AND name = ?")) {
            ps.setLong(1, userId);
            ps.setString(2, kind);
            ps.setString(3, name);
            ps.executeUpdate();
        }
        if (InboxLimits.ON.equals(mode)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notification_preferences (user_id, kind, name, mode) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, userId);
            ps.setString(2, kind);
            ps.setString(3, name);
            ps.setString(4, mode);
            ps.executeUpdate();
        }
    }

    /** Sets (or with null clears) the e-mail; the row exists ({@link #lockUser} made it). */
    void setEmail(Connection c, long userId, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE notification_settings SET email = ? WHERE user_id = ?")) {
            ps.setString(1, email);
            ps.setLong(2, userId);
            ps.executeUpdate();
        }
    }
}
