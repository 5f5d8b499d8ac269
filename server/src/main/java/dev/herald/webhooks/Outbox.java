package dev.herald.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.protocol.Json;
import dev.herald.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code webhook_outbox} table (migration V4): events are inserted before anything is sent,
 * claimed by one node at a time through a lease ({@code locked_by}, {@code locked_until}, taken with
 * a conditional UPDATE that only one writer can win on H2, PostgreSQL and MariaDB alike), and
 * finished as delivered (state 1) or failed (state 2). Times are epoch milliseconds from the
 * injected clock. Calls block on JDBC.
 */
final class Outbox {
    static final int PENDING = 0;
    static final int DELIVERED = 1;
    static final int FAILED = 2;

    /** {@code format}: Herald's event JSON signed with {@code Herald-Signature} (to {@code webhooks.url}). */
    static final int HERALD = 0;
    /** {@code format}: Pusher's {@code {time_ms, events}} signed with {@code X-Pusher-Signature} (to an app's url). */
    static final int PUSHER = 1;

    /**
     * A claimed row: what to POST, to which receiver ({@code target}: "" for Herald's, else a Pusher
     * app id) in which {@code format}, and how many attempts it has had.
     */
    record Row(long id, String eventId, String type, String body, int attempts, String target, int format) {
        Row(long id, String eventId, String type, String body, int attempts) {
            this(id, eventId, type, body, attempts, "", HERALD);
        }
    }

    /** How one attempt ended, applied in a batch by {@link #finish}. */
    record Result(Row row, boolean ok, String error, long at) {}

