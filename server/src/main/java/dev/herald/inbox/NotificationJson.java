package dev.herald.inbox;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON shape of a notification, used by the HTTP API and the {@code notification} push
 * alike (SPEC §5 record fields; {@code deleted_at} is never shown). Dates are ISO-8601 with offset.
 */
public final class NotificationJson {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private NotificationJson() {}

    public static Map<String, Object> of(Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("user_id", n.userId());
        m.put("title", n.title());
        m.put("content", n.content());
        m.put("type", n.type());
        m.put("category", n.category());
        m.put("data", n.data());
        m.put("action_type", n.actionType());
        m.put("action_data", n.actionData());
        m.put("is_read", n.read());
        m.put("read_at", date(n.readAt()));
        m.put("sent_via_websocket", n.sentViaWebsocket());
        m.put("sent_at", date(n.sentAt()));
        m.put("retry_count", n.retryCount());
        m.put("created_at", date(n.createdAt()));
        m.put("updated_at", date(n.updatedAt()));
        m.put("level", n.level());
        m.put("archived", n.archived());
        m.put("snoozed_until", date(n.snoozedUntil()));
        m.put("group_key", n.groupKey());
        m.put("group_count", n.groupCount());
        m.put("actions", n.actions());
        m.put("action_taken", n.actionTaken());
        m.put("escalate_at", date(n.escalateAt()));
        m.put("escalated_at", date(n.escalatedAt()));
        return m;
    }

    public static String date(Instant t) {
        return t == null ? null : ISO.format(t);
    }
}
