package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.client.testing.HeraldProcess;
import dev.herald.client.testing.TestSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server API ({@code /admin/websocket/*}) and the operations endpoints against a real Herald,
 * with real WebSocket connections receiving what the client pushes. Each test uses its own user ids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerApiTest {
    static HeraldProcess herald;
    static HeraldClient client;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start(Map.of("HERALD_AUTH_ALLOW_BIND", "true"));
        client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Order(1)
    void presenceFollowsConnectionsAndDisconnectUserClosesThem() throws Exception {
        assertThat(client.onlineCount()).isZero();
        assertThat(client.onlineUsers()).isEqualTo(new OnlineUsers(List.of(), 0));
        try (TestSocket ws = TestSocket.connect(herald, herald.userToken(7))) {
            assertThat(ws.next("init").path("data").path("user_id").asLong()).isEqualTo(7);
            await(() -> client.onlineCount() == 1);
            assertThat(client.onlineUsers()).isEqualTo(new OnlineUsers(List.of(7L), 1));
            assertThat(client.checkOnline(7)).isEqualTo(new UserPresence(7, true));
            assertThat(client.checkOnline(8)).isEqualTo(new UserPresence(8, false));

            assertThat(client.disconnectUser(7)).isTrue();
            assertThat(ws.awaitClose(Duration.ofSeconds(5))).isEqualTo(4001);
        }
        await(() -> client.onlineCount() == 0);
        assertThat(client.disconnectUser(7)).isFalse();
    }

    @Test
    void pushesToUsersArriveAndRepliesSayWhoWasOnline() throws Exception {
        try (TestSocket ws = TestSocket.connect(herald, herald.userToken(11))) {
            ws.next("init");
            await(() -> client.checkOnline(11).online());

            assertThat(client.sendToUser(11, "order.shipped", Map.of("order", 42))).isEqualTo(new UserPresence(11, true));
            assertThat(ws.next("order.shipped").path("data").path("order").asInt()).isEqualTo(42);
            assertThat(client.sendToUser(12, null, null)).isEqualTo(new UserPresence(12, false));

            assertThat(client.sendToUsers(List.of(12L, 11L, 11L), null, Map.of("n", 1))).containsExactly(11L);
            assertThat(ws.next("notification").path("data").path("n").asInt()).isEqualTo(1);

            assertThat(client.sendNotificationToUsers(List.of(11L, 13L), "Hi", "there", "success")).containsExactly(11L);
            JsonNode notice = ws.next("notification").path("data");
            assertThat(notice.path("title").asText()).isEqualTo("Hi");
            assertThat(notice.path("message").asText()).isEqualTo("there");
            assertThat(notice.path("type").asText()).isEqualTo("success");

            assertThat(client.pushDataUpdate(List.of(11L), "order", "updated", Map.of("id", 5))).containsExactly(11L);
            JsonNode update = ws.next("data_update").path("data");
            assertThat(update.path("resource_type").asText()).isEqualTo("order");
            assertThat(update.path("action").asText()).isEqualTo("updated");
            assertThat(update.path("data").path("id").asInt()).isEqualTo(5);
        }
    }

    @Test
    void broadcastsReachEveryoneOnlineButTheExcluded() throws Exception {
        try (TestSocket a = TestSocket.connect(herald, herald.userToken(21));
             TestSocket b = TestSocket.connect(herald, herald.userToken(22))) {
            a.next("init");
            b.next("init");
            await(() -> client.checkOnline(21).online() && client.checkOnline(22).online());
            long online = client.onlineCount();

            assertThat(client.broadcast("news", Map.of("v", 1))).isEqualTo(online);
            assertThat(a.next("news").path("data").path("v").asInt()).isEqualTo(1);
            assertThat(b.next("news").path("data").path("v").asInt()).isEqualTo(1);

            assertThat(client.broadcast("news", Map.of("v", 2), 21)).isEqualTo(online - 1);
            assertThat(b.next("news").path("data").path("v").asInt()).isEqualTo(2);

            assertThat(client.sendNotification("Maintenance", "at noon", null, Map.of("window", "1h"))).isEqualTo(online);
            JsonNode n = a.next(f -> "notification".equals(f.path("type").asText())
                    && "Maintenance".equals(f.path("data").path("title").asText()), Duration.ofSeconds(5));
            assertThat(n.path("data").path("type").asText()).isEqualTo("info");
            assertThat(n.path("data").path("extra_data").path("window").asText()).isEqualTo("1h");
        }
    }

    @Test
    void channelPublicationsGetIncreasingOffsetsAndReachSubscribers() throws Exception {
        try (TestSocket ws = TestSocket.connect(herald, herald.userToken(31))) {
            ws.next("init");
            ws.send("{\"type\":\"subscribe\",\"data\":{\"channel\":\"orders\"},\"id\":\"s1\"}");
            ws.next(f -> "s1".equals(f.path("id").asText()), Duration.ofSeconds(5));

            ChannelPublication first = client.sendToChannel("orders", null, Map.of("id", 1));
            assertThat(first.channel()).isEqualTo("orders");
            JsonNode p1 = ws.next("message");
            assertThat(p1.path("channel").asText()).isEqualTo("orders");
            assertThat(p1.path("offset").asLong()).isEqualTo(first.offset());
            assertThat(p1.path("data").path("id").asInt()).isEqualTo(1);

            ChannelPublication second = client.pushDataUpdateChannel("orders", "order", "created", Map.of("id", 2));
            assertThat(second.channel()).isEqualTo("orders");
            assertThat(second.offset()).isGreaterThan(first.offset());
            JsonNode p2 = ws.next("data_update");
            assertThat(p2.path("offset").asLong()).isEqualTo(second.offset());
            assertThat(p2.path("data").path("resource_type").asText()).isEqualTo("order");
            assertThat(p2.path("data").path("channel").asText()).isEqualTo("orders");
        }
    }

    @Test
    void bindAttachesATokenlessConnectionOnce() throws Exception {
        try (TestSocket ws = TestSocket.connect(herald, null)) {
            JsonNode init = ws.next("init").path("data");
            assertThat(init.has("user_id")).isFalse();
            String clientId = init.path("client_id").asText();

            client.bind(clientId, 41);
            assertThat(ws.next("bind_success").path("data").path("user_id").asLong()).isEqualTo(41);
            await(() -> client.checkOnline(41).online());

            HeraldException again = catchThrowableOfType(HeraldException.class, () -> client.bind(clientId, 41));
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.getMessage()).contains(clientId);
        }
    }

    @Test
    void aRefusedPushIs422NamingTheField() {
        HeraldException e = catchThrowableOfType(HeraldException.class, () -> client.sendToUser(1, "init", null));
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.fieldErrors()).containsOnlyKeys("type");
        assertThat(e.fieldErrors().get("type")).contains("reserved");

        HeraldException ids = catchThrowableOfType(HeraldException.class,
                () -> client.sendToUsers(List.of(9_007_199_254_740_992L), null, null));
        assertThat(ids.status()).isEqualTo(422);
        assertThat(ids.fieldErrors()).containsKey("user_ids");
    }

    @Test
    void healthReadinessAndMetrics() {
        Health h = client.health();
        assertThat(h.status()).isEqualTo("up");
        assertThat(h.nodeId()).isNotBlank();
        assertThat(h.checks()).containsEntry("database", "up").containsEntry("broker", "up");
        assertThat(h.demo()).isFalse();
        assertThat(h.warning()).isNull();

        assertThat(client.ready()).isEqualTo(new Readiness(true, List.of()));

        assertThat(client.metrics()).contains("# TYPE").contains("herald_");
    }
}
