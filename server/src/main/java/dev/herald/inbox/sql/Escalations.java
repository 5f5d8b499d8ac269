package dev.herald.inbox.sql;

import dev.herald.inbox.Escalation;
import dev.herald.inbox.NewNotification;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.webhooks.EventSink;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Escalations in SQL (SPEC §8): when a send's {@code escalate_after} makes it due ({@link #due}),
 * and the escalation job's claim, finish and stuck count behind
 * {@link NotificationStore#claimEscalations}, {@link NotificationStore#finishEscalation} and
 * {@link NotificationStore#stuckEscalations}.
 */
final class Escalations {

    /** The due condition of an escalation (SPEC §8), on a row of {@code system_notifications}. */
    private static final String ESCALATION_DUE = "escalate_at IS NOT NULL AND escalate_at <= ? AND escalated_at IS NULL"
            + " AND is_read = FALSE AND archived = FALSE AND deleted_at IS NULL AND snoozed_until IS NULL";

    /** {@link #stuck}; package-visible for QueryPlanTest. */
    static final String STUCK_ESCALATIONS = "SELECT COUNT(*) FROM system_notifications"
            + " WHERE escalation = 'sending' AND escalated_at < ?";

    private final Database db;
    /** The {@code notification.escalated} events, written in the claim's transaction. */
    private final EventSink events;

    Escalations(Database db, EventSink events) {
        this.db = requireNonNull(db, "db");
        this.events = requireNonNull(events, "events");
    }

    /** When a send's {@code escalate_after} makes it due: null when it never escalates. */
    static Instant due(NewNotification n, Instant storedAt) {
        return n.escalateAfterSeconds() == 0
                ? null
                : storedAt.plusSeconds(n.escalateAfterSeconds()).truncatedTo(ChronoUnit.MILLIS);
    }

    /** {@link NotificationStore#claimEscalations} at {@code now}, {@code limit} checked. */
    NotificationStore.ClaimedEscalations claim(int limit, Instant now) {
        Object ts = db.dialect().timestamp(now);
        List<Escalation> due = new ArrayList<>();
        db.withConnection("find due escalations", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT n.id, n.user_id, s.email, n.title, n.content,"
                    + " n.action_data, n.actions FROM system_notifications n"
                    + " LEFT JOIN notification_settings s ON s.user_id = n.user_id"
                    + " WHERE n.escalate_at IS NOT NULL AND n.escalate_at <= ? AND n.escalated_at IS NULL"
                    + " AND n.is_read = FALSE AND n.archived = FALSE AND n.deleted_at IS NULL AND n.snoozed_until IS NULL"
                    + " ORDER BY n.escalate_at, n.id LIMIT ?")) {
                ps.setObject(1, ts);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String actions = rs.getString(7);
                        due.add(new Escalation(rs.getLong(1), rs.getLong(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6),
                                actions == null ? null : readJson(actions)));
                    }
                }
            }
            return null;
        });
        if (due.isEmpty()) {
            return new NotificationStore.ClaimedEscalations(List.of(), 0);
        }
        int[] skipped = {0};
        List<Escalation> claimed = db.inTransaction("claim escalations", c -> {
            List<Escalation> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET escalated_at = ?,"
                    + " escalation = ? WHERE id = ? AND " + ESCALATION_DUE)) {
                for (Escalation e : due) {
                    boolean mail = e.email() != null && !e.email().isBlank();
                    ps.setObject(1, ts);
                    ps.setString(2, mail ? "sending" : "skipped");
                    ps.setLong(3, e.id());
                    ps.setObject(4, ts);
                    if (ps.executeUpdate() == 1) {
                        if (mail) {
                            out.add(e);
                        } else {
                            skipped[0]++;
                        }
                    }
                }
            }
            if (events.enabled() && !out.isEmpty()) {
                List<Map<String, Object>> data = new ArrayList<>();
                for (Escalation e : out) {
                    Map<String, Object> event = new java.util.LinkedHashMap<>();
                    event.put("notification_id", e.id());
                    event.put("user_id", e.userId());
                    event.put("escalated_at", now.toString());
                    data.add(event);
                }
                events.publishIn(c, EventSink.ESCALATED, data);
            }
            return out;
        });
        return new NotificationStore.ClaimedEscalations(claimed, skipped[0]);
    }

    /** {@link NotificationStore#finishEscalation}. */
    void finish(long id, boolean sent) {
        db.withConnection("finish escalation", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET escalation = ?"
                    + " WHERE id = ? AND escalation = 'sending'")) {
                ps.setString(1, sent ? "sent" : "failed");
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** {@link NotificationStore#stuckEscalations}: those still {@code sending} claimed before {@code before}. */
    long stuck(Instant before) {
        Object ts = db.dialect().timestamp(before);
        return db.withConnection("count stuck escalations", c -> {
            try (PreparedStatement ps = c.prepareStatement(STUCK_ESCALATIONS)) {
                ps.setObject(1, ts);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return dev.herald.protocol.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
