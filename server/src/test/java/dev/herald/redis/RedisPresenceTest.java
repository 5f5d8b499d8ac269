package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presence expiry: a node that dies leaves no ghosts; one that stops cleanly leaves at once. */
class RedisPresenceTest {
    private static final Duration TTL = Duration.ofSeconds(3);

    private static List<Long> online(TestServer node) {
        List<Long> ids = new ArrayList<>();
        node.api("GET", "/admin/websocket/online-users", null).data().get("user_ids").forEach(id -> ids.add(id.asLong()));
        return ids;
    }

    private static boolean isOnline(TestServer node, long userId) {
        return node.api("POST", "/admin/websocket/check-online", json("user_id", userId)).data().get("is_online").asBoolean();
    }

    @Test
    void crashedNode_usersVanishWithinTheTtl_gracefulStop_usersVanishAtOnce() {
        try (RedisTestNodes cluster = RedisTestNodes.start(3, Map.of("redis.presence-ttl", TTL.toSeconds() + "s"))) {
            TestServer a = cluster.node(0);
            TestServer b = cluster.node(1);
            TestServer c = cluster.node(2);
            WsClient onA = a.connect(301);
            WsClient onB = b.connect(302);
            WsClient onC = c.connect(303);
            WsClient alsoOnC = c.connect(301); // 301 is on a and c
            RedisTestNodes.await("all three online everywhere", () -> cluster.nodes().stream()
                    .allMatch(n -> online(n).containsAll(List.of(301L, 302L, 303L))));

            // crash c: its heartbeat stops and its Redis link drops, with no clean-up at all
            long crashedAt = System.nanoTime();
            c.herald().redis().orElseThrow().halt();
            RedisTestNodes.await("303 gone from a and b", TTL.plusSeconds(2),
                    () -> !isOnline(a, 303) && !isOnline(b, 303));
            long tookMs = (System.nanoTime() - crashedAt) / 1_000_000;
            assertThat(tookMs).as("ghost lifetime after a crash").isLessThanOrEqualTo(TTL.toMillis() + 500);
            for (TestServer n : List.of(a, b)) {
                assertThat(online(n)).contains(301L, 302L).doesNotContain(303L);
                assertThat(isOnline(n, 301)).as("301 is still on node a").isTrue();
                assertThat(n.api("GET", "/admin/websocket/online-count", null).data().get("online_count").asLong())
                        .isEqualTo(online(n).size());
            }
            onC.close();
            alsoOnC.close();
            c.close();

            // a graceful stop removes b's users right away, long before the TTL
            long stoppedAt = System.nanoTime();
            b.close();
            RedisTestNodes.await("302 gone from a", TTL, () -> !isOnline(a, 302));
            assertThat((System.nanoTime() - stoppedAt) / 1_000_000).isLessThan(TTL.toMillis());
            onB.close();
            assertThat(online(a)).containsExactly(301L);
            onA.close();
        }
    }
}
