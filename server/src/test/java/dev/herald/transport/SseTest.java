package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.SseClient;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /sse} against a real node, read byte by byte from a plain socket: the refusals are
 * those of {@code /ws}, every push a WebSocket would get arrives as an event, {@code Last-Event-ID}
 * resumes channels and the inbox backlog without loss, comments keep the stream alive, acks go
 * over HTTP, and a client that does not read is cut off like a slow WebSocket.
 */
class SseTest {
    static final int PER_USER = 3;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.heartbeat-interval", "2s",
                "gateway.max-connections-per-user", Integer.toString(PER_USER),
                "gateway.max-outbound-bytes", "256KiB", "http.rate-limit", "10000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SseClient open(String pathAndQuery) {
        return SseClient.open(server.port(), pathAndQuery, Map.of());
    }

    private static SseClient open(long user, String extra) {
        SseClient c = open("/sse?token=" + server.token(user) + extra);
        assertThat(c.status()).as("status of /sse for user " + user).isEqualTo(200);
        c.awaitType("init");
        return c;
    }

    @Test
    void refusals_areTheWebSocketsOwn_inTheJsonEnvelope() {
        try (SseClient none = open("/sse")) {
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body().get("code").asInt()).isEqualTo(401);
            assertThat(none.body().get("message").asText()).contains("token is required").contains("/sse");
        }
        try (SseClient bad = open("/sse?token=not.a.jwt")) {
            assertThat(bad.status()).isEqualTo(401);
            assertThat(bad.body().at("/data/errors/token").asText()).isEqualTo("token_invalid");
        }
        try (SseClient other = open("/sse?token=" + server.token(31) + "&user_id=32")) {
            assertThat(other.status()).isEqualTo(403);
        }
        try (SseClient badId = open("/sse?token=" + server.token(31) + "&user_id=x")) {
            assertThat(badId.status()).isEqualTo(422);
            assertThat(badId.body().at("/data/errors/user_id").isTextual()).isTrue();
        }
        try (SseClient badChannel = open("/sse?token=" + server.token(31) + "&channels=ok,no%20spaces")) {
            assertThat(badChannel.status()).isEqualTo(422);
            assertThat(badChannel.body().at("/data/errors/channels").isTextual()).isTrue();
        }
        try (SseClient privateChannel = open("/sse?token=" + server.token(31) + "&channels=private-boss")) {
            assertThat(privateChannel.status()).isEqualTo(403);
        }
        try (SseClient badCursor = SseClient.open(server.port(), "/sse?token=" + server.token(31),
                Map.of("Last-Event-ID", "news~x~"))) {
            assertThat(badCursor.status()).isEqualTo(422);
            assertThat(badCursor.body().at("/data/errors/last_event_id").isTextual()).isTrue();
        }
        assertThat(server.isOnline(31)).isFalse();
    }

    @Test
    void perUserCap_countsBothTransports_and_refusesWith429() {
        List<AutoCloseable> held = new ArrayList<>();
        try {
            held.add(open(41, ""));
            held.add(open(41, ""));
            held.add(server.connectQuiet(41));
            try (SseClient over = open("/sse?token=" + server.token(41))) {
                assertThat(over.status()).isEqualTo(429);
                assertThat(over.body().get("message").asText()).contains("maximum of " + PER_USER);
            }
            assertThat(WsClient.refusal(server.wsUrl(server.token(41)))).as("a /ws upgrade past the cap").isNotNull();
        } finally {
            held.forEach(c -> {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            });
        }
        Await.until("places given back", () -> server.herald().users().connectionsOf(41).length == 0);
        try (SseClient again = open(41, "")) {
            assertThat(again.status()).isEqualTo(200);
        }
    }

    @Test
    void connectRatePerUser_appliesToStreamsToo() {
        try (TestServer limited = TestServer.start(Map.of("server.connect-rate-per-user", "2"))) {
            String token = limited.token(45);
            for (int i = 0; i < 2; i++) {
                try (SseClient ok = SseClient.open(limited.port(), "/sse?token=" + token, Map.of())) {
                    assertThat(ok.status()).isEqualTo(200);
                }
            }
            try (SseClient third = SseClient.open(limited.port(), "/sse?token=" + token, Map.of())) {
                assertThat(third.status()).isEqualTo(429);
                assertThat(third.body().get("message").asText()).contains("connects too often");
            }
            assertThat(limited.metric("herald_refused_total{reason=\"connect_rate\"}")).isEqualTo(1);
        }
    }

    @Test
    void stream_hasTheHeadersProxiesNeed_andEventsAreTypeDataBlankLine() {
        try (SseClient c = open("/sse?token=" + server.token(51))) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(c.header("content-type")).startsWith("text/event-stream");
            assertThat(c.header("cache-control")).isEqualTo("no-cache");
            assertThat(c.header("x-accel-buffering")).isEqualTo("no");
            SseClient.Event init = c.awaitType("init");
            assertThat(init.lines()).hasSize(2);
            assertThat(init.lines().get(0)).isEqualTo("event: init");
            assertThat(init.lines().get(1)).startsWith("data: {\"type\":\"init\"");
            assertThat(init.json().at("/data/user_id").asLong()).isEqualTo(51);
            assertThat(init.id()).isNull();
            Await.until("on-line as a user", () -> server.isOnline(51));
            assertThat(server.metric("herald_sse_connections")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void heartbeatComments_comeEveryInterval() {
        try (SseClient c = open(61, "")) {
            Await.until("two heartbeat comments", () -> c.comments().size() >= 2, Duration.ofSeconds(6));
            assertThat(c.comments()).allMatch(": heartbeat"::equals);
        }
    }

    @Test
    void aSilentStream_isNotCutAsIdle_whileAWebSocketIs() throws InterruptedException {
        try (TestServer quick = TestServer.start(Map.of("gateway.idle-timeout", "2s", "gateway.heartbeat-interval", "1s"));
             SseClient stream = SseClient.open(quick.port(), "/sse?token=" + quick.token(47), Map.of());
             var socket = dev.herald.testing.RawSocket.connectWs(quick.port(), "/ws?token=" + quick.token(48))) {
            stream.awaitType("init");
            Await.until("both on-line", () -> quick.isOnline(47) && quick.isOnline(48));
            // the raw WebSocket never answers the server's pings: idle after 2 s, closed by the sweep
            Await.until("the silent WebSocket cut as idle", () -> !quick.isOnline(48), Duration.ofSeconds(8));
            Thread.sleep(1500);
            assertThat(quick.isOnline(47)).as("the stream's client sends nothing by design").isTrue();
            assertThat(stream.comments()).isNotEmpty();
        }
    }

    @Test
    void sendToUser_broadcast_andChannel_reachTheStream() {
        try (SseClient c = open(71, "&channels=sse-news")) {
            JsonNode ack = c.awaitType("ack").json();
            assertThat(ack.at("/data/type").asText()).isEqualTo("subscribe");
            assertThat(ack.at("/data/channel").asText()).isEqualTo("sse-news");
            assertThat(server.api("POST", "/admin/websocket/send-to-user",
                    "{\"user_id\":71,\"type\":\"order.paid\",\"data\":{\"n\":1}}").json().at("/data/is_online").asBoolean())
                    .isTrue();
            SseClient.Event toUser = c.awaitType("order.paid");
            assertThat(toUser.json().at("/data/n").asInt()).isEqualTo(1);
            server.api("POST", "/admin/websocket/broadcast", "{\"type\":\"everyone\",\"data\":{\"n\":2}}");
            assertThat(c.awaitType("everyone").json().at("/data/n").asInt()).isEqualTo(2);
            server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"sse-news\",\"type\":\"m\",\"data\":{\"n\":3}}");
            SseClient.Event published = c.awaitType("m");
            assertThat(published.json().at("/channel").asText()).isEqualTo("sse-news");
            assertThat(published.id()).startsWith("sse-news~" + published.json().at("/offset").asLong() + "~");
        }
    }

    @Test
    void lastEventId_resumesEveryChannel_withExactlyTheMissedMessages() {
        String first;
        String second;
        try (SseClient c = open(81, "&channels=resume-a,resume-b")) {
            c.awaitType("ack");
            c.awaitType("ack");
            publish("resume-a", 1);
            publish("resume-b", 2);
            c.await("a 1", e -> "resume-a".equals(e.json().at("/channel").asText()));
            SseClient.Event b = c.await("b 2", e -> "resume-b".equals(e.json().at("/channel").asText()));
            first = "resume-a~1~";
            second = b.id();
            assertThat(second).contains(first).contains("resume-b~1~");
        }
        Await.until("gone", () -> !server.isOnline(81));
        publish("resume-a", 3);
        publish("resume-b", 4);
        publish("resume-a", 5);
        String query = "/sse?token=" + server.token(81) + "&channels=resume-a,resume-b";
        try (SseClient c = SseClient.open(server.port(), query, Map.of("Last-Event-ID", second))) {
            assertThat(c.status()).isEqualTo(200);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(c.await("missed publication", e -> e.json().has("channel")).json().at("/data/n").asInt());
            }
            assertThat(got).containsExactlyInAnyOrder(3, 4, 5);
            c.expectNoEvent(Duration.ofMillis(500), e -> e.json().has("channel"));
            publish("resume-b", 6);
            assertThat(c.await("live", e -> e.json().has("channel")).json().at("/data/n").asInt()).isEqualTo(6);
        }
        // the same resume through the query parameter (a fresh EventSource cannot set the header)
        String encoded = URLEncoder.encode(second, StandardCharsets.UTF_8);
        try (SseClient c = open("/sse?token=" + server.token(81) + "&last_event_id=" + encoded)) {
            assertThat(c.status()).as("channels come from the id when the parameter is absent").isEqualTo(200);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(c.await("missed publication", e -> e.json().has("channel")).json().at("/data/n").asInt());
            }
            assertThat(got).containsExactlyInAnyOrder(3, 4, 5, 6);
        }
    }

    private static void publish(String channel, int n) {
        var r = server.api("POST", "/admin/websocket/send-to-channel",
                "{\"channel\":\"" + channel + "\",\"type\":\"m\",\"data\":{\"n\":" + n + "}}");
        assertThat(r.status()).isEqualTo(200);
    }

    private static long store(long user, String title) {
        var r = server.api("POST", "/admin/system/notifications/send",
                "{\"user_ids\":[" + user + "],\"title\":\"" + title + "\",\"content\":\"c\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.data().get("ids").get(0).asLong();
    }

    @Test
    void backlog_arrivesOnConnect_httpAckMarksDelivered_andOthersIdsAreUntouched() {
        long id = store(91, "while away");
        long keep = store(91, "not acked");
        try (SseClient c = open(91, "")) {
            List<Long> got = new ArrayList<>();
            got.add(c.awaitType("notification").json().at("/data/id").asLong());
            got.add(c.awaitType("notification").json().at("/data/id").asLong());
            assertThat(got).containsExactlyInAnyOrder(id, keep);
            c.awaitType("unread_count");
            // someone else's ack of these ids changes nothing
            var foreign = server.call("POST", "/admin/system/notifications/ack", server.token(92), "{\"ids\":[" + id + "," + keep + "]}");
            assertThat(foreign.status()).isEqualTo(200);
            assertThat(foreign.data().get("acknowledged").asInt()).isZero();
            var ack = server.call("POST", "/admin/system/notifications/ack", server.token(91), "{\"ids\":[" + id + "]}");
            assertThat(ack.status()).isEqualTo(200);
            assertThat(ack.json().get("code").asInt()).isEqualTo(200);
            assertThat(ack.data().get("acknowledged").asInt()).isEqualTo(1);
        }
        Await.until("gone", () -> !server.isOnline(91));
        long later = store(91, "sent while disconnected");
        try (SseClient c = open(91, "")) {
            List<Long> got = new ArrayList<>();
            got.add(c.awaitType("notification").json().at("/data/id").asLong());
            got.add(c.awaitType("notification").json().at("/data/id").asLong());
            assertThat(got).containsExactlyInAnyOrder(keep, later);
            c.awaitType("unread_count");
            c.expectNoEvent(Duration.ofMillis(300), e -> "notification".equals(e.event()));
        }
    }

    @Test
    void malformedAcks_areRefusedInTheEnvelope() {
        String token = server.token(95);
        String path = "/admin/system/notifications/ack";
        assertThat(server.call("POST", path, token, "{\"ids\":[]}").status()).isEqualTo(422);
        var notIds = server.call("POST", path, token, "{\"ids\":[\"x\", -1]}");
        assertThat(notIds.status()).isEqualTo(422);
        assertThat(notIds.json().at("/data/errors/ids").isTextual()).isTrue();
        StringBuilder many = new StringBuilder("{\"ids\":[1");
        for (int i = 2; i <= 1001; i++) {
            many.append(',').append(i);
        }
        assertThat(server.call("POST", path, token, many.append("]}").toString()).status()).isEqualTo(422);
        assertThat(server.call("POST", path, token, "{not json").status()).isEqualTo(400);
        assertThat(server.call("POST", path, null, "{\"ids\":[1]}").status()).isEqualTo(401);
    }

    @Test
    void aStreamThatIsNotRead_isClosedAsASlowConsumer() {
        String filler = "x".repeat(100 * 1024);
        double before = server.metric("herald_disconnects_total{reason=\"slow_consumer\"}");
        try (SseClient healthy = open(98, "");
             SseClient slow = SseClient.open(server.port(), "/sse?token=" + server.token(97), Map.of(), 4096)) {
            Await.until("slow stream registered", () -> server.isOnline(97));
            long pushed = 0;
            int probes = 0;
            while (server.isOnline(97)) {
                assertThat(pushed).as("cut off before this much was pushed to it").isLessThan(16L * 1024 * 1024);
                server.api("POST", "/admin/websocket/send-to-user",
                        "{\"user_id\":97,\"type\":\"bulk\",\"data\":{\"blob\":\"" + filler + "\"}}");
                pushed += filler.length();
                server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":98,\"type\":\"probe\",\"data\":{\"n\":" + probes++ + "}}");
            }
            for (int i = 0; i < probes; i++) {
                assertThat(healthy.awaitType("probe").json().at("/data/n").asInt()).isEqualTo(i);
            }
            assertThat(server.metric("herald_disconnects_total{reason=\"slow_consumer\"}")).isEqualTo(before + 1);
            assertThat(slow.closedByServer(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void anExpiredToken_endsTheStreamWithTokenExpiredThenClose4002() {
        try (TestServer strict = TestServer.start(Map.of("auth.clock-skew", "1s"));
             SseClient c = SseClient.open(strict.port(), "/sse?token="
                     + strict.token(49, false, List.of(), Duration.ofSeconds(2)), Map.of())) {
            assertThat(c.status()).isEqualTo(200);
            c.awaitType("init");
            SseClient.Event error = c.awaitType("error");
            assertThat(error.json().at("/data/code").asText()).isEqualTo("token_expired");
            assertThat(c.awaitType("close").json().at("/data/code").asInt()).isEqualTo(4002);
            assertThat(c.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void disconnectUser_endsTheStreamWithACloseEvent() {
        try (SseClient c = open(99, "")) {
            Await.until("on-line", () -> server.isOnline(99));
            server.api("POST", "/admin/websocket/disconnect-user", "{\"user_id\":99}");
            JsonNode close = c.awaitType("close").json();
            assertThat(close.at("/data/code").asInt()).isEqualTo(4001);
            assertThat(c.awaitEnd(Duration.ofSeconds(5))).isTrue();
        }
    }
}
