package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bind flow of seed 001 ({@code auth.allow-bind}): connect without a token, the backend binds. */
class BindFlowTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("auth.allow-bind", "true", "gateway.rate-limit", "1000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String wsUrl() {
        return "ws://127.0.0.1:" + server.port() + "/ws";
    }

    private static TestServer.Response bind(String clientId, long userId) {
        return server.api("POST", "/admin/websocket/bind", "{\"client_id\":\"" + clientId + "\",\"user_id\":" + userId + "}");
    }

    @Test
    void unboundConnection_mayOnlyPingUntilBound_thenGetsPushes() {
        try (WsClient c = WsClient.open(wsUrl())) {
            JsonNode init = c.awaitType("init");
            String clientId = init.at("/data/client_id").asText();
            assertThat(clientId).isNotBlank();
            assertThat(init.at("/data").has("user_id")).isFalse();

            assertThat(c.answersPing()).isTrue();
            assertThat(c.request("heartbeat", Map.of("timestamp", 5)).get("type").asText()).isEqualTo("heartbeat");
            assertThat(c.requestError("subscribe", Map.of("channel", "news"))).isEqualTo("unauthenticated");
            assertThat(c.requestError("chat", Map.of("to_user_id", 2, "content", "x"))).isEqualTo("unauthenticated");
            assertThat(c.requestError("presence", Map.of("user_ids", List.of(1)))).isEqualTo("unauthenticated");
            assertThat(c.requestError("refresh", Map.of("token", server.token(1)))).isEqualTo("unauthenticated");

            assertThat(server.isOnline(801)).isFalse();
            server.api("POST", "/admin/websocket/broadcast", "{\"type\":\"news\",\"data\":{}}");

            TestServer.Response r = bind(clientId, 801);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.data().get("bound").asBoolean()).isTrue();
            assertThat(r.data().get("user_id").asLong()).isEqualTo(801);
            JsonNode bound = c.awaitType("bind_success");
            assertThat(bound.at("/data/user_id").asLong()).isEqualTo(801);
            c.awaitType("unread_count"); // the inbox greets the now-bound user
            c.expectNoFrame(Duration.ofMillis(100)); // and the broadcast sent before binding never came

            Await.until("online once bound", () -> server.isOnline(801));
            server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":801,\"type\":\"hello\",\"data\":{\"x\":1}}");
            assertThat(c.awaitType("hello").at("/data/x").asInt()).isEqualTo(1);
            assertThat(c.request("subscribe", Map.of("channel", "news")).get("type").asText()).isEqualTo("ack");

            assertThat(bind(clientId, 802).status()).as("already bound").isEqualTo(404);
        }
        Await.until("offline after close", () -> !server.isOnline(801));
    }

    @Test
    void bindingAnUnknownClient_is404AndBadBodiesAre422() {
        String node = server.herald().settings().nodeId();
        assertThat(bind(node + "-ffffff", 803).status()).isEqualTo(404);
        assertThat(bind("nodash", 803).status()).isEqualTo(404);
        TestServer.Response otherNode = bind("no-such-node-1a", 803);
        assertThat(otherNode.status()).as("a single node has no other node to pass the bind to").isEqualTo(404);
        TestServer.Response missing = server.api("POST", "/admin/websocket/bind", "{}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.data().get("errors").has("client_id")).isTrue();
        assertThat(missing.data().get("errors").has("user_id")).isTrue();
        assertThat(server.api("POST", "/admin/websocket/bind", "{\"client_id\":\"x-1\",\"user_id\":-4}").status()).isEqualTo(422);
    }

    @Test
    void bindNeedsTheApiKeyOrAnAdmin() {
        try (WsClient c = WsClient.open(wsUrl())) {
            String clientId = c.awaitType("init").at("/data/client_id").asText();
            String body = "{\"client_id\":\"" + clientId + "\",\"user_id\":804}";
            assertThat(server.call("POST", "/admin/websocket/bind", null, body).status()).isEqualTo(401);
            assertThat(server.call("POST", "/admin/websocket/bind", server.token(804), body).status()).isEqualTo(403);
            assertThat(server.call("POST", "/admin/websocket/bind", server.adminToken(9), body).status()).isEqualTo(200);
            assertThat(c.awaitType("bind_success").at("/data/user_id").asLong()).isEqualTo(804);
        }
    }

    @Test
    void unboundConnection_isClosedAfterTheGrace() {
        try (TestServer strict = TestServer.start(Map.of("auth.allow-bind", "true", "auth.bind-grace", "1s"));
             RawSocket s = RawSocket.connectWs(strict.port(), "/ws");
             WsClient bound = WsClient.open("ws://127.0.0.1:" + strict.port() + "/ws")) {
            assertThat(s.readJson(Duration.ofSeconds(5)).get("type").asText()).isEqualTo("init");
            String clientId = bound.awaitType("init").at("/data/client_id").asText();
            assertThat(strict.api("POST", "/admin/websocket/bind", "{\"client_id\":\"" + clientId + "\",\"user_id\":806}").status())
                    .isEqualTo(200);
            bound.awaitType("bind_success");
            s.sendText("{\"type\":\"ping\"}");
            RawSocket.Frame close = s.awaitClose(Duration.ofSeconds(6));
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("bind timeout");
            assertThat(bound.isClosed()).as("a bound connection outlives the grace").isFalse();
            assertThat(bound.answersPing()).isTrue();
            strict.assertServesFreshConnection();
        }
    }

    @Test
    void tokensStillWork_andABadTokenIsNotTreatedAsUnbound() {
        try (WsClient c = server.connectQuiet(805)) {
            assertThat(c.request("subscribe", Map.of("channel", "news")).get("type").asText()).isEqualTo("ack");
        }
        try (RawSocket s = RawSocket.open(server.port())) {
            assertThat(s.upgrade("/ws?token=garbage", Map.of()).status()).isEqualTo(401);
        }
    }
}