    private static final String INSERT = "INSERT INTO webhook_outbox (event_id, type, body, created_at, next_attempt_at,"
            + " locked_by, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_PUSHER = "INSERT INTO webhook_outbox (event_id, type, body, created_at,"
            + " next_attempt_at, target, format) VALUES (?, ?, ?, ?, ?, ?, " + PUSHER + ")";
    private static final String DUE = "SELECT id, event_id, type, body, attempts, target, format FROM webhook_outbox"
            + " WHERE state = 0 AND next_attempt_at <= ? AND locked_until <= ? ORDER BY state, next_attempt_at, id LIMIT ?";
    /**
     * Takes one row by its primary key. {@code state + 0} keeps the state test out of the index
     * choice: H2 plans a prepared statement once per connection, and one planned while the table was
     * (nearly) empty would use {@code wo_delivered} or {@code wo_due} for {@code state = 0}, scanning
     * every pending row for each row claimed — a claim that slows down as the backlog grows.
     */
    static final String CLAIM = "UPDATE webhook_outbox SET locked_by = ?, locked_until = ?"
            + " WHERE id = ? AND locked_until <= ? AND state + 0 = 0";

    /** Delivered rows finished by one statement at most. */
    static final int FINISH_CHUNK = 200;

    private final Database db;
    private final Clock clock;

    Outbox(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Inserts one event per data map on {@code c} (the caller's transaction), for any node to claim; returns the rows. */
    List<Row> insert(Connection c, String type, List<Map<String, Object>> data) throws SQLException {
        return insert(c, type, data, null, 0);
    }

    /**
     * Inserts one event per data map on {@code c} (the caller's transaction) and returns the rows
     * ({@code id} 0: the key is not read back; {@link #finish} goes by event id). With a
     * {@code leaseOwner} the rows are born leased to it until {@code leaseUntil}: no claim takes
     * them meanwhile, so the owner may send them without claiming (the dispatcher's hand-off), and
     * if it never does, they are due to everyone once the lease ends.
     */
    List<Row> insert(Connection c, String type, List<Map<String, Object>> data, String leaseOwner, long leaseUntil)
            throws SQLException {
        long now = clock.millis();
        List<Row> rows = new ArrayList<>(data.size());
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Map<String, Object> d : data) {
                String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("id", id);
                event.put("type", type);
                event.put("created_at", Instant.ofEpochMilli(now).toString());
                event.put("data", d);
                String body = json(event);
                ps.setString(1, id);
                ps.setString(2, type);
                ps.setString(3, body);
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.setString(6, leaseOwner);
                ps.setLong(7, leaseOwner == null ? 0 : leaseUntil);
                ps.addBatch();
                rows.add(new Row(0, id, type, body, 0));
            }
            ps.executeBatch();
        }
        return rows;
    }

    /**
     * Inserts one Pusher webhook per app of {@code appIds} on {@code c}, each POSTing
     * {@code {"time_ms": now, "events": [event]}} (one event per request); {@code event} holds
     * {@code name}, {@code channel} and the event's own fields.
     */
    void insertPusher(Connection c, java.util.Collection<String> appIds, Map<String, Object> event) throws SQLException {
        if (appIds.isEmpty()) {
            return;
        }
        long now = clock.millis();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("time_ms", now);
        body.put("events", List.of(event));
        String text = json(body);
        try (PreparedStatement ps = c.prepareStatement(INSERT_PUSHER)) {
            for (String app : appIds) {
                ps.setString(1, "pev_" + UUID.randomUUID().toString().replace("-", ""));
                ps.setString(2, String.valueOf(event.get("name")));
                ps.setString(3, text);
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.setString(6, app);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("webhook data is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Claims up to {@code limit} due rows for {@code owner} until {@code leaseMillis} from now: reads
     * the candidates, then takes each with {@code UPDATE … WHERE locked_until <= now}; a row another
     * node took meanwhile updates 0 rows and is left out. Only rows this call took are returned.
     */
    List<Row> claim(String owner, int limit, long leaseMillis) {
        List<Row> claimed = new ArrayList<>();
        // another node may win some candidates (it read the same ones): read the next due ones, a few rounds at most
        for (int round = 0; round < 4 && claimed.size() < limit; round++) {
            int[] lost = new int[1];
            claimed.addAll(claimRound(owner, limit - claimed.size(), leaseMillis, lost));
            if (lost[0] == 0) {
                break;
            }
        }
        return claimed;
    }

    private List<Row> claimRound(String owner, int limit, long leaseMillis, int[] lost) {
        long now = clock.millis();
        return db.inTransaction("claim webhooks", c -> {
            List<Row> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(DUE)) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                                rs.getString(6), rs.getInt(7)));
                    }
                }
            }
            if (due.isEmpty()) {
                return due;
            }
            List<Row> claimed = new ArrayList<>(due.size());
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                for (Row r : due) {
                    ps.setString(1, owner);
                    ps.setLong(2, now + leaseMillis);
                    ps.setLong(3, r.id());
                    ps.setLong(4, now);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    // a row another claimer took meanwhile updates 0 rows
                    if (counts[i] == 1) {
                        claimed.add(due.get(i));
                    }
                }
            }
            lost[0] = due.size() - claimed.size();
            return claimed;
        });
    }

    /**
     * Records attempts' outcomes, all in one transaction, each only while {@code owner} still holds
     * the row's lease: delivered rows become state 1 (one statement per {@value #FINISH_CHUNK}
     * rows); failed ones are rescheduled at {@code backoff(attempts)} or, at {@code maxAttempts},
     * become state 2. Rows are found by event id (unique), so rows handed off without their key
     * finish like claimed ones. Returns how many failed for good.
     */
    int finish(String owner, List<Result> results, int maxAttempts, java.util.function.IntToLongFunction backoff) {
        return db.inTransaction("finish webhooks", c -> {
            int failed = 0;
            List<Result> delivered = new ArrayList<>(results.size());
            try (PreparedStatement retry = c.prepareStatement("UPDATE webhook_outbox SET state = ?, attempts = ?,"
                    + " next_attempt_at = ?, locked_until = 0, locked_by = NULL, last_error = ? WHERE event_id = ? AND locked_by = ?")) {
                for (Result r : results) {
                    if (r.ok()) {
                        delivered.add(r);
                        continue;
                    }
                    int attempts = r.row().attempts() + 1;
                    boolean last = attempts >= maxAttempts;
                    failed += last ? 1 : 0;
                    retry.setInt(1, last ? FAILED : PENDING);
                    retry.setInt(2, attempts);
                    retry.setLong(3, last ? r.at() : r.at() + backoff.applyAsLong(attempts));
                    String error = r.error() == null ? "" : r.error();
                    retry.setString(4, error.length() > 300 ? error.substring(0, 300) : error);
                    retry.setString(5, r.row().eventId());
                    retry.setString(6, owner);
                    retry.addBatch();
                }
                if (delivered.size() < results.size()) {
                    retry.executeBatch();
                }
            }
            for (int from = 0; from < delivered.size(); from += FINISH_CHUNK) {
                List<Result> chunk = delivered.subList(from, Math.min(delivered.size(), from + FINISH_CHUNK));
                try (PreparedStatement ok = c.prepareStatement("UPDATE webhook_outbox SET state = 1, attempts = attempts + 1,"
                        + " delivered_at = ?, locked_until = 0, locked_by = NULL, last_error = NULL WHERE locked_by = ?"
                        + " AND event_id IN (" + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                    // the rows of one statement share a time: the last outcome's, at most a round's length later
                    ok.setLong(1, chunk.get(chunk.size() - 1).at());
                    ok.setString(2, owner);
                    for (int i = 0; i < chunk.size(); i++) {
                        ok.setString(3 + i, chunk.get(i).row().eventId());
                    }
                    ok.executeUpdate();
                }
            }
            return failed;
        });
    }

    /** Gives up {@code owner}'s leases on pending rows (on a clean stop), so another node or the restarted one sends them at once. */
    int release(String owner) {
        return db.withConnection("release webhooks", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_outbox SET locked_until = 0, locked_by = NULL"
                    + " WHERE locked_by = ? AND state = 0")) {
                ps.setString(1, owner);
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes delivered rows delivered before {@code before}; returns how many. Failed rows stay. */
    int purgeDelivered(long before) {
        return db.withConnection("purge webhooks", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_outbox WHERE state = 1 AND delivered_at < ?")) {
                ps.setLong(1, before);
                return ps.executeUpdate();
            }
        });
    }

    /** A failed event as the admin API lists it. */
    record Failed(String eventId, String type, int attempts, String lastError, long createdAt, String body) {}

    /** Failed events, oldest first, at most {@code limit}. */
    List<Failed> failed(int limit) {
        return db.withConnection("list failed webhooks", c -> {
            List<Failed> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT event_id, type, attempts, last_error, created_at, body"
                    + " FROM webhook_outbox WHERE state = 2 ORDER BY id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Failed(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5),
                                rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Makes failed events pending again, due now, attempts from zero: the ones named in
     * {@code eventIds}, or every failed one when it is empty. Returns how many.
     */
    int replay(List<String> eventIds) {
        long now = clock.millis();
        return db.inTransaction("replay webhooks", c -> {
            String set = "UPDATE webhook_outbox SET state = 0, attempts = 0, next_attempt_at = ?, locked_until = 0,"
                    + " locked_by = NULL WHERE state = 2";
            if (eventIds.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(set)) {
                    ps.setLong(1, now);
                    return ps.executeUpdate();
                }
            }
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement(set + " AND event_id = ?")) {
                for (String id : eventIds) {
                    ps.setLong(1, now);
                    ps.setString(2, id);
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    /** Rows per state: [pending, delivered, failed]. */
    long[] counts() {
        return db.withConnection("count webhooks", c -> {
            long[] out = new long[3];
            try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM webhook_outbox GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int s = rs.getInt(1);
                    if (s >= 0 && s < 3) {
                        out[s] = rs.getLong(2);
                    }
                }
            }
            return out;
        });
    }
}
