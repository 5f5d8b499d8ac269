package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code init}, {@code ping}, {@code heartbeat}, {@code presence} and {@code refresh} against a real node. */
class SessionHandlersTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "100000", "gateway.heartbeat-interval", "20s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void init_isTheFirstFrameAndNamesTheUser() {
        try (WsClient c = WsClient.open(server.wsUrl(server.token(101)))) {
            JsonNode init = c.next();
            assertThat(init.get("type").asText()).isEqualTo("init");
            JsonNode d = init.get("data");
            assertThat(d.get("client_id").asText()).as("128 random bits, URL-safe base64").matches("[A-Za-z0-9_-]{22}")
                    .doesNotContain(server.herald().settings().nodeId());
            assertThat(d.get("user_id").asLong()).isEqualTo(101);
            assertThat(d.get("heartbeat_interval").asLong()).isEqualTo(20_000);
            assertThat(d.get("server_time").asLong()).isCloseTo(System.currentTimeMillis(), Offset.offset(60_000L));
        }
    }

    @Test
    void twoConnections_getDistinctClientIds() {
        try (WsClient a = WsClient.open(server.wsUrl(server.token(102)));
             WsClient b = WsClient.open(server.wsUrl(server.token(102)))) {
            assertThat(a.awaitType("init").at("/data/client_id").asText())
                    .isNotEqualTo(b.awaitType("init").at("/data/client_id").asText());
        }
    }

    @Test
    void ping_getsPongWithServerTimeAndTheSameId() {
        try (WsClient c = server.connectQuiet(103)) {
            long before = System.currentTimeMillis();
            JsonNode pong = c.request("ping", Map.of());
            assertThat(pong.get("type").asText()).isEqualTo("pong");
            assertThat(pong.get("id").asText()).isEqualTo("c1");
            assertThat(pong.at("/data/timestamp").asLong()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        }
    }

    @Test
    void pingWithoutId_getsPongWithoutId() {
        try (WsClient c = server.connectQuiet(104)) {
            c.sendRaw("{\"type\":\"ping\"}");
            JsonNode pong = c.awaitType("pong");
            assertThat(pong.has("id")).isFalse();
            c.sendRaw("{\"type\":\"ping\",\"id\":42}");
            assertThat(c.awaitType("pong").get("id").asText()).isEqualTo("42");
        }
    }

    @Test
    void heartbeat_echoesTheClientTimestamp() {
        try (WsClient c = server.connectQuiet(105)) {
            JsonNode hb = c.request("heartbeat", Map.of("timestamp", 1234567));
            assertThat(hb.get("type").asText()).isEqualTo("heartbeat");
            assertThat(hb.at("/data/timestamp").asLong()).isEqualTo(1234567);
            assertThat(hb.at("/data/server_time").asLong()).isPositive();
            JsonNode bare = c.request("heartbeat", Map.of());
            assertThat(bare.at("/data/timestamp").asLong()).isPositive();
            assertThat(server.isOnline(105)).isTrue();
        }
    }

    @Test
    void presence_saysWhichUsersAreOnline() {
        try (WsClient asker = server.connectQuiet(106); WsClient other = server.connectQuiet(107)) {
            JsonNode reply = asker.request("presence", Map.of("user_ids", List.of(107, 106, 108, 107)));
            assertThat(reply.get("type").asText()).isEqualTo("presence");
            assertThat(reply.at("/data/online")).extracting(JsonNode::asLong).containsExactly(106L, 107L);
            assertThat(reply.at("/data/user_ids")).extracting(JsonNode::asLong).containsExactly(107L, 106L, 108L);
        }
    }

    @Test
    void presenceWithBadIds_isAnErrorAndTheConnectionStays() {
        try (WsClient c = server.connectQuiet(109)) {
            assertThat(c.requestError("presence", Map.of())).isEqualTo("missing_field");
            assertThat(c.requestError("presence", Map.of("user_ids", "1,2"))).isEqualTo("invalid_field");
            assertThat(c.requestError("presence", Map.of("user_ids", List.of(1, -2)))).isEqualTo("invalid_field");
            assertThat(c.requestError("presence", Map.of("user_ids", List.of("1")))).isEqualTo("invalid_field");
            assertThat(c.requestError("presence", Map.of("user_ids", Collections.nCopies(1001, 1))))
                    .isEqualTo("invalid_field");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void refreshWithAFreshToken_isAcknowledged() {
        try (WsClient c = server.connectQuiet(server.token(110, false, List.of(), Duration.ofMinutes(5)))) {
            JsonNode ack = c.request("refresh", Map.of("token", server.token(110, false, List.of(), Duration.ofHours(2))));
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.at("/data/type").asText()).isEqualTo("refresh");
            assertThat(Instant.parse(ack.at("/data/expires_at").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(90)));
        }
    }

    @Test
    void refreshToATokenWithoutAPrivateChannel_dropsThatSubscription() {
        String kept = "private-kept-" + System.nanoTime();
        String dropped = "private-dropped-" + System.nanoTime();
        try (WsClient c = server.connectQuiet(server.token(112, false, List.of(kept, dropped), Duration.ofHours(1)))) {
            c.request("subscribe", Map.of("channel", kept));
            c.request("subscribe", Map.of("channel", "public-" + kept));
            c.request("subscribe", Map.of("channel", dropped));
            String id = c.send("refresh", Map.of("token", server.token(112, false, List.of(kept), Duration.ofHours(1))));
            JsonNode gone = c.next();
            assertThat(gone.get("type").asText()).as("%s", gone).isEqualTo("unsubscribed");
            assertThat(gone.at("/data/channel").asText()).isEqualTo(dropped);
            assertThat(gone.at("/data/code").asText()).isEqualTo("forbidden");
            JsonNode ack = c.next();
            assertThat(ack.get("id").asText()).as("then the refresh ack, and nothing else").isEqualTo(id);

            for (String ch : List.of(dropped, kept, "public-" + kept)) {
                server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"" + ch + "\",\"type\":\"m\",\"data\":{}}");
            }
            assertThat(c.awaitType("m").get("channel").asText()).isEqualTo(kept);
            assertThat(c.awaitType("m").get("channel").asText()).isEqualTo("public-" + kept);
            c.expectNoFrame(Duration.ofMillis(300));
            assertThat(c.request("unsubscribe", Map.of("channel", dropped)).at("/data/subscribed").asBoolean())
                    .as("no longer subscribed").isFalse();
            assertThat(c.requestError("subscribe", Map.of("channel", dropped))).isEqualTo("forbidden");
        }
    }

    @Test
    void refreshWithAPrivateChannelsClaim_grantsThem() {
        try (WsClient c = server.connectQuiet(111)) {
            assertThat(c.requestError("subscribe", Map.of("channel", "private-room"))).isEqualTo("forbidden");
            c.request("refresh", Map.of("token", server.token(111, false, List.of("private-room"), Duration.ofHours(1))));
            assertThat(c.request("subscribe", Map.of("channel", "private-room")).get("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void refreshWithABadToken_isRefusedAndTheOldOneStays() {
        try (WsClient c = server.connectQuiet(112)) {
            assertThat(c.requestError("refresh", Map.of("token", "not.a.jwt"))).isEqualTo("token_invalid");
            String expired = server.token(112, false, List.of(), Duration.ofMinutes(-10));
            JsonNode reply = c.request("refresh", Map.of("token", expired));
            assertThat(reply.at("/data/code").asText()).isEqualTo("token_invalid");
            assertThat(reply.at("/data/message").asText()).contains("expired");
            assertThat(c.requestError("refresh", Map.of())).isEqualTo("missing_field");
            assertThat(c.requestError("refresh", Map.of("token", 5))).isEqualTo("invalid_field");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void refreshWithAnotherUsersToken_isForbidden() {
        try (WsClient c = server.connectQuiet(113)) {
            assertThat(c.requestError("refresh", Map.of("token", server.token(114)))).isEqualTo("forbidden");
            var r = server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":113,\"type\":\"probe\",\"data\":{\"n\":1}}");
            assertThat(r.data().get("is_online").asBoolean()).isTrue();
            assertThat(c.awaitType("probe").at("/data/n").asInt()).as("still user 113's connection").isEqualTo(1);
        }
    }
}
