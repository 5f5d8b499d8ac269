package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.protocol.Json;
import dev.herald.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** Puts notifications in users' inboxes through the HTTP API, as an application's backend would. */
final class Notifications {
    private Notifications() {}

    static void send(TestServer server, long userId, String title, String type, String category) {
        send(server, userId, title, "About " + title, type, category, null);
    }

    static void send(TestServer server, long userId, String title, String content, String type, String category,
                     String actionUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(userId));
        body.put("title", title);
        body.put("content", content);
        body.put("type", type);
        body.put("category", category);
        if (actionUrl != null) {
            body.put("action_type", "link");
            body.put("action_data", actionUrl);
        }
        var reply = server.api("POST", "/admin/system/notifications/send", json(body));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    /**
     * Sends one notification to one user with Inbox 2.0 fields ({@code actions}, {@code group_key}, …)
     * and returns the send's result ({@code ids}, {@code collapsed}, …).
     */
    static com.fasterxml.jackson.databind.JsonNode sendWith(TestServer server, long userId, String title, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(userId));
        body.put("title", title);
        body.put("content", "About " + title);
        body.put("type", "task");
        body.put("category", "task");
        body.putAll(extra);
        var reply = server.api("POST", "/admin/system/notifications/send", json(body));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.data();
    }

    /** Approve (primary) and Reject (secondary). */
    static Map<String, Object> approveOrReject() {
        return Map.of("actions", List.of(
                Map.of("id", "approve", "label", "Approve", "style", "primary"),
                Map.of("id", "reject", "label", "Reject", "style", "secondary")));
    }

    /** One notification as its user reads it ({@code GET /{id}}). */
    static com.fasterxml.jackson.databind.JsonNode get(TestServer server, long userId, long id) {
        var reply = server.call("GET", "/admin/system/notifications/" + id, server.token(userId), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.data();
    }

    /** The ids of a user's notifications, newest first. */
    static List<Long> ids(TestServer server, long userId) {
        var data = server.api("GET", "/admin/system/notifications?page_size=100&user_id=" + userId, null).data();
        return StreamSupport.stream(data.get("list").spliterator(), false)
                .map(n -> n.get("id").asLong()).toList();
    }

    static void markRead(TestServer server, long userId, long id) {
        var reply = server.call("POST", "/admin/system/notifications/" + id + "/read", server.token(userId), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
