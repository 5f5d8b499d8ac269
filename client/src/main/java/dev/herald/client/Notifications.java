package dev.herald.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The inbox from the backend's side ({@code /admin/system/notifications…} with the API key):
 * {@linkplain #send(NewNotification) store notifications}, run the retry and cleanup jobs, and work
 * on any user's inbox with {@link #forUser(long)}. From {@link HeraldClient#notifications()};
 * thread-safe.
 */
public final class Notifications {
    private static final String BASE = "/admin/system/notifications";

    private final Transport transport;
    private final String apiKey;

    Notifications(Transport transport, String apiKey) {
        this.transport = transport;
        this.apiKey = apiKey;
    }

    /**
     * {@code POST …/send}: stores the notification for each recipient (all or nothing) and pushes it
     * to those online.
     *
     * <p>Every send carries an {@code idempotency_key} — the notification's own, or a random one
     * made for this call — and is therefore retried on connection failures, 429, 502, 503 and 504
     * with the same key: a send whose answer was lost is not stored twice (the retry answers
     * {@link SendResult#duplicate()} true with the first send's ids).
     *
     * @param notification what to send, to whom
     * @return what was stored
     * @throws HeraldException 422 naming each refused field, 503 when the database is down
     */
    public SendResult send(NewNotification notification) {
        Objects.requireNonNull(notification, "notification");
        ObjectNode body = transport.object();
        var ids = body.putArray("user_ids");
        notification.userIds().forEach(ids::add);
        body.put("title", notification.title());
        body.put("content", notification.content());
        putIfSet(body, "type", notification.type());
        putIfSet(body, "category", notification.category());
        putIfSet(body, "level", notification.level());
        if (notification.data() != null) {
            body.set("data", transport.tree(notification.data()));
        }
        putIfSet(body, "action_type", notification.actionType());
        putIfSet(body, "action_data", notification.actionData());
        putIfSet(body, "group_key", notification.groupKey());
        if (notification.groupWindow() != null) {
            body.put("group_window", notification.groupWindow());
        }
        if (!notification.actions().isEmpty()) {
            body.set("actions", transport.tree(notification.actions()));
        }
        if (notification.force()) {
            body.put("force", true);
        }
        if (notification.escalateAfter() != null) {
            body.put("escalate_after", notification.escalateAfter());
        }
        String key = notification.idempotencyKey() != null ? notification.idempotencyKey() : UUID.randomUUID().toString();
        body.put("idempotency_key", key);
        return transport.read(transport.call("POST", BASE + "/send", Map.of(), body, apiKey, true), SendResult.class);
    }

    /**
     * {@code POST …/retry-unsent?limit=}: pushes again notifications no client acknowledged (what
     * the retry job does every {@code notifications.retry-interval}).
     *
     * @param limit 1 to 10000
     * @return how many were pushed again
     */
    public long retryUnsent(int limit) {
        return transport.call("POST", BASE + "/retry-unsent", Map.of("limit", Integer.toString(limit)), null, apiKey, false)
                .path("count").asLong();
    }

    /**
     * {@code POST …/cleanup?days=}: removes read notifications older than {@code days} (what the
     * daily job does with {@code notifications.retention-days}).
     *
     * @param days 1 to 36500
     * @return how many were removed
     */
    public long cleanup(int days) {
        return transport.call("POST", BASE + "/cleanup", Map.of("days", Integer.toString(days)), null, apiKey, false)
                .path("count").asLong();
    }

    /**
     * A user's inbox, acted on with the API key (every call names {@code user_id}).
     *
     * @param userId the user
     * @return a view of that user's inbox
     */
    public Inbox forUser(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("userId must be positive: " + userId);
        }
        return new Inbox(transport, apiKey, userId);
    }

    private static void putIfSet(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
