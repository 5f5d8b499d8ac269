package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every {@code /admin/websocket/*} endpoint of SPEC §5 (bind: see BindFlowTest), with real clients receiving. */
class WebSocketApiTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "100000"));
    }

    @BeforeEach
    void nobodyOnline() {
        Await.until("every earlier connection gone", () -> server.herald().connections().count() == 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestServer.Response post(String endpoint, String body) {
        TestServer.Response r = server.api("POST", "/admin/websocket/" + endpoint, body);
        assertEnvelope(r);
        return r;
    }

    static void assertEnvelope(TestServer.Response r) {
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode env = r.json();
        assertThat(env.get("code").asInt()).as(r.body()).isEqualTo(r.status());
        assertThat(env.has("message")).isTrue();
        assertThat(env.has("data")).isTrue();
    }

    private static List<Long> longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asLong).toList();
    }

    @Test
    void onlineCountAndOnlineUsers_countUsersNotConnections() {
        try (WsClient a1 = server.connectQuiet(1101); WsClient a2 = server.connectQuiet(1101); WsClient b = server.connectQuiet(1102)) {
            TestServer.Response count = server.api("GET", "/admin/websocket/online-count", null);
            assertEnvelope(count);
            assertThat(count.status()).isEqualTo(200);
            assertThat(count.json().get("message").asText()).isEqualTo("success");
            assertThat(count.data().get("online_count").asLong()).isEqualTo(2);
            TestServer.Response users = server.api("GET", "/admin/websocket/online-users", null);
            assertThat(longs(users.data().get("user_ids"))).containsExactly(1101L, 1102L);
            assertThat(users.data().get("count").asInt()).isEqualTo(2);
        }
        Await.until("users offline", () -> server.api("GET", "/admin/websocket/online-count", null)
                .data().get("online_count").asLong() == 0);
        assertThat(server.api("GET", "/admin/websocket/online-users", null).data().get("user_ids")).isEmpty();
    }

    @Test
    void checkOnline_answersForOneUser() {
        try (WsClient a = server.connectQuiet(1103)) {
            TestServer.Response on = post("check-online", "{\"user_id\":1103}");
            assertThat(on.data().get("user_id").asLong()).isEqualTo(1103);
            assertThat(on.data().get("is_online").asBoolean()).isTrue();
            assertThat(post("check-online", "{\"user_id\":1199}").data().get("is_online").asBoolean()).isFalse();
        }
    }

    @Test
    void sendToUser_reachesEveryConnectionOfThatUserOnly() {
        try (WsClient phone = server.connectQuiet(1104); WsClient laptop = server.connectQuiet(1104); WsClient other = server.connectQuiet(1105)) {
            TestServer.Response r = post("send-to-user", "{\"user_id\":1104,\"type\":\"order_shipped\",\"data\":{\"order\":77,\"tags\":[\"a\"]}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("user_id").asLong()).isEqualTo(1104);
            assertThat(r.data().get("is_online").asBoolean()).isTrue();
            for (WsClient c : List.of(phone, laptop)) {
                JsonNode f = c.awaitType("order_shipped");
                assertThat(f.at("/data/order").asInt()).isEqualTo(77);
                assertThat(f.at("/data/tags/0").asText()).isEqualTo("a");
                assertThat(f.has("channel")).isFalse();
            }
            other.expectNoFrame(Duration.ofMillis(150));
            assertThat(post("send-to-user", "{\"user_id\":1198,\"type\":\"x\",\"data\":{}}").data().get("is_online").asBoolean()).isFalse();
        }
    }

    @Test
    void sendToUser_defaultsToNotificationAndKeepsAnyJsonData() {
        try (WsClient c = server.connectQuiet(1106)) {
            post("send-to-user", "{\"user_id\":1106,\"data\":\"just text\"}");
            assertThat(c.awaitType("notification").get("data").asText()).isEqualTo("just text");
            post("send-to-user", "{\"user_id\":1106,\"type\":\"n2\"}");
            assertThat(c.awaitType("n2").get("data").isEmpty()).isTrue();
        }
    }

    @Test
    void messagesFromOnePublisher_arriveInOrder() {
        try (WsClient c = server.connectQuiet(1107)) {
            for (int i = 0; i < 50; i++) {
                post("send-to-user", "{\"user_id\":1107,\"type\":\"seq\",\"data\":{\"i\":" + i + "}}");
            }
            for (int i = 0; i < 50; i++) {
                assertThat(c.awaitType("seq").at("/data/i").asInt()).isEqualTo(i);
            }
        }
    }

    @Test
    void sendToUsers_answersSentToWithTheOnlineOnes() {
        try (WsClient a = server.connectQuiet(1108); WsClient b = server.connectQuiet(1109)) {
            TestServer.Response r = post("send-to-users", "{\"user_ids\":[1109,1108,1110,1108],\"type\":\"memo\",\"data\":{\"k\":1}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(longs(r.data().get("sent_to"))).containsExactly(1108L, 1109L);
            assertThat(a.awaitType("memo").at("/data/k").asInt()).isEqualTo(1);
            assertThat(b.awaitType("memo").at("/data/k").asInt()).isEqualTo(1);
            a.expectNoFrame(Duration.ofMillis(150));
        }
    }

    @Test
    void broadcast_reachesEveryoneExceptTheExcludedUser() {
        try (WsClient a = server.connectQuiet(1111); WsClient b1 = server.connectQuiet(1112); WsClient b2 = server.connectQuiet(1112);
             WsClient c = server.connectQuiet(1113)) {
            TestServer.Response r = post("broadcast", "{\"type\":\"announce\",\"data\":{\"v\":2},\"exclude_user_id\":1112}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("count").asLong()).isEqualTo(2);
            assertThat(a.awaitType("announce").at("/data/v").asInt()).isEqualTo(2);
            assertThat(c.awaitType("announce").at("/data/v").asInt()).isEqualTo(2);
            b1.expectNoFrame(Duration.ofMillis(150));
            b2.expectNoFrame(Duration.ofMillis(10));
            TestServer.Response all = post("broadcast", "{\"type\":\"announce\",\"data\":{\"v\":3}}");
            assertThat(all.data().get("count").asLong()).isEqualTo(3);
            assertThat(b2.awaitType("announce").at("/data/v").asInt()).isEqualTo(3);
            assertThat(post("broadcast", "{\"type\":\"announce\",\"exclude_user_id\":9999}").data().get("count").asLong())
                    .as("excluding someone offline excludes nobody").isEqualTo(3);
        }
    }

    @Test
    void sendToChannel_reachesSubscribersWithAnOffset() {
        try (WsClient sub = server.connectQuiet(1114); WsClient notSub = server.connectQuiet(1115)) {
            sub.request("subscribe", Map.of("channel", "orders"));
            TestServer.Response first = post("send-to-channel", "{\"channel\":\"orders\",\"type\":\"order_created\",\"data\":{\"id\":1}}");
            TestServer.Response second = post("send-to-channel", "{\"channel\":\"orders\",\"type\":\"order_created\",\"data\":{\"id\":2}}");
            assertThat(first.data().get("channel").asText()).isEqualTo("orders");
            long offset = first.data().get("offset").asLong();
            assertThat(second.data().get("offset").asLong()).isEqualTo(offset + 1);
            JsonNode f = sub.awaitType("order_created");
            assertThat(f.get("channel").asText()).isEqualTo("orders");
            assertThat(f.get("offset").asLong()).isEqualTo(offset);
            assertThat(f.at("/data/id").asInt()).isEqualTo(1);
            assertThat(sub.awaitType("order_created").get("offset").asLong()).isEqualTo(offset + 1);
            notSub.expectNoFrame(Duration.ofMillis(150));
        }
    }

    @Test
    void sendNotification_reachesEveryoneOnline() {
        try (WsClient a = server.connectQuiet(1116); WsClient b = server.connectQuiet(1117)) {
            TestServer.Response r = post("send-notification",
                    "{\"title\":\"Maintenance\",\"message\":\"at noon\",\"type\":\"warning\",\"extra_data\":{\"url\":\"/status\"}}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.data().get("count").asLong()).isEqualTo(2);
            for (WsClient c : List.of(a, b)) {
                JsonNode n = c.awaitType("notification");
                assertThat(n.at("/data/title").asText()).isEqualTo("Maintenance");
                assertThat(n.at("/data/message").asText()).isEqualTo("at noon");
                assertThat(n.at("/data/type").asText()).isEqualTo("warning");
                assertThat(n.at("/data/extra_data/url").asText()).isEqualTo("/status");
                assertThat(n.at("/data/timestamp").asLong()).isPositive();
            }
            assertThat(post("send-notification", "{\"title\":\"t\",\"message\":\"m\"}").status()).as("type defaults to info").isEqualTo(200);
            assertThat(a.awaitType("notification").at("/data/type").asText()).isEqualTo("info");
        }
    }

    @Test
    void sendNotificationToUsers_answersSentTo() {
        try (WsClient a = server.connectQuiet(1118); WsClient other = server.connectQuiet(1119)) {
            TestServer.Response r = post("send-notification-to-users",
                    "{\"user_ids\":[1118,1120],\"title\":\"Hi\",\"message\":\"there\",\"type\":\"success\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(longs(r.data().get("sent_to"))).containsExactly(1118L);
            JsonNode n = a.awaitType("notification");
            assertThat(n.at("/data/title").asText()).isEqualTo("Hi");
            assertThat(n.at("/data/type").asText()).isEqualTo("success");
            other.expectNoFrame(Duration.ofMillis(150));
        }
    }

    @Test
    void pushDataUpdate_sendsDataUpdateToUsers() {
        try (WsClient a = server.connectQuiet(1121); WsClient b = server.connectQuiet(1122)) {
            TestServer.Response r = post("push-data-update",
                    "{\"user_ids\":[1121,1122,1123],\"resource_type\":\"order\",\"action\":\"updated\",\"data\":{\"id\":5,\"status\":\"paid\"}}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(longs(r.data().get("sent_to"))).containsExactly(1121L, 1122L);
            for (WsClient c : List.of(a, b)) {
                JsonNode u = c.awaitType("data_update");
                assertThat(u.at("/data/resource_type").asText()).isEqualTo("order");
                assertThat(u.at("/data/action").asText()).isEqualTo("updated");
                assertThat(u.at("/data/data/status").asText()).isEqualTo("paid");
                assertThat(u.at("/data").has("channel")).isFalse();
            }
        }
    }

    @Test
    void pushDataUpdateChannel_publishesADataUpdateWithOffset() {
        try (WsClient sub = server.connectQuiet(1124)) {
            sub.request("subscribe", Map.of("channel", "inventory"));
            TestServer.Response r = post("push-data-update-channel",
                    "{\"channel\":\"inventory\",\"resource_type\":\"sku\",\"action\":\"deleted\",\"data\":{\"sku\":\"A-1\"}}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode u = sub.awaitType("data_update");
            assertThat(u.get("channel").asText()).isEqualTo("inventory");
            assertThat(u.get("offset").asLong()).isEqualTo(r.data().get("offset").asLong());
            assertThat(u.at("/data/resource_type").asText()).isEqualTo("sku");
            assertThat(u.at("/data/action").asText()).isEqualTo("deleted");
            assertThat(u.at("/data/channel").asText()).isEqualTo("inventory");
            assertThat(u.at("/data/data/sku").asText()).isEqualTo("A-1");
        }
    }

    @Test
    void disconnectUser_closesEveryConnectionWith4001() {
        try (WsClient a1 = server.connectQuiet(1125); WsClient a2 = server.connectQuiet(1125); WsClient b = server.connectQuiet(1126)) {
            TestServer.Response r = post("disconnect-user", "{\"user_id\":1125}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("was_online").asBoolean()).isTrue();
            for (WsClient c : List.of(a1, a2)) {
                WsClient.Close close = c.awaitClose(Duration.ofSeconds(5));
                assertThat(close.code()).isEqualTo(4001);
                assertThat(close.reason()).isNotBlank();
            }
            Await.until("kicked user offline", () -> !server.isOnline(1125));
            assertThat(b.answersPing()).isTrue();
            assertThat(post("disconnect-user", "{\"user_id\":1125}").data().get("was_online").asBoolean()).isFalse();
        }
        assertThat(server.metric("herald_disconnects_total{reason=\"disconnected_by_server\"}")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void adminToken_mayUseTheServerApi() {
        try (WsClient a = server.connectQuiet(1127)) {
            TestServer.Response r = server.call("POST", "/admin/websocket/send-to-user", server.adminToken(1),
                    "{\"user_id\":1127,\"type\":\"hi\",\"data\":{}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(a.awaitType("hi")).isNotNull();
        }
    }

    @Test
    void reservedOrMalformedPushTypes_are422() {
        for (String type : new String[] {"init", "ack", "error", "pong", "bind_success", "unread_count"}) {
            TestServer.Response r = post("send-to-user", "{\"user_id\":1,\"type\":\"" + type + "\",\"data\":{}}");
            assertThat(r.status()).as(type).isEqualTo(422);
            assertThat(r.data().at("/errors/type").asText()).contains("reserved");
        }
        for (String type : new String[] {"has space", "x".repeat(65), "semi;colon", ""}) {
            assertThat(post("send-to-user", "{\"user_id\":1,\"type\":\"" + type + "\"}").status()).as(type).isEqualTo(422);
        }
        assertThat(post("send-to-user", "{\"user_id\":1,\"type\":5}").data().at("/errors/type").asText()).contains("string");
        assertThat(post("send-notification", "{\"title\":\"t\",\"message\":\"m\",\"type\":\"fatal\"}").data().at("/errors/type").asText())
                .contains("info");
    }

    @Test
    void missingRequiredFields_are422NamingEachField() {
        Map<String, List<String>> required = Map.of(
                "check-online", List.of("user_id"),
                "send-to-user", List.of("user_id"),
                "send-to-users", List.of("user_ids"),
                "send-to-channel", List.of("channel"),
                "send-notification", List.of("title", "message"),
                "send-notification-to-users", List.of("user_ids", "title", "message"),
                "push-data-update", List.of("user_ids", "resource_type", "action"),
                "push-data-update-channel", List.of("channel", "resource_type", "action"),
                "disconnect-user", List.of("user_id"),
                "bind", List.of("client_id", "user_id"));
        required.forEach((endpoint, fields) -> {
            TestServer.Response r = post(endpoint, "{}");
            assertThat(r.status()).as(endpoint).isEqualTo(422);
            assertThat(r.json().get("message").asText()).isEqualTo("validation failed");
            for (String field : fields) {
                assertThat(r.data().get("errors").has(field)).as(endpoint + " names " + field).isTrue();
            }
        });
        TestServer.Response empty = server.api("POST", "/admin/websocket/send-to-users", "{\"user_ids\":[],\"type\":\"x\"}");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.data().at("/errors/user_ids").asText()).contains("empty");
    }
}
