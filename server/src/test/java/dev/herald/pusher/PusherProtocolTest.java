package dev.herald.pusher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestTicker;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Pusher WebSocket protocol on a real node, frame by frame (raw client, no library to smooth things over). */
class PusherProtocolTest {
    static final String KEY = "proto-key";
    static final String SECRET = "proto-secret-0123456789";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("pusher.apps", "42:" + KEY + ":" + SECRET, "pusher.max-presence-members", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String auth(String socketId, String channel, String channelData) {
        return KEY + ":" + PusherSignature.hmac(SECRET, socketId + ":" + channel + (channelData == null ? "" : ":" + channelData));
    }

    static PusherClient connect() {
        return PusherClient.connect(server, KEY);
    }

    @Test
    void connectionEstablished_carriesTheSocketIdAndActivityTimeoutAsAJsonString() {
        WsClient ws = WsClient.open("ws://127.0.0.1:" + server.port() + "/app/" + KEY + "?protocol=7");
        JsonNode first = ws.next();
        assertThat(first.path("data").isTextual()).as("data is a JSON string: %s", first).isTrue();
        JsonNode data = PusherClient.parse(first.path("data").asText());
        assertThat(data.path("socket_id").asText()).matches("\\d+\\.\\d+");
        assertThat(data.path("activity_timeout").asInt()).isEqualTo(25);
        ws.sendRaw("{\"event\":\"pusher:ping\",\"data\":{}}");
        assertThat(ws.next().path("event").asText()).isEqualTo("pusher:pong");
        ws.close();
    }

    @Test
    void refusals_atConnect_useTheCodesPusherDocuments() {
        assertRefused("/app/nope?protocol=7", 4001);
        assertRefused("/app/" + KEY, 4008);
        assertRefused("/app/" + KEY + "?protocol=6", 4007);
    }

    private static void assertRefused(String path, int code) {
        WsClient ws = WsClient.open("ws://127.0.0.1:" + server.port() + path);
        JsonNode error = ws.next();
        assertThat(error.path("event").asText()).as("%s", error).isEqualTo("pusher:error");
        assertThat(error.at("/data/code").asInt()).isEqualTo(code);
        assertThat(ws.awaitClose().code()).isEqualTo(code);
    }

    @Test
    void malformedAndUnknownMessages_getPusherErrors_andTheConnectionLives() {
        try (PusherClient c = connect()) {
            c.ws.sendRaw("not json");
            assertThat(c.await("pusher:error").at("/data/message").asText()).contains("not JSON");
            c.ws.sendRaw("[1,2]");
            assertThat(c.await("pusher:error").at("/data/message").asText()).contains("malformed");
            c.send("pusher:whatever", Map.of());
            assertThat(c.await("pusher:error").at("/data/message").asText()).contains("unsupported event");
            c.send("pusher:subscribe", Map.of("channel", "bad name!"));
            assertThat(c.await("pusher:error").at("/data/message").asText()).contains("may only contain");
            c.send("pusher:subscribe", Map.of("channel", "x".repeat(201)));
            assertThat(c.await("pusher:error").at("/data/message").asText()).contains("at most 200");
            c.send("pusher:ping", Map.of());
            c.await("pusher:pong");
        }
    }

    @Test
    void privateChannels_needTheAppsSignature() {
        try (PusherClient c = connect()) {
            c.send("pusher:subscribe", Map.of("channel", "private-a", "auth", KEY + ":" + "0".repeat(64)));
            assertThat(c.await("pusher:error").at("/data/code").asInt()).isEqualTo(4009);
            c.send("pusher:subscribe", Map.of("channel", "private-a", "auth", auth("1.2", "private-a", null)));
            assertThat(c.await("pusher:error").at("/data/code").asInt()).as("another socket's signature").isEqualTo(4009);
            c.subscribe("private-a", auth(c.socketId, "private-a", null), null);
        }
    }

    @Test
    void clientEvents_goToTheOthers_onlyOnPrivateAndPresence_withinSize() {
        try (PusherClient a = connect(); PusherClient b = connect()) {
            a.subscribe("private-room", auth(a.socketId, "private-room", null), null);
            b.subscribe("private-room", auth(b.socketId, "private-room", null), null);
            a.subscribe("public-room", null, null);
            a.sendOn("private-room", "client-typing", Map.of("who", "a"));
            JsonNode got = b.await("client-typing");
            assertThat(got.path("channel").asText()).isEqualTo("private-room");
            assertThat(PusherClient.parse(got.path("data").asText()).path("who").asText()).isEqualTo("a");
            a.expectNo("client-typing", Duration.ofMillis(300));

            a.sendOn("public-room", "client-x", Map.of());
            assertThat(a.await("pusher:error").at("/data/message").asText()).contains("private- and presence-");
            a.sendOn("private-other", "client-x", Map.of());
            assertThat(a.await("pusher:error").at("/data/message").asText()).contains("subscribes to");
            a.sendOn("private-room", "client-big", Map.of("x", "y".repeat(11 * 1024)));
            assertThat(a.await("pusher:error").at("/data/message").asText()).contains("over the limit of 10240");
            b.expectNo("client-big", Duration.ofMillis(200));
        }
    }

    @Test
    void clientEvents_overTheRate_exactlyTheLimitGoesThrough_thenOneMorePerTenthOfASecond() {
        // a node of its own whose connections' time stands still but when the test moves it: the
        // bucket (10 a second, a burst of 10) refills only by the advances below, however slow the machine
        TestTicker ticker = new TestTicker();
        try (TestServer frozen = TestServer.start(ticker, Map.of("pusher.apps", "42:" + KEY + ":" + SECRET));
             PusherClient a = PusherClient.connect(frozen, KEY); PusherClient b = PusherClient.connect(frozen, KEY)) {
            a.subscribe("private-room", auth(a.socketId, "private-room", null), null);
            b.subscribe("private-room", auth(b.socketId, "private-room", null), null);
            for (int i = 0; i < 12; i++) {
                a.sendOn("private-room", "client-burst", Map.of("i", i));
            }
            for (int refused = 0; refused < 2; refused++) {
                assertThat(a.await("pusher:error").at("/data/code").asInt()).isEqualTo(4301);
            }
            assertThat(burstsTo(b)).as("a burst of 12 against 10 a second").containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            a.expectNo("pusher:error", Duration.ofMillis(100));

            ticker.advance(Duration.ofMillis(100)); // one token back
            a.sendOn("private-room", "client-burst", Map.of("i", 12));
            a.sendOn("private-room", "client-burst", Map.of("i", 13));
            assertThat(a.await("pusher:error").at("/data/code").asInt()).isEqualTo(4301);
            assertThat(burstsTo(b)).as("after a tenth of a second, one").containsExactly(12);
        }
    }

    /** The {@code i} of each client-burst {@code to} receives until nothing more comes for 300 ms. */
    private static java.util.List<Integer> burstsTo(PusherClient to) {
        java.util.List<Integer> got = new java.util.ArrayList<>();
        for (JsonNode m; (m = to.ws.maybeNext(Duration.ofMillis(300))) != null; ) {
            if (m.path("event").asText().equals("client-burst")) {
                got.add(PusherClient.parse(m.path("data").asText()).path("i").asInt());
            }
        }
        return got;
    }

    @Test
    void presence_addsAndRemovesEachUserOnce_however_manyTabs() {
        String ch = "presence-team";
        String u1 = "{\"user_id\":\"u1\",\"user_info\":{\"name\":\"One\"}}";
        String u2 = "{\"user_id\":\"u2\"}";
        try (PusherClient watcher = connect(); PusherClient tab1 = connect(); PusherClient tab2 = connect()) {
            JsonNode first = watcher.subscribe(ch, auth(watcher.socketId, ch, u1), u1);
            assertThat(first.at("/presence/count").asInt()).isEqualTo(1);
            assertThat(first.at("/presence/hash/u1/name").asText()).isEqualTo("One");

            tab1.subscribe(ch, auth(tab1.socketId, ch, u2), u2);
            JsonNode added = watcher.await("pusher_internal:member_added");
            assertThat(PusherClient.parse(added.path("data").asText()).path("user_id").asText()).isEqualTo("u2");
            JsonNode both = tab2.subscribe(ch, auth(tab2.socketId, ch, u2), u2);
            assertThat(both.at("/presence/count").asInt()).as("u2's second tab: still two users").isEqualTo(2);
            watcher.expectNo("pusher_internal:member_added", Duration.ofMillis(300));

            tab2.send("pusher:unsubscribe", Map.of("channel", ch));
            watcher.expectNo("pusher_internal:member_removed", Duration.ofMillis(300));
            tab1.close();
            JsonNode removed = watcher.await("pusher_internal:member_removed");
            assertThat(PusherClient.parse(removed.path("data").asText()).path("user_id").asText()).isEqualTo("u2");
        }
    }

    @Test
    void presence_refusesABadSignatureOverChannelData_andAFullChannel() {
        String ch = "presence-small";
        try (PusherClient a = connect()) {
            String data = "{\"user_id\":\"x\"}";
            a.send("pusher:subscribe", Map.of("channel", ch, "auth", auth(a.socketId, ch, "{\"user_id\":\"y\"}"),
                    "channel_data", data));
            assertThat(a.await("pusher:error").at("/data/code").asInt()).as("signed for another user").isEqualTo(4009);
        }
        PusherClient[] members = new PusherClient[3];
        try {
            for (int i = 0; i < 3; i++) {
                members[i] = connect();
                String d = "{\"user_id\":\"m" + i + "\"}";
                members[i].subscribe(ch, auth(members[i].socketId, ch, d), d);
            }
            try (PusherClient late = connect()) {
                String d = "{\"user_id\":\"late\"}";
                late.send("pusher:subscribe", Map.of("channel", ch, "auth", auth(late.socketId, ch, d), "channel_data", d));
                assertThat(late.await("pusher:error").at("/data/message").asText()).contains("is full");
            }
        } finally {
            for (PusherClient m : members) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }

    @Test
    void oneChannelSpace_herald_ws_andPusher_clients_hearEachOther() {
        try (PusherClient p = connect(); WsClient ws = server.connect(5)) {
            ws.request("subscribe", Map.of("channel", "shared"));
            p.subscribe("shared", null, null);
            var sent = server.api("POST", "/admin/websocket/send-to-channel",
                    "{\"channel\":\"shared\",\"type\":\"price\",\"data\":{\"v\":1}}");
            assertThat(sent.status()).as(sent.body()).isEqualTo(200);
            JsonNode atPusher = p.await("price");
            assertThat(PusherClient.parse(atPusher.path("data").asText()).path("v").asInt()).isEqualTo(1);
            assertThat(ws.awaitType("price").at("/data/v").asInt()).isEqualTo(1);

            var trigger = PusherHttpApiTest.signed(server, "42", KEY, SECRET, "POST", "/apps/42/events",
                    "{\"name\":\"tick\",\"channel\":\"shared\",\"data\":\"{\\\"n\\\":7}\"}");
            assertThat(trigger.status()).as(trigger.body()).isEqualTo(200);
            JsonNode atWs = ws.awaitType("tick");
            assertThat(atWs.at("/data/n").asInt()).as("object data arrives structured at /ws: %s", atWs).isEqualTo(7);
            assertThat(atWs.path("offset").asLong()).as("and in the channel's history").isGreaterThan(0);
            assertThat(p.await("tick").path("data").asText()).isEqualTo("{\"n\":7}");
        }
    }
}
