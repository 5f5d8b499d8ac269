package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
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
 * Clients' acknowledgements, several in one transaction: locks the undelivered live rows among all
 * their ids in id order ({@code SELECT … FOR UPDATE}, so two concurrent acks of one id cannot both
 * report it, and two groups lock in the same order), credits each row to the first ack of its
 * owner that names it (another user's ids count for nobody), sets {@code sent_via_websocket} and
 * {@code sent_at} on exactly those rows, and stores one {@code notification.delivered} webhook event
 * per row that changed, in the same transaction. A lone ack is a group of one.
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
        return db.inTransaction("mark delivered", c -> {
            Map<Long, Long> owners = new HashMap<>();
            for (long[] chunk : IdChunks.split(all, NotificationSql.ID_CHUNK)) {
                lockUndelivered(c, chunk, owners);
            }
            TreeSet<Long> changed = new TreeSet<>();
            List<Map<String, Object>> data = new ArrayList<>();
            String at = now.toString();
            for (Ack a : acks) {
                int n = 0;
                for (long id : a.ids()) {
                    Long owner = owners.get(id);
                    if (owner != null && owner == a.userId()) {
                        owners.remove(id); // credited once, to the first ack that names it
                        changed.add(id);
                        n++;
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("notification_id", id);
                        d.put("user_id", a.userId());
                        d.put("delivered_at", at);
                        data.add(d);
                    }
                }
                counts.add(n);
            }
            long[] rows = changed.stream().mapToLong(Long::longValue).toArray();
            for (long[] chunk : IdChunks.split(rows, NotificationSql.ID_CHUNK)) {
                sql.update(c, DELIVER, "sent_via_websocket = FALSE", null, chunk, now);
            }
            if (events.enabled()) {
                events.publishIn(c, EventSink.DELIVERED, data);
            }
            return counts;
        });
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
