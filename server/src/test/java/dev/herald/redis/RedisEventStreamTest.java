package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.SseClient;
import dev.herald.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event streams on two nodes of one Redis: pushes published on one node reach a stream on the
 * other, and a stream that reconnects to the other node (as behind a load balancer) resumes its
 * channel from {@code Last-Event-ID} with exactly the publications it missed: offsets and epochs
 * are the cluster's (Redis channel history), not a node's.
 */
class RedisEventStreamTest {
    private static RedisTestNodes cluster;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void startCluster() {
        cluster = RedisTestNodes.start(2, Map.of());
        a = cluster.node(0);
        b = cluster.node(1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static SseClient stream(TestServer node, long user, String query, Map<String, String> headers) {
        SseClient c = SseClient.open(node.port(), "/sse?token=" + node.token(user) + query, headers);
        assertThat(c.status()).isEqualTo(200);
        c.awaitType("init");
        return c;
    }

    private static void publish(TestServer node, String channel, int n) {
        assertOk(node.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "m", "data", Map.of("n", n))));
    }

    @Test
    void aStreamOnOneNode_getsWhatAnotherPublishes_andResumesOnTheOtherNode() {
        String channel = "sse-cluster-" + System.nanoTime();
        String lastId;
        try (SseClient onB = stream(b, 301, "&channels=" + channel, Map.of())) {
            onB.awaitType("ack");
            cluster.awaitSubscribers("u.301", 1);
            cluster.awaitSubscribers("c." + channel, 1);
            assertOk(a.api("POST", "/admin/websocket/send-to-user", json("user_id", 301, "type", "order", "data", Map.of("n", 1))));
            assertThat(onB.awaitType("order").json().at("/data/n").asInt()).isEqualTo(1);
            publish(a, channel, 1);
            publish(a, channel, 2);
            onB.await("1", e -> "m".equals(e.event()));
            lastId = onB.await("2", e -> "m".equals(e.event())).id();
            assertThat(lastId).startsWith(channel + "~2~").doesNotEndWith("~");
        }
        cluster.awaitSubscribers("c." + channel, 0);
        publish(b, channel, 3);
        publish(a, channel, 4);
        try (SseClient onA = stream(a, 301, "&channels=" + channel, Map.of("Last-Event-ID", lastId))) {
            List<Integer> got = new ArrayList<>();
            got.add(onA.await("3", e -> "m".equals(e.event())).json().at("/data/n").asInt());
            got.add(onA.await("4", e -> "m".equals(e.event())).json().at("/data/n").asInt());
            assertThat(got).containsExactly(3, 4);
            assertThat(onA.awaitType("ack").json().at("/data/recovered").asBoolean()).isTrue();
            onA.expectNoEvent(Duration.ofMillis(300), e -> "m".equals(e.event()));
        }
    }
}
