package dev.herald.api;

import static dev.herald.api.NotificationFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ids above 2^53 − 1 (JavaScript's {@code Number.MAX_SAFE_INTEGER}) would reach browsers rounded,
 * so they are refused wherever they enter — HTTP bodies (422 naming the field), query parameters
 * (422), frame fields ({@code invalid_field} naming the field) — and the largest safe id works.
 */
class IdBoundsTest {
    private static final String MAX = "9007199254740991";
    private static final List<String> TOO_BIG = List.of("9007199254740992", "9223372036854775807", "9223372036854775808");
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void nothingStoredForTheseIds() {
        Response r = server.api("GET", BASE + "?user_id=" + MAX, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.data().get("total").asLong()).isZero();
    }

    private static void invalid(Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        JsonNode reason = r.json().at("/data/errors/" + field);
        assertThat(reason.isMissingNode()).as("data.errors.%s in %s", field, r.body()).isFalse();
        assertThat(reason.asText()).contains(MAX);
    }

    @Test
    void serverApiBodies_refuseIdsAboveTheSafeRange() {
        for (String id : TOO_BIG) {
            invalid(server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":" + id + ",\"data\":{}}"), "user_id");
            invalid(server.api("POST", "/admin/websocket/check-online", "{\"user_id\":" + id + "}"), "user_id");
            invalid(server.api("POST", "/admin/websocket/disconnect-user", "{\"user_id\":" + id + "}"), "user_id");
            invalid(server.api("POST", "/admin/websocket/send-to-users", "{\"user_ids\":[1," + id + "],\"data\":{}}"), "user_ids");
            invalid(server.api("POST", "/admin/websocket/broadcast", "{\"exclude_user_id\":" + id + "}"), "exclude_user_id");
            invalid(server.api("POST", "/admin/websocket/bind", "{\"client_id\":\"c-1\",\"user_id\":" + id + "}"), "user_id");
        }
        Response max = server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":" + MAX + ",\"data\":{}}");
        assertThat(max.status()).as(max.body()).isEqualTo(200);
        assertThat(max.data().get("user_id").asLong()).isEqualTo(9007199254740991L);
    }

    @Test
    void inboxBodies_refuseIdsAboveTheSafeRange() {
        String user = server.token(81);
        for (String id : TOO_BIG) {
            invalid(server.api("POST", BASE + "/send", "{\"user_ids\":[" + id + "],\"title\":\"t\",\"content\":\"c\"}"), "user_ids");
            invalid(server.api("POST", BASE + "/send", "{\"recipient_id\":" + id + ",\"title\":\"t\",\"content\":\"c\"}"),
                    "recipient_id");
            invalid(server.call("POST", BASE + "/batch-read", user, "{\"ids\":[" + id + "]}"), "ids");
            invalid(server.call("POST", BASE + "/batch-delete", user, "{\"ids\":[1," + id + "]}"), "ids");
            invalid(server.api("POST", BASE + "/read-all", "{\"user_id\":" + id + "}"), "user_id");
        }
    }

    @Test
    void queryParameters_refuseIdsAboveTheSafeRange() {
        for (String id : TOO_BIG) {
            invalid(server.api("GET", BASE + "?user_id=" + id, null), "user_id");
            invalid(server.api("GET", BASE + "/unread-count?user_id=" + id, null), "user_id");
        }
        Response max = server.api("GET", BASE + "/unread-count?user_id=" + MAX, null);
        assertThat(max.status()).as(max.body()).isEqualTo(200);
    }

    @Test
    void frameFields_refuseIdsAboveTheSafeRange() {
        try (WsClient ws = server.connectQuiet(82)) {
            for (String id : TOO_BIG) {
                long big = new BigInteger(id).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
                assertInvalid(ws.request("chat", Map.of("to_user_id", big, "content", "hi")), "to_user_id");
                assertInvalid(ws.request("ack", Map.of("notification_ids", List.of(1, big))), "notification_ids");
                assertInvalid(ws.request("presence", Map.of("user_ids", List.of(big))), "user_ids");
                assertInvalid(ws.request("read", Map.of("ids", List.of(big))), "ids");
                assertInvalid(ws.request("sync", Map.of("since_id", big)), "since_id");
            }
            JsonNode ack = ws.request("presence", Map.of("user_ids", List.of(9007199254740991L)));
            assertThat(ack.get("type").asText()).as(ack.toString()).isEqualTo("presence");
        }
    }

    private static void assertInvalid(JsonNode reply, String field) {
        assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("error");
        assertThat(reply.at("/data/code").asText()).as(reply.toString()).isEqualTo("invalid_field");
        assertThat(reply.at("/data/message").asText()).as(reply.toString()).contains(field).contains(MAX);
    }
}
