package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.webhooks.EventSink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Clients' acknowledgements, several in one transaction: sets {@code sent_via_websocket} and
 * {@code sent_at} on the undelivered live rows they name that belong to the acking user (another
 * user's ids count for nobody), credits each row to the first ack of its owner that names it, and
 * stores one {@code notification.delivered} webhook event per row that changed, in the same
 * transaction. Rows are locked in id order, so two groups (of two nodes) wait for each other rather
 * than deadlock, and a row two groups name is reported by the one that changed it only. A lone ack
 * is a group of one.
 *
 * <p>On PostgreSQL that is ONE {@code UPDATE … WHERE id IN (…) AND (user_id, id) IN (…) AND
 * sent_via_websocket = FALSE … RETURNING id, user_id}: a concurrent group's change of a row is seen
 * once its lock is released (the row no longer qualifies). H2 and MariaDB, which have no
 * {@code UPDATE … RETURNING}, lock the rows first ({@code SELECT … FOR UPDATE}) and update the ones
 * found; on PostgreSQL that locking read cost three times the update (each lock is a write).
 */
final class Acks {
    /** One client's ack: its user and the ids it names (distinct, ascending). */
    record Ack(long userId, long[] ids) {}

    private static final String DELIVER = "sent_via_websocket = TRUE, sent_at = ?, updated_at = ?";

    private final Database db;
    private final NotificationSql sql;
    private final EventSink events;

    Acks(Database db, NotificationSql sql, EventSink events) {
        this.db = requireNonNull(db, "db");
        this.sql = requireNonNull(sql, "sql");
        this.events = requireNonNull(events, "events");
    }

    /** Per ack, in order, how many of its rows it delivered. One transaction; on any failure none is kept. */
    List<Integer> mark(List<Ack> acks, Instant now) {
        TreeSet<Long> named = new TreeSet<>();
        for (Ack a : acks) {
            for (long id : a.ids()) {
                named.add(id);
            }
        }
        List<Integer> counts = new ArrayList<>(acks.size());
        if (named.isEmpty()) {
            acks.forEach(a -> counts.add(0));
            return counts;
        }
        long[] all = named.stream().mapToLong(Long::longValue).toArray();
        boolean returning = db.dialect() == Dialect.POSTGRESQL;
        return db.inTransaction("mark delivered", c -> {
            Map<Long, Long> owners = new HashMap<>();
            for (long[] chunk : IdChunks.split(all, NotificationSql.ID_CHUNK)) {
                if (returning) {
                    updateReturning(c, chunk, acks, db.dialect().timestamp(now), owners);
                } else {
                    lockUndelivered(c, chunk, owners);
                }
            }
            // to update (the rows locked: PostgreSQL's statement changed them already); the events, only with webhooks on
            TreeSet<Long> changed = returning ? null : new TreeSet<>();
            List<Map<String, Object>> data = events.enabled() ? new ArrayList<>() : null;
            String at = now.toString();
            for (Ack a : acks) {
                int n = 0;
                for (long id : a.ids()) {
                    Long owner = owners.get(id);
                    if (owner != null && owner == a.userId()) {
                        owners.remove(id); // credited once, to the first ack that names it
                        n++;
                        if (changed != null) {
                            changed.add(id);
                        }
                        if (data != null) {
                            Map<String, Object> d = new LinkedHashMap<>();
                            d.put("notification_id", id);
                            d.put("user_id", a.userId());
                            d.put("delivered_at", at);
                            data.add(d);
                        }
                    }
                }
                counts.add(n);
            }
            if (changed != null) {
                long[] rows = changed.stream().mapToLong(Long::longValue).toArray();
                for (long[] chunk : IdChunks.split(rows, NotificationSql.ID_CHUNK)) {
                    sql.update(c, DELIVER, "sent_via_websocket = FALSE", null, chunk, now);
                }
            }
            if (data != null) {
                events.publishIn(c, EventSink.DELIVERED, data);
            }
            return counts;
        });
    }

    /**
     * PostgreSQL: delivers the rows of {@code ids} that an ack of their owner names, in one
     * statement, and puts each changed row's owner in {@code owners}.
     */
    private static void updateReturning(Connection c, long[] ids, List<Ack> acks, Object now, Map<Long, Long> owners)
            throws SQLException {
        java.util.Set<Long> inChunk = new java.util.HashSet<>(ids.length * 2);
        for (long id : ids) {
            inChunk.add(id);
        }
        List<long[]> pairs = new ArrayList<>();
        java.util.Set<List<Long>> seen = new java.util.HashSet<>();
        for (Ack a : acks) {
            for (long id : a.ids()) {
                if (inChunk.contains(id) && seen.add(List.of(a.userId(), id))) {
                    pairs.add(new long[] {a.userId(), id});
                }
            }
        }
        String sqlText = "UPDATE system_notifications SET " + DELIVER + " WHERE id IN ("
                + IdChunks.placeholders(ids.length) + ") AND (user_id, id) IN ("
                + String.join(",", java.util.Collections.nCopies(pairs.size(), "(?,?)"))
                + ") AND sent_via_websocket = FALSE AND deleted_at IS NULL RETURNING id, user_id";
        try (PreparedStatement ps = c.prepareStatement(sqlText)) {
            int p = 1;
            ps.setObject(p++, now);
            ps.setObject(p++, now);
            for (long id : ids) {
                ps.setLong(p++, id);
            }
            for (long[] pair : pairs) {
                ps.setLong(p++, pair[0]);
                ps.setLong(p++, pair[1]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
    }

    private static void lockUndelivered(Connection c, long[] ids, Map<Long, Long> owners) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, user_id FROM system_notifications WHERE id IN ("
                + IdChunks.placeholders(ids.length) + ") AND deleted_at IS NULL AND sent_via_websocket = FALSE"
                + " ORDER BY id FOR UPDATE")) {
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(1 + i, ids[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
    }

    /**
     * Acks queued while a group is written go together in the next transaction
     * ({@link GroupWriter}); a group that fails as a whole (a deadlock with another transaction,
     * say) runs each ack alone.
     */
    static final class Queue extends GroupWriter<Ack, Integer> implements NotificationStore.AckQueue {
        /** Most acks in one transaction (each names up to a page of ids). */
        static final int MAX_GROUP = 64;

        private final NotificationStore store;

        Queue(NotificationStore store, Executor executor) {
            super(MAX_GROUP, executor);
            this.store = requireNonNull(store, "store");
        }

        @Override
        public CompletableFuture<Integer> acknowledge(long userId, java.util.Collection<Long> ids) {
            return enqueue(new Ack(userId, IdChunks.distinctSorted(requireNonNull(ids, "ids"))));
        }

        @Override
        List<Integer> storeGroup(List<Ack> group) {
            return store.markDelivered(group);
        }

        @Override
        Integer storeAlone(Ack ack) {
            return store.markDelivered(List.of(ack)).get(0);
        }
    }
}
