package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** User-to-user {@code chat} and the admin-only client {@code broadcast}. */
class ChatHandlersTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "100000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void chatToAnOnlineUser_reachesEveryDeviceAndIsAckedDelivered() {
        try (WsClient alice = server.connectQuiet(301); WsClient bobPhone = server.connectQuiet(302); WsClient bobLaptop = server.connectQuiet(302)) {
            long before = System.currentTimeMillis();
            JsonNode ack = alice.request("chat", Map.of("to_user_id", 302, "content", "hello bob"));
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.at("/data/type").asText()).isEqualTo("chat");
            assertThat(ack.at("/data/delivered").asBoolean()).isTrue();
            assertThat(ack.at("/data/to_user_id").asLong()).isEqualTo(302);
            for (WsClient device : new WsClient[] {bobPhone, bobLaptop}) {
                JsonNode chat = device.awaitType("chat");
                assertThat(chat.at("/data/from_user_id").asLong()).isEqualTo(301);
                assertThat(chat.at("/data/content").asText()).isEqualTo("hello bob");
                assertThat(chat.at("/data/timestamp").asLong()).isGreaterThanOrEqualTo(before);
            }
            alice.expectNoFrame(Duration.ofMillis(100));
        }
    }

    @Test
    void chatToAnOfflineUser_isAckedNotDeliveredButKeptForLater() {
        server.connectQuiet(399).close(); // bob is a user Herald knows (chats to unknown ids are refused)
        Await.until("bob offline", () -> !server.api("POST", "/admin/websocket/check-online", "{\"user_id\":399}")
                .json().at("/data/is_online").asBoolean());
        try (WsClient alice = server.connectQuiet(303)) {
            JsonNode ack = alice.request("chat", Map.of("to_user_id", 399, "content", "are you there?"));
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.at("/data/delivered").asBoolean()).isFalse();
            assertThat(ack.at("/data/stored").asBoolean()).as("kept in the recipient's inbox").isTrue();
        }
        try (WsClient bob = server.connect(399)) {
            JsonNode kept = bob.awaitType("notification");
            assertThat(kept.at("/data/content").asText()).isEqualTo("are you there?");
            assertThat(kept.at("/data/category").asText()).isEqualTo("message");
        }
    }

    @Test
    void chatToOneself_reachesOwnOtherDevices() {
        try (WsClient phone = server.connectQuiet(304); WsClient laptop = server.connectQuiet(304)) {
            assertThat(phone.request("chat", Map.of("to_user_id", 304, "content", "note")).at("/data/delivered").asBoolean()).isTrue();
            assertThat(laptop.awaitType("chat").at("/data/content").asText()).isEqualTo("note");
        }
    }

    @Test
    void chatWithMissingOrBadFields_isAnError() {
        try (WsClient c = server.connectQuiet(305)) {
            assertThat(c.requestError("chat", Map.of("content", "x"))).isEqualTo("missing_field");
            assertThat(c.requestError("chat", Map.of("to_user_id", 2))).isEqualTo("missing_field");
            assertThat(c.requestError("chat", Map.of("to_user_id", "2", "content", "x"))).isEqualTo("invalid_field");
            assertThat(c.requestError("chat", Map.of("to_user_id", -2, "content", "x"))).isEqualTo("invalid_field");
            assertThat(c.requestError("chat", Map.of("to_user_id", 2, "content", ""))).isEqualTo("invalid_field");
            assertThat(c.requestError("chat", Map.of("to_user_id", 2, "content", Map.of("a", 1)))).isEqualTo("invalid_field");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void adminBroadcast_reachesEveryoneButTheSender() {
        try (WsClient admin = server.connectQuiet(server.adminToken(306));
             WsClient adminOtherTab = server.connectQuiet(server.adminToken(306));
             WsClient u1 = server.connectQuiet(307);
             WsClient u2 = server.connectQuiet(308)) {
            JsonNode ack = admin.request("broadcast", Map.of("message", "maintenance at noon"));
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.at("/data/type").asText()).isEqualTo("broadcast");
            assertThat(ack.at("/data/count").asLong()).isGreaterThanOrEqualTo(2);
            for (WsClient c : new WsClient[] {u1, u2}) {
                JsonNode b = c.awaitType("broadcast");
                assertThat(b.at("/data/message").asText()).isEqualTo("maintenance at noon");
                assertThat(b.at("/data/from_user_id").asLong()).isEqualTo(306);
            }
            admin.expectNoFrame(Duration.ofMillis(200));
            adminOtherTab.expectNoFrame(Duration.ofMillis(10));
        }
    }

    @Test
    void broadcastFromANonAdmin_isForbiddenAndReachesNobody() {
        try (WsClient user = server.connectQuiet(309); WsClient other = server.connectQuiet(310)) {
            assertThat(user.requestError("broadcast", Map.of("message", "spam"))).isEqualTo("forbidden");
            other.expectNoFrame(Duration.ofMillis(200));
        }
    }

    @Test
    void broadcastWithoutMessage_isAnError() {
        try (WsClient admin = server.connectQuiet(server.adminToken(311))) {
            assertThat(admin.requestError("broadcast", Map.of())).isEqualTo("missing_field");
            assertThat(admin.requestError("broadcast", Map.of("message", 3))).isEqualTo("invalid_field");
        }
    }
}
