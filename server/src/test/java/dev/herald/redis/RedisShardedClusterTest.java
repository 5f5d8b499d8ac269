package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.JobLock;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharded over three private redis-servers ({@code redis.urls}): every kind of topic,
 * a channel's history, presence, binds and job locks work across nodes, each on the one shard its
 * key maps to (checked in each server), whichever shard that is.
 */
class RedisShardedClusterTest {
    private static final List<RedisProcess> servers = new ArrayList<>();
    private static RedisTestNodes cluster;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void startCluster() {
        for (int i = 0; i < 3; i++) {
            servers.add(RedisProcess.start());
        }
        cluster = RedisTestNodes.start(servers.stream().map(RedisProcess::url).toList(), 2,
                Map.of("auth.allow-bind", "true"));
        a = cluster.node(0);
        b = cluster.node(1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        servers.forEach(RedisProcess::close);
    }

    /** The first user id from {@code from} whose topic (and presence) lives on {@code shard}. */
    static long userOn(RedisTestNodes cluster, int shard, long from) {
        long id = from;
        while (cluster.shardOf("u." + id) != shard) {
            id++;
        }
        return id;
    }

    /** A channel named {@code base-N} whose topic and history live on {@code shard}. */
    static String channelOn(RedisTestNodes cluster, int shard, String base) {
        for (int n = 0; ; n++) {
            String channel = base + "-" + n;
            if (cluster.shardOf("c." + channel) == shard) {
                return channel;
            }
        }
    }

    /** How many keys matching {@code pattern} (after the prefix) server {@code shard} holds. */
    private static int keys(int shard, String pattern) {
        String reply = RedisTestNodes.command(cluster.urls.get(shard), "KEYS " + cluster.prefix + pattern);
        return Integer.parseInt(reply.substring(1, reply.indexOf('\r')));
    }

    private static int subscribersOn(int shard, String topic) {
        String reply = RedisTestNodes.command(cluster.urls.get(shard), "PUBSUB NUMSUB " + cluster.prefix + topic);
        String[] lines = reply.split("\r\n");
        return Integer.parseInt(lines[lines.length - 1].substring(1));
    }

    @Test
    void pushes_crossNodes_onEveryShard_andEachTopicIsHeardOnItsShardOnly() {
        Map<Long, WsClient> users = new HashMap<>();
        try {
            for (int shard = 0; shard < 3; shard++) {
                long id = userOn(cluster, shard, 1000 + 100L * shard);
                users.put(id, b.connect(id));
                cluster.awaitSubscribers("u." + id, 1);
                for (int other = 0; other < 3; other++) {
                    assertThat(subscribersOn(other, "u." + id)).as("user " + id + " heard on shard " + other)
                            .isEqualTo(other == shard ? 1 : 0);
                }
            }
            users.forEach((id, ws) -> {
                var r = a.api("POST", "/admin/websocket/send-to-user", json("user_id", id, "type", "order", "data", Map.of("id", id)));
                assertOk(r);
                assertThat(r.data().get("is_online").asBoolean()).isTrue();
                assertThat(ws.awaitType("order").at("/data/id").asLong()).isEqualTo(id);
            });
            // everyone: one topic on one shard, heard by both nodes
            int everyone = cluster.shardOf("all");
            assertThat(subscribersOn(everyone, "all")).isEqualTo(2);
            assertOk(a.api("POST", "/admin/websocket/broadcast", json("type", "announce", "data", Map.of("text", "hi"))));
            users.values().forEach(ws -> assertThat(ws.awaitType("announce").at("/data/text").asText()).isEqualTo("hi"));
        } finally {
            users.values().forEach(WsClient::close);
        }
    }

    @Test
    void channels_onEveryShard_deliverAcrossNodes_andResumeFromTheirHistory() {
        for (int shard = 0; shard < 3; shard++) {
            String channel = channelOn(cluster, shard, "feed-" + cluster.run);
            String epoch;
            try (WsClient first = a.connect(2000 + shard)) {
                epoch = first.request("subscribe", Map.of("channel", channel)).at("/data/epoch").asText();
                cluster.awaitSubscribers("c." + channel, 1);
                for (int i = 1; i <= 2; i++) {
                    var r = b.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "item", "data", Map.of("i", i)));
                    assertOk(r);
                    assertThat(r.data().get("offset").asLong()).isEqualTo(i);
                    assertThat(first.awaitType("item").path("offset").asLong()).isEqualTo(i);
                }
            }
            for (int i = 3; i <= 4; i++) {
                assertOk(b.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "item", "data", Map.of("i", i))));
            }
            for (int other = 0; other < 3; other++) {
                assertThat(keys(other, "ch:{" + channel + "}:*")).as("history of " + channel + " on shard " + other)
                        .isEqualTo(other == shard ? 2 : 0);
            }
            try (WsClient moved = b.connect(2000 + shard)) {
                String id = moved.send("subscribe", Map.of("channel", channel, "since", 2, "epoch", epoch));
                assertThat(moved.awaitType("item").path("offset").asLong()).isEqualTo(3);
                assertThat(moved.awaitType("item").path("offset").asLong()).isEqualTo(4);
                JsonNode ack = moved.awaitReply(id);
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isTrue();
                assertThat(ack.at("/data/epoch").asText()).isEqualTo(epoch);
            }
        }
    }

    @Test
    void presence_spansShards_andEveryNodeAgrees() {
        List<WsClient> open = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        try {
            for (int shard = 0; shard < 3; shard++) {
                long id = userOn(cluster, shard, 3000 + 100L * shard);
                ids.add(id);
                open.add((shard % 2 == 0 ? a : b).connect(id));
                cluster.awaitSubscribers("u." + id, 1);
                TestServer holder = shard % 2 == 0 ? a : b;
                RedisTestNodes.await("user " + id + " in its shard's presence", () -> RedisTestNodes.command(cluster.urls.get(
                        cluster.shardOf("u." + id)), "SISMEMBER " + cluster.prefix + "presence:node:"
                        + holder.herald().settings().nodeId() + " " + id).startsWith(":1"));
            }
            for (TestServer n : cluster.nodes()) {
                JsonNode users = n.api("GET", "/admin/websocket/online-users", null).data();
                List<Long> listed = new ArrayList<>();
                users.get("user_ids").forEach(id -> listed.add(id.asLong()));
                assertThat(listed).containsAll(ids).doesNotHaveDuplicates().isSorted();
                assertThat(n.api("GET", "/admin/websocket/online-count", null).data().get("online_count").asLong())
                        .isEqualTo(listed.size());
                for (long id : ids) {
                    assertThat(n.api("POST", "/admin/websocket/check-online", json("user_id", id)).data().get("is_online").asBoolean())
                            .as("user " + id).isTrue();
                }
            }
            open.get(1).close();
            RedisTestNodes.await("user " + ids.get(1) + " offline on every node", () -> cluster.nodes().stream().noneMatch(n ->
                    n.api("POST", "/admin/websocket/check-online", json("user_id", ids.get(1))).data().get("is_online").asBoolean()));
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void bind_onAnotherNode_claimsOnTheShardOfTheClient_once() {
        List<WsClient> unbound = new ArrayList<>();
        try {
            boolean[] covered = new boolean[3];
            for (int i = 0; i < 40 && !(covered[0] && covered[1] && covered[2]); i++) {
                WsClient ws = WsClient.open("ws://127.0.0.1:" + b.port() + "/ws");
                String clientId = ws.awaitType("init").at("/data/client_id").asText();
                int shard = cluster.shardOf("b." + clientId);
                if (covered[shard]) {
                    ws.close();
                    continue;
                }
                covered[shard] = true;
                unbound.add(ws);
                RedisTestNodes.await("claim key of " + clientId + " on shard " + shard, () ->
                        keys(shard, "bind:" + clientId) == 1);
                for (int other = 0; other < 3; other++) {
                    if (other != shard) {
                        assertThat(keys(other, "bind:" + clientId)).isZero();
                    }
                }
                long user = 4000 + shard;
                assertOk(a.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", user)));
                assertThat(ws.awaitType("bind_success").at("/data/user_id").asLong()).isEqualTo(user);
                assertThat(b.herald().users().connectionsOf(user)).as("bound where it lives").hasSize(1);
                var again = a.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", user + 10));
                assertThat(again.status()).as(again.body()).isEqualTo(404);
            }
            assertThat(covered).as("unbound connections on every shard").containsOnly(true);
        } finally {
            unbound.forEach(WsClient::close);
        }
    }

    @Test
    void jobLock_isOncePerCluster_onTheShardOfTheJob() {
        List<RedisShards> nodes = new ArrayList<>();
        try {
            for (int n = 0; n < 3; n++) {
                List<RedisConnections> links = new ArrayList<>();
                for (String url : cluster.urls) {
                    links.add(RedisConnections.open(url, "job-" + n + "-" + cluster.run, cluster.prefix, Duration.ofSeconds(2)));
                }
                nodes.add(RedisShards.of(links.toArray(RedisConnections[]::new)));
            }
            for (int shard = 0; shard < 3; shard++) {
                String job = null;
                for (int i = 0; job == null; i++) {
                    if (cluster.shardOf("job:sweep-" + i + "-" + cluster.run) == shard) {
                        job = "sweep-" + i + "-" + cluster.run;
                    }
                }
                int wins = 0;
                for (RedisShards node : nodes) {
                    JobLock lock = new RedisJobLock(node);
                    wins += lock.claim(job, Duration.ofDays(1)) ? 1 : 0;
                    wins += lock.claim(job, Duration.ofDays(1)) ? 1 : 0;
                }
                assertThat(wins).as("runs of " + job).isEqualTo(1);
                for (int other = 0; other < 3; other++) {
                    assertThat(keys(other, "job:" + job + ":*")).as(job + " on shard " + other).isEqualTo(other == shard ? 1 : 0);
                }
            }
        } finally {
            nodes.forEach(RedisShards::close);
        }
    }

    /** Links to every shard under the cluster's prefix, as another node would have them. */
    static RedisShards probeLinks(RedisTestNodes cluster, String nodeId) {
        List<RedisConnections> links = new ArrayList<>();
        for (String url : cluster.urls) {
            links.add(RedisConnections.open(url, nodeId, cluster.prefix, Duration.ofSeconds(2)));
        }
        return RedisShards.of(links.toArray(RedisConnections[]::new));
    }

    @Test
    void channelsHeard_areAskedOfTheirShard_andListedFromEveryShard() throws Exception {
        List<WsClient> open = new ArrayList<>();
        try (RedisShards links = probeLinks(cluster, "probe-" + cluster.run)) {
            RedisBroker probe = new RedisBroker(links, 10, Duration.ofMinutes(1), Duration.ofSeconds(10));
            List<String> channels = new ArrayList<>();
            for (int shard = 0; shard < 3; shard++) {
                String channel = channelOn(cluster, shard, "heard-" + cluster.run);
                channels.add(channel);
                WsClient ws = (shard % 2 == 0 ? a : b).connect(6000 + shard);
                open.add(ws);
                ws.request("subscribe", Map.of("channel", channel));
                cluster.awaitSubscribers("c." + channel, 1);
                assertThat(probe.heard(channel).toCompletableFuture().get()).as(channel).isTrue();
            }
            assertThat(probe.heard("nobody-" + cluster.run).toCompletableFuture().get()).isFalse();
            assertThat(probe.heardChannels("heard-" + cluster.run).toCompletableFuture().get())
                    .containsExactlyInAnyOrderElementsOf(channels);
            probe.close();
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void health_namesEveryShard() {
        JsonNode checks = a.api("GET", "/health", null).data().get("checks");
        for (String url : cluster.urls) {
            String id = url.substring("redis://".length()) + "/0";
            assertThat(checks.path("redis " + id).asText()).as(checks.toString()).isEqualTo("up");
        }
        assertThat(checks.path("broker").asText()).isEqualTo("up");
    }
}
