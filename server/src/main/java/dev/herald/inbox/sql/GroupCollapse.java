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
import java.util.Map;

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

    /** Pairs per {@code (user_id, group_key) IN (…)} read: two parameters each, far below every driver's limit. */
    static final int READ_CHUNK = 1_000;

    private final RowsInsert rowsInsert;

    /** One recipient of a collapsing send: {@code n} (with its group key) for {@code user}. */
    record Item(long user, NewNotification n) {}

    private record Key(long user, String groupKey) {}

    /** A group row as read under its lock: the group's notification (0: none) and when the group started. */
    private record Group(long notificationId, Instant startedAt) {}

    GroupCollapse(Dialect dialect, RecipientInsert insert, NotificationRows rows) {
        this.dialect = requireNonNull(dialect, "dialect");
        this.insert = requireNonNull(insert, "insert");
        this.rows = requireNonNull(rows, "rows");
        this.rowsInsert = new RowsInsert(dialect);
        String values = " (user_id, group_key, notification_id, started_at) VALUES (?, ?, NULL, ?)";
        this.lockSql = switch (dialect) {
            case POSTGRESQL -> "INSERT INTO notification_groups" + values
                    + " ON CONFLICT (user_id, group_key) DO UPDATE SET user_id = EXCLUDED.user_id";
            case MARIADB -> "INSERT INTO notification_groups" + values + " ON DUPLICATE KEY UPDATE user_id = user_id";
            case H2 -> "INSERT INTO notification_groups" + values;
        };
    }

    /**
     * Stores every item, in the order given, which must be the lock order (user id, group key):
     * the same as {@link #store} item after item, in a handful of statements for all of them on
     * PostgreSQL and MariaDB — the row locks taken and the group rows read by one multi-row upsert
     * {@code RETURNING} them (PostgreSQL) or by one batch of upserts (executed in order) and one
     * locking read (MariaDB), then in "waves" (the first pending item of each key, a
     * second one for a key only after the first): one batch of collapsing UPDATEs, one multi-row
     * INSERT for the items that did not collapse, one batch pointing their groups to them, one read
     * of the collapsed rows. H2 runs in the process: item by item. Returns the records, in order.
     */
    List<Notification> storeAll(Connection c, List<Item> items, Instant now) throws SQLException {
        List<Notification> out = new ArrayList<>(items.size());
        if (dialect == Dialect.H2 || items.size() == 1) {
            for (Item item : items) {
                out.add(store(c, item.user(), item.n(), now));
            }
            return out;
        }
        Object ts = dialect.timestamp(now);
        java.util.LinkedHashMap<Key, Group> groups = new java.util.LinkedHashMap<>();
        for (Item item : items) {
            groups.putIfAbsent(new Key(item.user(), item.n().groupKey()), new Group(0, null));
        }
        List<Key> keys = new ArrayList<>(groups.keySet());
        if (dialect == Dialect.POSTGRESQL) {
            lockAndRead(c, keys, ts, groups);
        } else {
            lockThenRead(c, keys, ts, groups);
        }
        return waves(c, items, groups, ts, now);
    }

    /**
     * PostgreSQL: one multi-row upsert per {@link #READ_CHUNK} keys locks them in list order and
     * returns each group row as it is under the lock (after waiting for a concurrent holder, the
     * row that one committed).
     */
    private void lockAndRead(Connection c, List<Key> keys, Object ts, Map<Key, Group> groups) throws SQLException {
        for (int from = 0; from < keys.size(); from += READ_CHUNK) {
            List<Key> part = keys.subList(from, Math.min(keys.size(), from + READ_CHUNK));
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < part.size(); i++) {
                values.append(i == 0 ? "(?, ?, NULL, ?)" : ", (?, ?, NULL, ?)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_groups"
                    + " (user_id, group_key, notification_id, started_at) VALUES " + values
                    + " ON CONFLICT (user_id, group_key) DO UPDATE SET user_id = EXCLUDED.user_id"
                    + " RETURNING user_id, group_key, notification_id, started_at")) {
                int p = 1;
                for (Key k : part) {
                    ps.setLong(p++, k.user());
                    ps.setString(p++, k.groupKey());
                    ps.setObject(p++, ts);
                }
                readGroups(ps, groups);
            }
        }
    }

    /** MariaDB: the upserts in one batch (executed in order), then one locking read per {@link #READ_CHUNK} keys. */
    private void lockThenRead(Connection c, List<Key> keys, Object ts, Map<Key, Group> groups) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockSql)) {
            for (Key k : keys) {
                ps.setLong(1, k.user());
                ps.setString(2, k.groupKey());
                ps.setObject(3, ts);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        for (int from = 0; from < keys.size(); from += READ_CHUNK) {
            List<Key> part = keys.subList(from, Math.min(keys.size(), from + READ_CHUNK));
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < part.size(); i++) {
                in.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, group_key, notification_id, started_at"
                    + " FROM notification_groups WHERE (user_id, group_key) IN (" + in + ") FOR UPDATE")) {
                int p = 1;
                for (Key k : part) {
                    ps.setLong(p++, k.user());
                    ps.setString(p++, k.groupKey());
                }
                readGroups(ps, groups);
            }
        }
    }

    private void readGroups(PreparedStatement ps, Map<Key, Group> groups) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                groups.put(new Key(rs.getLong(1), rs.getString(2)), new Group(rs.getLong(3), dialect.readTimestamp(rs, 4)));
            }
        }
    }

    /** Applies the items round by round, each round the first pending item of every key (see {@link #storeAll}). */
    private List<Notification> waves(Connection c, List<Item> items, Map<Key, Group> groups, Object ts, Instant now)
            throws SQLException {
        Notification[] stored = new Notification[items.size()];
        boolean[] done = new boolean[items.size()];
        for (int left = items.size(); left > 0; ) {
            // the wave: the first pending item of each key
            List<Integer> wave = new ArrayList<>();
            java.util.Set<Key> seen = new java.util.HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                if (!done[i] && seen.add(new Key(items.get(i).user(), items.get(i).n().groupKey()))) {
                    wave.add(i);
                }
            }
            List<Integer> tried = new ArrayList<>();
            for (int i : wave) {
                Item item = items.get(i);
                Group g = groups.get(new Key(item.user(), item.n().groupKey()));
                if (g.notificationId() > 0 && g.startedAt() != null
                        && g.startedAt().isAfter(now.minus(Duration.ofSeconds(item.n().groupWindowSeconds())))) {
                    tried.add(i);
                }
            }
            java.util.Map<Long, Integer> collapsedBy = new java.util.HashMap<>();
            if (!tried.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(COLLAPSE)) {
                    int[] counts = new int[tried.size()];
                    for (int t = 0; t < tried.size(); t++) {
                        Item item = items.get(tried.get(t));
                        bindCollapse(ps, item.user(), groups.get(new Key(item.user(), item.n().groupKey())).notificationId(),
                                item.n(), ts, now);
                        if (dialect == Dialect.POSTGRESQL) {
                            ps.addBatch();
                        } else {
                            // MariaDB's bulk batches may answer SUCCESS_NO_INFO: each row's count decides here
                            counts[t] = ps.executeUpdate();
                        }
                    }
                    if (dialect == Dialect.POSTGRESQL) {
                        counts = ps.executeBatch();
                    }
                    for (int t = 0; t < counts.length; t++) {
                        if (counts[t] == 1) {
                            Item item = items.get(tried.get(t));
                            collapsedBy.put(groups.get(new Key(item.user(), item.n().groupKey())).notificationId(),
                                    tried.get(t));
                        }
                    }
                }
            }
            List<Integer> inserted = new ArrayList<>();
            List<RowsInsert.Row> newRows = new ArrayList<>();
            for (int i : wave) {
                if (!collapsedBy.containsValue(i)) {
                    inserted.add(i);
                    newRows.add(new RowsInsert.Row(items.get(i).user(), items.get(i).n()));
                }
            }
            List<Notification> created = rowsInsert.insert(c, newRows, now);
            if (!created.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE notification_groups SET notification_id = ?,"
                        + " started_at = ? WHERE user_id = ? AND group_key = ?")) {
                    for (int k = 0; k < created.size(); k++) {
                        Item item = items.get(inserted.get(k));
                        ps.setLong(1, created.get(k).id());
                        ps.setObject(2, ts);
                        ps.setLong(3, item.user());
                        ps.setString(4, item.n().groupKey());
                        ps.addBatch();
                        stored[inserted.get(k)] = created.get(k);
                        groups.put(new Key(item.user(), item.n().groupKey()), new Group(created.get(k).id(), now));
                    }
                    ps.executeBatch();
                }
            }
            if (!collapsedBy.isEmpty()) {
                List<Long> ids = new ArrayList<>(collapsedBy.keySet());
                try (PreparedStatement ps = c.prepareStatement(NotificationSql.SELECT + " WHERE id IN ("
                        + IdChunks.placeholders(ids.size()) + ")")) {
                    for (int k = 0; k < ids.size(); k++) {
                        ps.setLong(k + 1, ids.get(k));
                    }
                    for (Notification n : rows.query(ps)) {
                        stored[collapsedBy.get(n.id())] = n;
                    }
                }
            }
            for (int i : wave) {
                if (stored[i] == null) {
                    throw new SQLException("collapsed notification not read back for user " + items.get(i).user());
                }
                done[i] = true;
                left--;
            }
        }
        return java.util.Arrays.asList(stored);
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

    private static final String COLLAPSE = "UPDATE system_notifications SET title = ?, content = ?, data = ?,"
            + " group_count = group_count + 1, created_at = ?, updated_at = ?, sent_via_websocket = FALSE,"
            + " sent_at = NULL, retry_count = 0, level = ?, escalate_at = COALESCE(escalate_at, ?)"
            + " WHERE id = ? AND user_id = ? AND is_read = FALSE AND deleted_at IS NULL AND archived = FALSE"
            + " AND snoozed_until IS NULL";

    private void bindCollapse(PreparedStatement ps, long user, long id, NewNotification n, Object ts, Instant now)
            throws SQLException {
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
    }

    /**
     * Updates the group's notification in place with the newest title, content and data, one more
     * in its count, and makes it new again (top of the list, undelivered); null when it no longer
     * qualifies (read, deleted, archived or snoozed meanwhile).
     */
    private Notification collapse(Connection c, long user, long id, NewNotification n, Object ts, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COLLAPSE)) {
            bindCollapse(ps, user, id, n, ts, now);
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
