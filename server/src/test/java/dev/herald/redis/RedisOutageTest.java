package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis stops (shutdown nosave: it forgets everything) and comes back while three nodes serve
 * clients. While it is down every node reports degraded health, keeps serving its own connections
 * (a push published on a node still reaches that node's clients) and answers 503 for what cannot
 * reach the others. When it is back, nodes resubscribe, rewrite presence and restore channel
 * offsets; every push that was accepted (200) reaches its recipients, in order.
 *
 * <p>{@code redis.timeout} is longer than a client's wait for a frame, so nothing here passes by a
 * command or a SUBSCRIBE giving up in time: an {@code init} that waited for a SUBSCRIBE could not
 * arrive. (Redis runs on a port the kernel never hands out by itself, see {@link RedisProcess}, so
 * it can always come back on it.)
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisOutageTest {
    private final Map<Long, List<String>> accepted = new LinkedHashMap<>();

    private void push(TestServer via, long userId, String marker) {
        TestServer.Response r = via.api("POST", "/admin/websocket/send-to-user",
                json("user_id", userId, "type", "mark", "data", Map.of("m", marker)));
        assertOk(r);
        accepted.computeIfAbsent(userId, k -> new ArrayList<>()).add(marker);
    }

    private static String status(TestServer node) {
        return node.api("GET", "/health", null).data().get("status").asText();
    }

    @Test
    void redisStopsAndRestarts_localServiceContinues_nothingAcceptedIsLost() {
        try (RedisProcess redis = RedisProcess.start();
             RedisTestNodes cluster = RedisTestNodes.start(redis.url(), 3,
                     Map.of("redis.presence-ttl", "3s", "redis.timeout", "20s", "auth.allow-bind", "true"))) {
            TestServer a = cluster.node(0);
            TestServer b = cluster.node(1);
            TestServer c = cluster.node(2);
            String channel = "prices-" + cluster.run;
            Map<Long, WsClient> users = new LinkedHashMap<>();
            users.put(401L, a.connect(401));
            users.put(402L, b.connect(402));
            users.put(403L, c.connect(403));
            WsClient subB = b.connect(404);
            WsClient subC = c.connect(405);
            String epoch = subB.request("subscribe", Map.of("channel", channel)).at("/data/epoch").asText();
            subC.request("subscribe", Map.of("channel", channel));
            for (long id = 401; id <= 403; id++) {
                cluster.awaitSubscribers("u." + id, 1);
            }
            cluster.awaitSubscribers("c." + channel, 2);
            WsClient waitingBefore = WsClient.open("ws://127.0.0.1:" + c.port() + "/ws");
            String waitingBeforeId = waitingBefore.awaitType("init").at("/data/client_id").asText();

            // before: everything crosses nodes
            push(a, 402, "before-1");
            push(b, 403, "before-2");
            push(c, 401, "before-3");
            assertOk(a.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "price", "data", Map.of("p", 1))));
            assertThat(subB.awaitType("price").path("offset").asLong()).isEqualTo(1);
            assertThat(subC.awaitType("price").path("offset").asLong()).isEqualTo(1);

            redis.shutdownNosave();
            RedisTestNodes.await("every node degraded", () -> cluster.nodes().stream().allMatch(n -> status(n).equals("degraded")));
            // degraded says one link is down; what follows relies on each node knowing both are (a
            // node that still took its pub/sub link for up would hold a new connection's init for
            // a SUBSCRIBE that cannot be confirmed)
            RedisTestNodes.await("every node knows both its links are down", () -> cluster.nodes().stream()
                    .map(n -> n.herald().redis().orElseThrow())
                    .allMatch(link -> !link.commandsUp() && !link.pubsubUp()));
            for (TestServer n : cluster.nodes()) {
                assertThat(n.api("GET", "/metrics", null).body()).contains("herald_broker_up 0.0");
            }

            // during: a push published on a still reaches a's own client, but the API says other
            // nodes were not reached; pushes for other nodes' clients and channel publications fail
            TestServer.Response local = a.api("POST", "/admin/websocket/send-to-user",
                    json("user_id", 401, "type", "local", "data", Map.of("m", "during")));
            assertThat(local.status()).as(local.body()).isEqualTo(503);
            assertThat(users.get(401L).awaitType("local").at("/data/m").asText()).isEqualTo("during");
            assertThat(a.api("POST", "/admin/websocket/send-to-user", json("user_id", 402, "type", "mark", "data", Map.of("m", "x")))
                    .status()).isEqualTo(503);
            assertThat(b.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "data", Map.of())).status())
                    .isEqualTo(503);
            assertThat(a.api("GET", "/admin/websocket/online-count", null).status()).isEqualTo(503);
            assertThat(users.get(402L).request("ping", Map.of()).path("type").asText()).isEqualTo("pong");
            // a user new to the node connects while Redis is down: init comes at once (the node does not
            // wait for a SUBSCRIBE it cannot get confirmed, which would take redis.timeout, longer than
            // connect's wait for init) and the node serves it locally
            try (WsClient fresh = b.connect(407)) {
                assertThat(fresh.answersPing()).isTrue();
                assertThat(b.api("POST", "/admin/websocket/send-to-user", json("user_id", 407, "type", "local", "data", Map.of()))
                        .status()).isEqualTo(503);
                assertThat(fresh.awaitType("local").path("type").asText()).isEqualTo("local");
            }

            // the bind flow: a node binds its own unbound connections, not another node's
            WsClient waitingDuring = WsClient.open("ws://127.0.0.1:" + c.port() + "/ws");
            String waitingDuringId = waitingDuring.awaitType("init").at("/data/client_id").asText();
            assertThat(a.api("POST", "/admin/websocket/bind", json("client_id", waitingDuringId, "user_id", 408)).status())
                    .isEqualTo(503);
            assertOk(c.api("POST", "/admin/websocket/bind", json("client_id", waitingBeforeId, "user_id", 409)));
            assertThat(waitingBefore.awaitType("bind_success").at("/data/user_id").asLong()).isEqualTo(409);

            redis.startServer();
            // reconnect attempts back off up to 5 s apart, then each node restores what it had
            RedisTestNodes.await("every node up again", Duration.ofSeconds(30),
                    () -> cluster.nodes().stream().allMatch(n -> status(n).equals("up")));

            // the connection that opened while Redis was down can be bound from any node now, the
            // one bound meanwhile cannot be bound again
            RedisTestNodes.await("claim keys restored", () -> RedisTestNodes.command(redis.url(),
                    "EXISTS " + cluster.prefix + "bind:" + waitingDuringId).startsWith(":1"));
            assertOk(a.api("POST", "/admin/websocket/bind", json("client_id", waitingDuringId, "user_id", 408)));
            assertThat(waitingDuring.awaitType("bind_success").at("/data/user_id").asLong()).isEqualTo(408);
            assertThat(b.api("POST", "/admin/websocket/bind", json("client_id", waitingBeforeId, "user_id", 410)).status())
                    .isEqualTo(404);
            waitingBefore.close();
            waitingDuring.close();

            // after: resubscribed, presence rewritten, channel offsets continue under the subscribers
            push(b, 401, "after-1");
            push(c, 402, "after-2");
            push(a, 403, "after-3");
            var p = c.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "price", "data", Map.of("p", 2)));
            assertOk(p);
            assertThat(p.data().get("offset").asLong()).isEqualTo(2);
            assertThat(subB.awaitType("price").path("offset").asLong()).isEqualTo(2);
            assertThat(subC.awaitType("price").path("offset").asLong()).isEqualTo(2);
            try (WsClient resumed = a.connect(406)) {
                JsonNode ack = resumed.request("subscribe", Map.of("channel", channel, "since", 2, "epoch", epoch));
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isTrue();
            }
            RedisTestNodes.await("406 gone (its client closed)", () -> cluster.nodes().stream().allMatch(n ->
                    n.api("GET", "/admin/websocket/online-count", null).data().get("online_count").asLong() == 5));
            for (TestServer n : cluster.nodes()) {
                for (long id = 401; id <= 405; id++) {
                    assertThat(n.api("POST", "/admin/websocket/check-online", json("user_id", id)).data().get("is_online").asBoolean())
                            .as("user " + id + " on node " + n.herald().settings().nodeId()).isTrue();
                }
            }

            accepted.forEach((userId, markers) -> {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < markers.size(); i++) {
                    got.add(users.get(userId).awaitType("mark").at("/data/m").asText());
                }
                assertThat(got).as("pushes accepted for user " + userId).containsExactlyElementsOf(markers);
            });
            users.values().forEach(WsClient::close);
            subB.close();
            subC.close();
        }
    }
}
