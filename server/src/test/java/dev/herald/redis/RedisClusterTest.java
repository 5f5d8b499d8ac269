package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.CloseCodes;
import dev.herald.testing.Concurrently;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three nodes on one real Redis: every push kind crosses nodes; presence agrees everywhere. */
class RedisClusterTest {
    private static RedisTestNodes cluster;
    private static TestServer a;
    private static TestServer b;
    private static TestServer c;

    @BeforeAll
    static void startCluster() {
        cluster = RedisTestNodes.start(3, Map.of("auth.allow-bind", "true"));
        a = cluster.node(0);
        b = cluster.node(1);
        c = cluster.node(2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Connects {@code userId} to {@code node} and waits until Redis routes the user's topic there. */
    private static WsClient connect(TestServer node, long userId, int nodesHearingUser) {
        WsClient ws = node.connect(userId);
        cluster.awaitSubscribers("u." + userId, nodesHearingUser);
        return ws;
    }

    @Test
    void sendToUser_reachesEveryDeviceOnEveryNode() {
        try (WsClient phone = connect(b, 101, 1); WsClient laptop = connect(c, 101, 2)) {
            var r = a.api("POST", "/admin/websocket/send-to-user", json("user_id", 101, "type", "order", "data", Map.of("n", 1)));
            assertOk(r);
            assertThat(r.data().get("is_online").asBoolean()).isTrue();
            assertThat(phone.awaitType("order").at("/data/n").asInt()).isEqualTo(1);
            assertThat(laptop.awaitType("order").at("/data/n").asInt()).isEqualTo(1);
        }
    }

    @Test
    void isOnline_isAnsweredByThePublication_wheneverTheUserIs() {
        try (WsClient here = connect(a, 121, 1); WsClient there = connect(b, 122, 1)) {
            assertThat(isOnlineAfterSend(a, 121)).as("a user on the publishing node only").isTrue();
            assertThat(isOnlineAfterSend(a, 122)).as("a user on another node only").isTrue();
            assertThat(isOnlineAfterSend(a, 123)).as("a user on no node").isFalse();
            there.close();
            cluster.awaitSubscribers("u.122", 0);
            assertThat(isOnlineAfterSend(a, 122)).as("a user whose last connection closed").isFalse();
            assertThat(isOnlineAfterSend(b, 122)).as("… asked through the node it was on").isFalse();
        }
    }

    private static boolean isOnlineAfterSend(TestServer node, long userId) {
        var r = node.api("POST", "/admin/websocket/send-to-user", json("user_id", userId, "type", "probe", "data", Map.of()));
        assertOk(r);
        return r.data().get("is_online").asBoolean();
    }

    @Test
    void sendToUsers_reachesUsersOnOtherNodes_andNamesWhoWasOnline() {
        try (WsClient u1 = connect(a, 111, 1); WsClient u2 = connect(c, 112, 1)) {
            var r = b.api("POST", "/admin/websocket/send-to-users",
                    json("user_ids", List.of(111, 112, 113), "type", "notice", "data", Map.of("k", "v")));
            assertOk(r);
            assertThat(r.data().get("sent_to").toString()).isEqualTo("[111,112]");
            assertThat(u1.awaitType("notice").at("/data/k").asText()).isEqualTo("v");
            assertThat(u2.awaitType("notice").at("/data/k").asText()).isEqualTo("v");
        }
    }

    @Test
    void broadcast_reachesEveryNode_exceptTheExcludedUser() {
        try (WsClient onA = connect(a, 121, 1); WsClient onB = connect(b, 122, 1); WsClient onC = connect(c, 123, 1)) {
            var r = b.api("POST", "/admin/websocket/broadcast",
                    json("type", "announce", "data", Map.of("text", "hello"), "exclude_user_id", 123));
            assertOk(r);
            assertThat(onA.awaitType("announce").at("/data/text").asText()).isEqualTo("hello");
            assertThat(onB.awaitType("announce").at("/data/text").asText()).isEqualTo("hello");
            assertThat(onC.request("ping", Map.of()).path("type").asText()).isEqualTo("pong");
            assertNoFrameOfType(onC, "announce");

            var n = c.api("POST", "/admin/websocket/send-notification", json("title", "t", "message", "m"));
            assertOk(n);
            for (WsClient ws : List.of(onA, onB, onC)) {
                assertThat(ws.awaitType("notification").at("/data/title").asText()).isEqualTo("t");
            }
        }
    }

    @Test
    void clientBroadcast_fromAdminOnOneNode_reachesOthersButNotTheSender() {
        try (WsClient admin = WsClient.open(a.wsUrl(a.adminToken(131)));
             WsClient onB = connect(b, 132, 1); WsClient onC = connect(c, 133, 1)) {
            admin.awaitType("init");
            JsonNode ack = admin.request("broadcast", Map.of("message", "all hands"));
            assertThat(ack.path("type").asText()).isEqualTo("ack");
            assertThat(onB.awaitType("broadcast").at("/data/message").asText()).isEqualTo("all hands");
            assertThat(onC.awaitType("broadcast").at("/data/message").asText()).isEqualTo("all hands");
            assertNoFrameOfType(admin, "broadcast");
        }
    }

    @Test
    void channelPublications_fromAnyNode_reachSubscribersOnEveryNode_inOffsetOrder() throws Exception {
        String channel = "orders-" + cluster.run;
        try (WsClient onB = b.connect(141); WsClient onC = c.connect(142)) {
            assertThat(onB.request("subscribe", Map.of("channel", channel)).at("/data/offset").asLong()).isZero();
            assertThat(onC.request("subscribe", Map.of("channel", channel)).at("/data/offset").asLong()).isZero();
            cluster.awaitSubscribers("c." + channel, 2);

            var first = a.api("POST", "/admin/websocket/send-to-channel",
                    json("channel", channel, "type", "order_created", "data", Map.of("id", 7)));
            assertOk(first);
            assertThat(first.data().get("offset").asLong()).isEqualTo(1);
            var second = c.api("POST", "/admin/websocket/push-data-update-channel",
                    json("channel", channel, "resource_type", "order", "action", "updated", "data", Map.of("id", 7)));
            assertOk(second);
            assertThat(second.data().get("offset").asLong()).isEqualTo(2);

            for (WsClient ws : List.of(onB, onC)) {
                JsonNode p1 = ws.awaitType("order_created");
                assertThat(p1.path("channel").asText()).isEqualTo(channel);
                assertThat(p1.path("offset").asLong()).isEqualTo(1);
                JsonNode p2 = ws.awaitType("data_update");
                assertThat(p2.path("offset").asLong()).isEqualTo(2);
                assertThat(p2.at("/data/action").asText()).isEqualTo("updated");
            }

            // concurrent publishers on three nodes: every subscriber sees 3..62 once each, in order
            List<TestServer> publishers = List.of(a, b, c);
            Concurrently.run(publishers.size(), n -> {
                for (int i = 0; i < 20; i++) {
                    assertOk(publishers.get(n).api("POST", "/admin/websocket/send-to-channel",
                            json("channel", channel, "type", "tick", "data", Map.of("i", i))));
                }
            });
            for (WsClient ws : List.of(onB, onC)) {
                List<Long> offsets = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    offsets.add(ws.awaitType("tick").path("offset").asLong());
                }
                assertThat(offsets).containsExactlyElementsOf(IntStream.rangeClosed(3, 62).mapToObj(Long::valueOf).toList());
            }
        }
    }

    @Test
    void pushDataUpdate_toUsersOnOtherNodes() {
        try (WsClient u = connect(c, 151, 1)) {
            var r = a.api("POST", "/admin/websocket/push-data-update",
                    json("user_ids", List.of(151), "resource_type", "invoice", "action", "paid", "data", Map.of("id", 3)));
            assertOk(r);
            JsonNode f = u.awaitType("data_update");
            assertThat(f.at("/data/resource_type").asText()).isEqualTo("invoice");
            assertThat(f.at("/data/data/id").asInt()).isEqualTo(3);

            var n = b.api("POST", "/admin/websocket/send-notification-to-users",
                    json("user_ids", List.of(151), "title", "Paid", "message", "Invoice 3 is paid"));
            assertOk(n);
            assertThat(u.awaitType("notification").at("/data/title").asText()).isEqualTo("Paid");
        }
    }

    @Test
    void chat_fromAUserOnOneNode_reachesEveryDeviceOfTheRecipientOnOthers() {
        try (WsClient from = connect(a, 161, 1); WsClient to1 = connect(b, 162, 1); WsClient to2 = connect(c, 162, 2)) {
            JsonNode ack = from.request("chat", Map.of("to_user_id", 162, "content", "hi there"));
            assertThat(ack.at("/data/delivered").asBoolean()).as(ack.toString()).isTrue();
            for (WsClient ws : List.of(to1, to2)) {
                JsonNode chat = ws.awaitType("chat");
                assertThat(chat.at("/data/from_user_id").asLong()).isEqualTo(161);
                assertThat(chat.at("/data/content").asText()).isEqualTo("hi there");
            }
        }
    }

    @Test
    void chat_toAUserOnNoNode_isKeptForLater() {
        // a user the node's database knows (these nodes have a database each; chats to unknown
        // ids are refused), now on no node; connectQuiet waits for the inbox push, after the
        // user was recorded
        a.connectQuiet(166).close();
        cluster.awaitSubscribers("u.166", 0);
        try (WsClient from = connect(a, 165, 1)) {
            JsonNode ack = from.request("chat", Map.of("to_user_id", 166, "content", "later"));
            assertThat(ack.at("/data/delivered").asBoolean()).as(ack.toString()).isFalse();
            assertThat(ack.at("/data/stored").asBoolean()).as(ack.toString()).isTrue();
        }
    }

    @Test
    void disconnectUser_onOneNode_closesTheUsersConnectionsOnEveryNode() {
        try (WsClient onB = connect(b, 171, 1); WsClient onC = connect(c, 171, 2)) {
            var r = a.api("POST", "/admin/websocket/disconnect-user", json("user_id", 171));
            assertOk(r);
            assertThat(r.data().get("was_online").asBoolean()).isTrue();
            assertThat(onB.awaitClose().code()).isEqualTo(CloseCodes.KICKED);
            assertThat(onC.awaitClose().code()).isEqualTo(CloseCodes.KICKED);
            RedisTestNodes.await("user 171 offline everywhere", () -> cluster.nodes().stream().noneMatch(n ->
                    n.api("POST", "/admin/websocket/check-online", json("user_id", 171)).data().get("is_online").asBoolean()));
        }
    }

    @Test
    void bind_calledOnAnotherNode_bindsTheConnectionWhereItLives() {
        try (WsClient unbound = WsClient.open("ws://127.0.0.1:" + c.port() + "/ws")) {
            String clientId = unbound.awaitType("init").at("/data/client_id").asText();
            var r = a.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", 181));
            assertOk(r);
            assertThat(unbound.awaitType("bind_success").at("/data/user_id").asLong()).isEqualTo(181);
            assertThat(c.herald().users().connectionsOf(181)).as("bound where it lives").hasSize(1);
            assertThat(a.herald().users().connectionsOf(181)).isEmpty();
            cluster.awaitSubscribers("u.181", 1);
            assertOk(b.api("POST", "/admin/websocket/send-to-user", json("user_id", 181, "type", "welcome", "data", Map.of())));
            assertThat(unbound.awaitType("welcome").path("type").asText()).isEqualTo("welcome");
            var again = b.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", 183));
            assertThat(again.status()).as("a connection that is bound already: " + again.body()).isEqualTo(404);
        }
    }

    @Test
    void bind_twiceAtOnce_throughDifferentNodes_bindsOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (WsClient unbound = WsClient.open("ws://127.0.0.1:" + c.port() + "/ws")) {
                String clientId = unbound.awaitType("init").at("/data/client_id").asText();
                List<TestServer.Response> binds = Concurrently.call(2, Duration.ofSeconds(10), i -> i == 0
                        ? a.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", 185))
                        : b.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", 186)));
                int firstStatus = binds.get(0).status();
                int secondStatus = binds.get(1).status();
                assertThat(List.of(firstStatus, secondStatus)).as("round " + round).containsExactlyInAnyOrder(200, 404);
                long bound = unbound.awaitType("bind_success").at("/data/user_id").asLong();
                assertThat(bound).isEqualTo(firstStatus == 200 ? 185 : 186);
                // a third right after the winner, while the UNSUBSCRIBE may still be on its way
                var third = c.api("POST", "/admin/websocket/bind", json("client_id", clientId, "user_id", 187));
                assertThat(third.status()).as(third.body()).isEqualTo(404);
            }
        }
    }

