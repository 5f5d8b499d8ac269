package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.TcpForwarder;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code subscribe}/{@code unsubscribe}, channel publications, recovery with {@code since}, private channels. */
class ChannelHandlersTest {
    static final int HISTORY = 100;
    static final AtomicInteger CHANNELS = new AtomicInteger();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "100000", "channels.history-size", Integer.toString(HISTORY)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String channel() {
        return "room-" + CHANNELS.incrementAndGet();
    }

    /** Publishes through the server API; returns the offset it got. */
    static long publish(TestServer s, String channel, int n) {
        var r = s.api("POST", "/admin/websocket/send-to-channel",
                "{\"channel\":\"" + channel + "\",\"type\":\"update\",\"data\":{\"n\":" + n + "}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.data().get("offset").asLong();
    }

    private static Map<String, Object> since(String channel, long since) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("channel", channel);
        data.put("since", since);
        return data;
    }

    @Test
    void subscribe_isAcknowledgedWithTheChannelPosition() {
        String ch = channel();
        publish(server, ch, 1);
        publish(server, ch, 2);
        try (WsClient c = server.connectQuiet(201)) {
            JsonNode ack = c.request("subscribe", Map.of("channel", ch));
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.at("/data/type").asText()).isEqualTo("subscribe");
            assertThat(ack.at("/data/channel").asText()).isEqualTo(ch);
            assertThat(ack.at("/data/offset").asLong()).isEqualTo(2);
            assertThat(ack.at("/data/epoch").asText()).isNotBlank();
            assertThat(ack.at("/data").has("recovered")).isFalse();
        }
    }

    @Test
    void publication_reachesSubscribersWithChannelAndOffset() {
        String ch = channel();
        try (WsClient a = server.connectQuiet(202); WsClient b = server.connectQuiet(203); WsClient outsider = server.connectQuiet(204)) {
            a.request("subscribe", Map.of("channel", ch));
            b.request("subscribe", Map.of("channel", ch));
            long offset = publish(server, ch, 7);
            assertThat(offset).isEqualTo(1);
            for (WsClient c : List.of(a, b)) {
                JsonNode f = c.awaitType("update");
                assertThat(f.get("channel").asText()).isEqualTo(ch);
                assertThat(f.get("offset").asLong()).isEqualTo(1);
                assertThat(f.at("/data/n").asInt()).isEqualTo(7);
            }
            outsider.expectNoFrame(Duration.ofMillis(200));
        }
    }

    @Test
    void publicationWithoutType_isAMessage() {
        String ch = channel();
        try (WsClient c = server.connectQuiet(205)) {
            c.request("subscribe", Map.of("channel", ch));
            var r = server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"" + ch + "\",\"data\":{\"x\":1}}");
            assertThat(r.status()).isEqualTo(200);
            JsonNode f = c.awaitType("message");
            assertThat(f.get("offset").asLong()).isEqualTo(r.data().get("offset").asLong());
        }
    }

    @Test
    void subscribingTwice_deliversEachPublicationOnce() {
        String ch = channel();
        try (WsClient c = server.connectQuiet(206)) {
            c.request("subscribe", Map.of("channel", ch));
            assertThat(c.request("subscribe", Map.of("channel", ch)).get("type").asText()).isEqualTo("ack");
            publish(server, ch, 1);
            publish(server, ch, 2);
            assertThat(c.awaitType("update").get("offset").asLong()).isEqualTo(1);
            assertThat(c.awaitType("update").get("offset").asLong()).isEqualTo(2);
            c.expectNoFrame(Duration.ofMillis(200));
        }
    }

    @Test
    void unsubscribe_stopsDelivery() {
        String ch = channel();
        try (WsClient c = server.connectQuiet(207)) {
            c.request("subscribe", Map.of("channel", ch));
            JsonNode ack = c.request("unsubscribe", Map.of("channel", ch));
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.at("/data/type").asText()).isEqualTo("unsubscribe");
            assertThat(ack.at("/data/subscribed").asBoolean()).isTrue();
            assertThat(c.request("unsubscribe", Map.of("channel", ch)).at("/data/subscribed").asBoolean()).isFalse();
            publish(server, ch, 1);
            c.expectNoFrame(Duration.ofMillis(200));
            assertThat(c.requestError("unsubscribe", Map.of())).isEqualTo("missing_field");
        }
    }

    @Test
    void sinceWithinHistory_replaysMissedPublicationsBeforeTheAck() {
        String ch = channel();
        long seen;
        String epoch;
        try (WsClient first = server.connectQuiet(208)) {
            first.request("subscribe", Map.of("channel", ch));
            publish(server, ch, 1);
            publish(server, ch, 2);
            JsonNode last = first.awaitType("update");
            last = first.awaitType("update");
            seen = last.get("offset").asLong();
            epoch = first.request("subscribe", Map.of("channel", ch)).at("/data/epoch").asText();
        }
        publish(server, ch, 3);
        publish(server, ch, 4);
        publish(server, ch, 5);
        try (WsClient again = server.connectQuiet(208)) {
            Map<String, Object> data = since(ch, seen);
            data.put("epoch", epoch);
            String id = again.send("subscribe", data);
            List<Long> replayed = new ArrayList<>();
            JsonNode f;
            while (!(f = again.next()).path("id").asText().equals(id)) {
                assertThat(f.get("type").asText()).isEqualTo("update");
                replayed.add(f.get("offset").asLong());
                assertThat(f.at("/data/n").asLong()).isEqualTo(f.get("offset").asLong());
            }
            assertThat(replayed).containsExactly(3L, 4L, 5L);
            assertThat(f.at("/data/recovered").asBoolean()).isTrue();
            assertThat(f.at("/data/offset").asLong()).isEqualTo(5);
            publish(server, ch, 6);
            assertThat(again.awaitType("update").get("offset").asLong()).isEqualTo(6);
        }
    }

    /**
     * With Redis the history is read asynchronously, so an unsubscribe sent right after a
     * subscribe with {@code since} is handled while the history is on its way; both still get an
     * answer, the subscribe's saying it no longer holds.
     */
    @Test
    void unsubscribeOvertakingARecoveringSubscribe_bothAreAnswered() {
        String ch = channel();
        Map<String, String> redis = Map.of("redis.url", "redis://127.0.0.1:6379",
                "redis.key-prefix", "herald-test-" + UUID.randomUUID() + ":", "demo.enabled", "false");
        try (TestServer node = TestServer.start(redis); WsClient c = node.connectQuiet(212)) {
            publish(node, ch, 1);
            int overtaken = 0;
            for (int round = 0; round < 20; round++) {
                String sub = c.send("subscribe", since(ch, 0));
                String unsub = c.send("unsubscribe", Map.of("channel", ch));
                JsonNode subAck = c.awaitReply(sub);
                JsonNode unsubAck = c.awaitReply(unsub);
                assertThat(subAck.get("type").asText()).as(subAck.toString()).isEqualTo("ack");
                assertThat(unsubAck.at("/data/subscribed").asBoolean()).isTrue();
                if (subAck.at("/data").has("subscribed")) {
                    assertThat(subAck.at("/data/subscribed").asBoolean()).isFalse();
                    overtaken++;
                }
            }
            long after = publish(node, ch, 2);
            for (JsonNode f; (f = c.maybeNext(Duration.ofMillis(200))) != null; ) {
                assertThat(f.path("offset").asLong()).as("replayed history only, nothing live: %s", f).isLessThan(after);
            }
            assertThat(overtaken).as("rounds where the unsubscribe overtook the history read").isPositive();
        }
    }

    /**
     * Without {@code since} the position is read once the node hears the channel (a round trip to
     * Redis, slowed down here): an unsubscribe sent right after is answered first, and the
     * subscribe's one ack then says it no longer holds.
     */
    @Test
    void unsubscribeOvertakingAPlainSubscribe_bothAreAnswered_theAckSaysNotSubscribed() throws Exception {
        try (TcpForwarder slowRedis = new TcpForwarder(6379, 50)) {
            Map<String, String> redis = Map.of("redis.url", "redis://127.0.0.1:" + slowRedis.port(),
                    "redis.key-prefix", "herald-test-" + UUID.randomUUID() + ":", "demo.enabled", "false");
            try (TestServer node = TestServer.start(redis); WsClient c = node.connectQuiet(214)) {
                String ch = channel();
                String sub = c.send("subscribe", Map.of("channel", ch));
                String unsub = c.send("unsubscribe", Map.of("channel", ch));
                List<JsonNode> replies = new ArrayList<>();
                for (JsonNode f; (f = c.maybeNext(Duration.ofSeconds(2))) != null; ) {
                    replies.add(f);
                }
                List<JsonNode> subReplies = replies.stream().filter(f -> sub.equals(f.path("id").asText())).toList();
                assertThat(subReplies).as("%s", replies).hasSize(1);
                assertThat(replies).filteredOn(f -> unsub.equals(f.path("id").asText())).hasSize(1);
                JsonNode subscribed = subReplies.get(0).at("/data/subscribed");
                assertThat(subscribed.isBoolean() && !subscribed.asBoolean()).as("%s", subReplies.get(0)).isTrue();
                publish(node, ch, 1);
                c.expectNoFrame(Duration.ofMillis(300));
            }
        }
    }

    /**
     * A subscribe with {@code since} whose history read fails (Redis out of reach) after an
     * unsubscribe of the same channel overtook it: both frames still get exactly one reply each.
     * The link to Redis is slow (300 ms each way), so the unsubscribe is handled while the
     * channel's SUBSCRIBE is on its way, and then cut, so the read that follows fails.
     */
    @Test
    void unsubscribeOvertakingASubscribeWhoseHistoryReadFails_bothGetExactlyOneReply() throws Exception {
        String ch = channel();
        try (TcpForwarder redisLink = new TcpForwarder(6379, 300)) {
            Map<String, String> redis = Map.of("redis.url", "redis://127.0.0.1:" + redisLink.port(), "redis.timeout", "3s",
                    "redis.key-prefix", "herald-test-" + UUID.randomUUID() + ":", "demo.enabled", "false");
            try (TestServer node = TestServer.start(redis); WsClient c = node.connectQuiet(213)) {
                String sub = c.send("subscribe", since(ch, 0));
                String unsub = c.send("unsubscribe", Map.of("channel", ch));
                JsonNode unsubAck = c.awaitReply(unsub);
                assertThat(unsubAck.at("/data/subscribed").asBoolean()).as("answered while the subscribe waits").isTrue();
                redisLink.cut();
                List<JsonNode> replies = new ArrayList<>(List.of(unsubAck));
                for (JsonNode f; (f = c.maybeNext(Duration.ofSeconds(8))) != null; ) {
                    replies.add(f);
                }
                assertThat(replies).as("replies to the subscribe").filteredOn(f -> sub.equals(f.path("id").asText())).hasSize(1);
                assertThat(replies).as("replies to the unsubscribe").filteredOn(f -> unsub.equals(f.path("id").asText())).hasSize(1);
            }
        }
    }

    @Test
    void sinceTheLatestOffset_recoversNothingMissed() {
        String ch = channel();
        long at = publish(server, ch, 1);
        try (WsClient c = server.connectQuiet(209)) {
            JsonNode ack = c.request("subscribe", since(ch, at));
            assertThat(ack.at("/data/recovered").asBoolean()).isTrue();
            c.expectNoFrame(Duration.ofMillis(100));
        }
    }

    @Test
    void sinceBeyondTheHistory_answersRecoveredFalseWithoutReplay() {
        String ch = channel();
        for (int i = 1; i <= HISTORY + 5; i++) {
            publish(server, ch, i);
        }
        try (WsClient c = server.connectQuiet(210)) {
            JsonNode ack = c.request("subscribe", since(ch, 2));
            assertThat(ack.get("type").asText()).as("nothing replayed before the ack").isEqualTo("ack");
            assertThat(ack.at("/data/recovered").asBoolean()).isFalse();
            assertThat(ack.at("/data/offset").asLong()).isEqualTo(HISTORY + 5);
            publish(server, ch, 99);
            assertThat(c.awaitType("update").get("offset").asLong()).as("live delivery continues").isEqualTo(HISTORY + 6);
        }
    }

    @Test
    void sinceWithAnotherEpochOrFromTheFuture_isNotRecovered() {
        String ch = channel();
        publish(server, ch, 1);
        publish(server, ch, 2);
        try (WsClient c = server.connectQuiet(211)) {
            Map<String, Object> data = since(ch, 1);
            data.put("epoch", "not-this-one");
            assertThat(c.request("subscribe", data).at("/data/recovered").asBoolean()).isFalse();
        }
        try (WsClient c = server.connectQuiet(211)) {
            assertThat(c.request("subscribe", since(ch, 50)).at("/data/recovered").asBoolean()).isFalse();
            assertThat(c.requestError("subscribe", Map.of("channel", channel(), "since", -1))).isEqualTo("invalid_field");
            assertThat(c.requestError("subscribe", Map.of("channel", channel(), "since", "3"))).isEqualTo("invalid_field");
        }
    }

    @Test
    void historyPastItsTtl_isNotRecovered() throws Exception {
        // long enough for a connect on a loaded machine to fall within it
        try (TestServer shortLived = TestServer.start(Map.of("channels.history-ttl", "2s"))) {
            publish(shortLived, "ticker", 1);
            publish(shortLived, "ticker", 2);
            try (WsClient c = shortLived.connectQuiet(212)) {
                assertThat(c.request("subscribe", since("ticker", 1)).at("/data/recovered").asBoolean()).isTrue();
                assertThat(c.awaitType("update").get("offset").asLong()).isEqualTo(2);
            }
            Thread.sleep(2100);
            try (WsClient c = shortLived.connectQuiet(212)) {
                JsonNode ack = c.request("subscribe", since("ticker", 1));
                assertThat(ack.at("/data/recovered").asBoolean()).isFalse();
                assertThat(ack.at("/data/offset").asLong()).isEqualTo(2);
            }
        }
    }

    @Test
    void recoveringWhilePublicationsKeepComing_losesAndDuplicatesNothing() throws Exception {
        String ch = channel();
        int total = HISTORY - 10;
        publish(server, ch, 1);
        Thread publisher = new Thread(() -> {
            for (int i = 2; i <= total; i++) {
                publish(server, ch, i);
            }
        });
        try (WsClient c = server.connectQuiet(213)) {
            publisher.start();
            Await.until("publications under way", () -> !publisher.isAlive() || currentOffset(ch) >= 5);
            c.send("subscribe", since(ch, 1));
            publisher.join();
            List<Long> offsets = new ArrayList<>();
            while (offsets.isEmpty() || offsets.get(offsets.size() - 1) < total) {
                JsonNode f = c.next();
                if (f.has("offset")) {
                    offsets.add(f.get("offset").asLong());
                } else {
                    assertThat(f.at("/data/recovered").asBoolean()).isTrue();
                }
            }
            assertThat(offsets).containsExactlyElementsOf(LongStream.rangeClosed(2, total).boxed().toList());
        }
    }

    private static long currentOffset(String ch) {
        try (WsClient c = server.connectQuiet(299)) {
            return c.request("subscribe", Map.of("channel", ch)).at("/data/offset").asLong();
        }
    }

    @Test
    void privateChannel_withoutTheClaim_isForbidden() {
        try (WsClient c = server.connectQuiet(214)) {
            JsonNode err = c.request("subscribe", Map.of("channel", "private-board"));
            assertThat(err.get("type").asText()).isEqualTo("error");
            assertThat(err.at("/data/code").asText()).isEqualTo("forbidden");
            assertThat(err.get("id").asText()).isNotBlank();
            publish(server, "private-board", 1);
            c.expectNoFrame(Duration.ofMillis(200));
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void privateChannel_withTheClaimOrAWildcard_isJoined() {
        String exact = server.token(215, false, List.of("private-board"), Duration.ofHours(1));
        String wildcard = server.token(216, false, List.of("private-team-*"), Duration.ofHours(1));
        try (WsClient a = server.connectQuiet(exact); WsClient b = server.connectQuiet(wildcard)) {
            assertThat(a.request("subscribe", Map.of("channel", "private-board")).get("type").asText()).isEqualTo("ack");
            assertThat(a.requestError("subscribe", Map.of("channel", "private-board2"))).isEqualTo("forbidden");
            assertThat(b.request("subscribe", Map.of("channel", "private-team-7")).get("type").asText()).isEqualTo("ack");
            assertThat(b.requestError("subscribe", Map.of("channel", "private-board"))).isEqualTo("forbidden");
            publish(server, "private-team-7", 1);
            assertThat(b.awaitType("update").get("channel").asText()).isEqualTo("private-team-7");
        }
    }

    @Test
    void privateChannel_isOpenToAnAdmin() {
        try (WsClient admin = server.connectQuiet(server.adminToken(217))) {
            assertThat(admin.request("subscribe", Map.of("channel", "private-anything")).get("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void closingAConnection_dropsItsSubscriptions() {
        String ch = channel();
        WsClient c = server.connectQuiet(218);
        c.request("subscribe", Map.of("channel", ch));
        assertThat(server.herald().channels().hasSubscribers(ch)).isTrue();
        c.close();
        Await.until("subscription dropped", () -> !server.herald().channels().hasSubscribers(ch));
    }
}
