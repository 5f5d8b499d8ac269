package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.config.Settings;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One of three Redis shards stops (shutdown nosave: it forgets everything) and comes back under two
 * nodes. While it is down, only what lives on it fails, as with one Redis ({@link RedisOutageTest}):
 * pushes to its users and channels and presence questions about its users answer 503, and the
 * listings that span every user do; everything on the other shards keeps working, the broadcast
 * topic among them. Health is degraded and readiness names the shard. When it is back, the nodes
 * resubscribe its topics, rewrite its presence and restore its channel offsets.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisShardOutageTest {

    private static String status(TestServer node) {
        return node.api("GET", "/health", null).data().get("status").asText();
    }

    private static int send(TestServer via, long userId, String type) {
        return via.api("POST", "/admin/websocket/send-to-user", json("user_id", userId, "type", type, "data", Map.of())).status();
    }

    private static TestServer.Response publish(TestServer via, String channel) {
        return via.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "price", "data", Map.of()));
    }

    private static TestServer.Response checkOnline(TestServer via, long userId) {
        return via.api("POST", "/admin/websocket/check-online", json("user_id", userId));
    }

    @Test
    void oneShardStops_onlyItsKeysFail_andItRecovers() throws Exception {
        List<RedisProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                servers.add(RedisProcess.start());
            }
            try (RedisTestNodes cluster = RedisTestNodes.start(servers.stream().map(RedisProcess::url).toList(), 2,
                    Map.of("redis.presence-ttl", "3s", "redis.timeout", "5s", "auth.allow-bind", "true"))) {
                run(cluster, servers);
            }
        } finally {
            servers.forEach(RedisProcess::close);
        }
    }

    private void run(RedisTestNodes cluster, List<RedisProcess> servers) throws Exception {
        TestServer a = cluster.node(0);
        TestServer b = cluster.node(1);
        // the shard that stops is not the one of the broadcast topic, which keeps working
        int dead = (cluster.shardOf("all") + 1) % 3;
        int live = (dead + 1) % 3;
        RedisProcess victim = servers.get(dead);
        String deadId = Settings.Redis.serverId(victim.url());
        String liveId = Settings.Redis.serverId(servers.get(live).url());
        long deadUser = RedisShardedClusterTest.userOn(cluster, dead, 5000);
        long liveUser = RedisShardedClusterTest.userOn(cluster, live, 5000);
        String deadChannel = RedisShardedClusterTest.channelOn(cluster, dead, "dead-" + cluster.run);
        String liveChannel = RedisShardedClusterTest.channelOn(cluster, live, "live-" + cluster.run);
        String deadJob = jobOn(cluster, dead);
        String liveJob = jobOn(cluster, live);

        try (WsClient onDead = b.connect(deadUser); WsClient onLive = b.connect(liveUser);
             RedisShards links = RedisShardedClusterTest.probeLinks(cluster, "probe-" + cluster.run)) {
            RedisBroker probe = new RedisBroker(links, 10, Duration.ofMinutes(1), Duration.ofSeconds(10));
            onDead.request("subscribe", Map.of("channel", deadChannel));
            onLive.request("subscribe", Map.of("channel", liveChannel));
            cluster.awaitSubscribers("u." + deadUser, 1);
            cluster.awaitSubscribers("u." + liveUser, 1);
            cluster.awaitSubscribers("c." + deadChannel, 1);
            cluster.awaitSubscribers("c." + liveChannel, 1);
            assertThat(send(a, deadUser, "before")).isEqualTo(200);
            assertThat(onDead.awaitType("before").path("type").asText()).isEqualTo("before");
            assertOk(publish(a, deadChannel));
            assertThat(onDead.awaitType("price").path("offset").asLong()).isEqualTo(1);

            victim.shutdownNosave();
            RedisTestNodes.await("both nodes degraded", () -> cluster.nodes().stream().allMatch(n -> status(n).equals("degraded")));
            RedisTestNodes.await("both nodes know the shard's links are down", () -> cluster.nodes().stream()
                    .map(n -> n.herald().redis().orElseThrow().shard(dead))
                    .allMatch(link -> !link.commandsUp() && !link.pubsubUp()));
            for (TestServer n : cluster.nodes()) {
                JsonNode checks = n.api("GET", "/health", null).data().get("checks");
                assertThat(checks.path("redis " + deadId).asText()).as(checks.toString()).isEqualTo("down");
                assertThat(checks.path("redis " + liveId).asText()).as(checks.toString()).isEqualTo("up");
                assertThat(checks.path("broker").asText()).isEqualTo("down");
                TestServer.Response ready = n.api("GET", "/health/ready", null);
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.body()).contains("redis " + deadId).doesNotContain("redis " + liveId);
                assertThat(n.api("GET", "/metrics", null).body()).contains("herald_broker_up 0.0");
            }

            // the other shards' topics work across nodes
            assertThat(send(a, liveUser, "during")).isEqualTo(200);
            assertThat(onLive.awaitType("during").path("type").asText()).isEqualTo("during");
            TestServer.Response livePublish = publish(a, liveChannel);
            assertOk(livePublish);
            assertThat(onLive.awaitType("price").path("offset").asLong()).isEqualTo(livePublish.data().get("offset").asLong());
            assertThat(checkOnline(a, liveUser).data().get("is_online").asBoolean()).isTrue();
            // a broadcast reaches everyone (its topic is on a live shard); its reply counts the users
            // online, which spans every shard, so it says it was sent but cannot be counted
            TestServer.Response broadcast = a.api("POST", "/admin/websocket/broadcast", json("type", "announce", "data", Map.of()));
            assertThat(broadcast.status()).isEqualTo(503);
            assertThat(broadcast.body()).contains("was sent to every node");
            assertThat(onLive.awaitType("announce").path("type").asText()).isEqualTo("announce");
            assertThat(onDead.awaitType("announce").path("type").asText()).isEqualTo("announce");
            assertThat(a.herald().jobLock().claim(liveJob, Duration.ofDays(1))).isTrue();
            assertThat(b.herald().jobLock().claim(liveJob, Duration.ofDays(1))).isFalse();

            // whether one channel is heard is asked of its own shard (Pusher's channel info, webhooks);
            // the list of channels heard spans every shard
            assertThat(probe.heard(liveChannel).toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> probe.heard(deadChannel).toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BrokerUnavailableException.class).hasMessageContaining(deadId);
            assertThatThrownBy(() -> probe.heardChannels("").toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(BrokerUnavailableException.class);

            // the dead shard's fail clearly, as with one Redis
            assertThat(send(a, deadUser, "lost")).isEqualTo(503);
            assertThat(publish(a, deadChannel).status()).isEqualTo(503);
            assertThat(checkOnline(a, deadUser).status()).isEqualTo(503);
            assertThat(a.api("GET", "/admin/websocket/online-count", null).status()).as("spans every shard").isEqualTo(503);
            assertThat(a.herald().jobLock().claim(deadJob, Duration.ofDays(1))).as("skipped, never run twice").isFalse();
            assertThat(b.herald().jobLock().claim(deadJob, Duration.ofDays(1))).isFalse();
            // … while the node still delivers to its own connections (the stage fails: others were not reached)
            assertThat(send(b, deadUser, "local")).isEqualTo(503);
            assertThat(onDead.awaitType("local").path("type").asText()).isEqualTo("local");

            victim.startServer();
            RedisTestNodes.await("both nodes up again", Duration.ofSeconds(30),
                    () -> cluster.nodes().stream().allMatch(n -> status(n).equals("up")));

            // resubscribed, presence rewritten, the channel's offset restored under its subscriber
            assertThat(cluster.subscribers("u." + deadUser)).isEqualTo(1);
            assertThat(send(a, deadUser, "after")).isEqualTo(200);
            assertThat(onDead.awaitType("after").path("type").asText()).isEqualTo("after");
            TestServer.Response again = publish(a, deadChannel);
            assertOk(again);
            assertThat(again.data().get("offset").asLong()).isEqualTo(2);
            assertThat(onDead.awaitType("price").path("offset").asLong()).isEqualTo(2);
            RedisTestNodes.await("presence of the dead shard's user rewritten", () -> cluster.nodes().stream().allMatch(n ->
                    checkOnline(n, deadUser).status() == 200 && checkOnline(n, deadUser).data().get("is_online").asBoolean()));
            assertOk(a.api("GET", "/admin/websocket/online-count", null));
            assertThat(a.herald().jobLock().claim(deadJob, Duration.ofDays(1))
                    ^ b.herald().jobLock().claim(deadJob, Duration.ofDays(1))).as("exactly one runs it").isTrue();
            probe.close();
        }
    }

    private static String jobOn(RedisTestNodes cluster, int shard) {
        for (int i = 0; ; i++) {
            String job = "sweep-" + i + "-" + cluster.run;
            if (cluster.shardOf("job:" + job) == shard) {
                return job;
            }
        }
    }
}