    @Test
    void bind_toAClientIdThatARunningNodeDoesNotHold_is404() {
        try (WsClient other = WsClient.open("ws://127.0.0.1:" + c.port() + "/ws")) {
            String real = other.awaitType("init").at("/data/client_id").asText();
            String unknown = cluster.nodeId(2) + "-ffffff";
            var r = a.api("POST", "/admin/websocket/bind", json("client_id", unknown, "user_id", 184));
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            other.close();
            cluster.awaitSubscribers("b." + real, 0);
            RedisTestNodes.await("the claim key of a closed connection is deleted", () ->
                    RedisTestNodes.command(cluster.url, "EXISTS " + cluster.prefix + "bind:" + real).startsWith(":0"));
            var closed = a.api("POST", "/admin/websocket/bind", json("client_id", real, "user_id", 184));
            assertThat(closed.status()).as("a connection that closed: " + closed.body()).isEqualTo(404);
        }
    }

    @Test
    void bind_toANodeThatIsNotRunning_is404() {
        var r = a.api("POST", "/admin/websocket/bind", json("client_id", "gone-" + cluster.run + "-1f", "user_id", 182));
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.body()).contains("no unbound connection");
    }

    @Test
    void presence_isTheSameOnEveryNode() {
        try (WsClient x = connect(a, 191, 1); WsClient y = connect(b, 192, 1); WsClient y2 = connect(c, 192, 2);
             WsClient z = connect(c, 193, 1)) {
            RedisTestNodes.await("presence on every node", () -> cluster.nodes().stream().allMatch(n ->
                    n.api("GET", "/admin/websocket/online-users", null).data().get("user_ids").toString().contains("193")));
            for (TestServer n : cluster.nodes()) {
                JsonNode users = n.api("GET", "/admin/websocket/online-users", null).data();
                List<Long> ids = new ArrayList<>();
                users.get("user_ids").forEach(id -> ids.add(id.asLong()));
                assertThat(ids).contains(191L, 192L, 193L).doesNotHaveDuplicates().isSorted();
                long count = n.api("GET", "/admin/websocket/online-count", null).data().get("online_count").asLong();
                assertThat(count).isEqualTo(ids.size()).isEqualTo(users.get("count").asLong());
                for (long id : List.of(191L, 192L, 193L)) {
                    assertThat(n.api("POST", "/admin/websocket/check-online", json("user_id", id)).data().get("is_online").asBoolean())
                            .isTrue();
                }
                assertThat(n.api("POST", "/admin/websocket/check-online", json("user_id", 199)).data().get("is_online").asBoolean())
                        .isFalse();
            }
            y.close();
            // 192 is still on node c
            RedisTestNodes.await("192 still online", () -> b.api("POST", "/admin/websocket/check-online", json("user_id", 192))
                    .data().get("is_online").asBoolean());
            y2.close();
            RedisTestNodes.await("192 offline on every node", () -> cluster.nodes().stream().noneMatch(n ->
                    n.api("POST", "/admin/websocket/check-online", json("user_id", 192)).data().get("is_online").asBoolean()));
        }
    }

    @Test
    void clientMovingToAnotherNode_resumesWithSince_withoutLoss() {
        String channel = "feed-" + cluster.run;
        long since;
        String epoch;
        try (WsClient first = a.connect(201)) {
            JsonNode ack = first.request("subscribe", Map.of("channel", channel));
            epoch = ack.at("/data/epoch").asText();
            cluster.awaitSubscribers("c." + channel, 1);
            for (int i = 1; i <= 3; i++) {
                assertOk(c.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "item", "data", Map.of("i", i))));
            }
            since = 0;
            for (int i = 1; i <= 3; i++) {
                since = first.awaitType("item").path("offset").asLong();
            }
            assertThat(since).isEqualTo(3);
        }
        // while the client is away (moving to node b), three more publications
        for (int i = 4; i <= 6; i++) {
            assertOk(c.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "item", "data", Map.of("i", i))));
        }
        try (WsClient moved = b.connect(201)) {
            String id = moved.send("subscribe", Map.of("channel", channel, "since", since, "epoch", epoch));
            List<Long> replayed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                JsonNode item = moved.awaitType("item");
                replayed.add(item.path("offset").asLong());
                assertThat(item.at("/data/i").asInt()).isEqualTo(replayed.size() + 3);
            }
            JsonNode ack = moved.awaitReply(id);
            assertThat(replayed).containsExactly(4L, 5L, 6L);
            assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isTrue();
            assertThat(ack.at("/data/offset").asLong()).isEqualTo(6);
            assertThat(ack.at("/data/epoch").asText()).isEqualTo(epoch);
            cluster.awaitSubscribers("c." + channel, 1);
            assertOk(a.api("POST", "/admin/websocket/send-to-channel", json("channel", channel, "type", "item", "data", Map.of("i", 7))));
            assertThat(moved.awaitType("item").path("offset").asLong()).isEqualTo(7);

            // a stale epoch cannot be resumed
            JsonNode stale = moved.request("subscribe", Map.of("channel", channel + "-x", "since", 2, "epoch", "00000000"));
            assertThat(stale.at("/data/recovered").asBoolean()).isFalse();
        }
    }

    @Test
    void health_isUp_andBrokerMetricIsOne() {
        for (TestServer n : cluster.nodes()) {
            var h = n.api("GET", "/health", null);
            assertThat(h.data().get("status").asText()).isEqualTo("up");
            assertThat(n.api("GET", "/metrics", null).body()).contains("herald_broker_up 1.0");
        }
    }

    @Test
    void inboxJobs_runOnOneNodeOfTheCluster() {
        long winners = cluster.nodes().stream()
                .filter(n -> n.herald().jobLock().claim("cleanup-" + cluster.run, Duration.ofDays(1)))
                .count();
        assertThat(winners).isEqualTo(1);
    }

    private static void assertNoFrameOfType(WsClient ws, String type) {
        JsonNode f;
        while ((f = ws.maybeNext(Duration.ofMillis(300))) != null) {
            assertThat(f.path("type").asText()).as(f.toString()).isNotEqualTo(type);
        }
    }
}
