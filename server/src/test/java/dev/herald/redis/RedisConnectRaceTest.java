package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TcpForwarder;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Node b reaches Redis over a link that delays every byte by 150 ms, so its SUBSCRIBE for a user or
 * channel is confirmed about 300 ms after it is sent. A client that got {@code init} (or the
 * subscribe {@code ack}) from b must already be reachable: a push sent through node a right after it
 * arrives. Before b waited for the confirmation, the user pushes went to Redis while b was not yet
 * subscribed and were lost. (The channel case held even then here, because the ack also waits for
 * the channel's position, read over the same slow link; it now waits for the SUBSCRIBE as well.)
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisConnectRaceTest {
    private static RedisTestNodes cluster;
    private static TcpForwarder slow;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void start() {
        cluster = RedisTestNodes.start(1, Map.of());
        a = cluster.node(0);
        URI redis = URI.create(cluster.url);
        slow = new TcpForwarder(redis.getPort() < 0 ? 6379 : redis.getPort(), 150);
        b = cluster.startNode(1, Map.of("redis.url", "redis://127.0.0.1:" + slow.port(), "redis.timeout", "3s"));
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (slow != null) {
            slow.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void pushRightAfterInit_onANodeNewToTheUser_arrives() {
        for (long user = 801; user <= 805; user++) {
            try (WsClient ws = b.connect(user)) {
                TestServer.Response r = a.api("POST", "/admin/websocket/send-to-user",
                        json("user_id", user, "type", "hello", "data", Map.of("n", user)));
                assertOk(r);
                assertThat(ws.awaitType("hello").at("/data/n").asLong()).isEqualTo(user);
            }
        }
    }

    @Test
    void framesSentBeforeInit_areAnsweredAfterIt() {
        // b waits ~300 ms for Redis before init and reads nothing meanwhile; what the client sent
        // early is read once init is out, and answered after it
        try (WsClient ws = WsClient.open(b.wsUrl(b.token(821)))) {
            String id = ws.send("ping", Map.of());
            JsonNode first = ws.next();
            assertThat(first.path("type").asText()).as(first.toString()).isEqualTo("init");
            JsonNode pong = ws.awaitReply(id);
            assertThat(pong.path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void publicationRightAfterTheSubscribeAck_onANodeNewToTheChannel_arrives() {
        String channel = "race-" + cluster.run;
        try (WsClient ws = b.connect(811)) {
            JsonNode ack = ws.request("subscribe", Map.of("channel", channel));
            assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
            assertOk(a.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "tick", "data", Map.of("n", 1))));
            JsonNode tick = ws.awaitType("tick");
            assertThat(tick.path("offset").asLong()).isEqualTo(ack.at("/data/offset").asLong() + 1);
        }
    }
}
