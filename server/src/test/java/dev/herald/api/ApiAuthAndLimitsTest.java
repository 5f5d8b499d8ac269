package dev.herald.api;

import static dev.herald.api.WebSocketApiTest.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may call the server API, and what it does with oversized, malformed or hostile requests. */
class ApiAuthAndLimitsTest {
    static final List<String> GETS = List.of("online-count", "online-users");
    static final List<String> POSTS = List.of("check-online", "send-to-user", "send-to-users", "broadcast", "send-to-channel",
            "send-notification", "send-notification-to-users", "push-data-update", "push-data-update-channel",
            "disconnect-user", "bind");
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterEach
    void stillServing() {
        server.assertServesFreshConnection();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void forEachEndpoint(String credential, int expectedStatus) {
        for (String e : GETS) {
            TestServer.Response r = server.call("GET", "/admin/websocket/" + e, credential, null);
            assertThat(r.status()).as("GET " + e).isEqualTo(expectedStatus);
            assertEnvelope(r);
        }
        for (String e : POSTS) {
            TestServer.Response r = server.call("POST", "/admin/websocket/" + e, credential, "{\"user_id\":1,\"user_ids\":[1]}");
            assertThat(r.status()).as("POST " + e).isEqualTo(expectedStatus);
            assertEnvelope(r);
            var data = r.json().get("data");
            assertThat(data.isNull() || data.toString().matches("\\{\"errors\":\\{\"token\":\"token_[a-z_]+\"}}"))
                    .as("data: nothing, or the refused token's reason: %s", data).isTrue();
        }
    }

    @Test
    void noCredential_is401OnEveryEndpoint() {
        forEachEndpoint(null, 401);
    }

    @Test
    void wrongApiKey_is401OnEveryEndpoint() {
        forEachEndpoint("not-the-key-at-all", 401);
        forEachEndpoint(TestServer.API_KEY + "x", 401);
    }

    @Test
    void userToken_is403OnEveryEndpoint() {
        forEachEndpoint(server.token(1201), 403);
    }

    @Test
    void expiredOrForgedAdminToken_is401() {
        forEachEndpoint(server.token(1, true, List.of(), Duration.ofMinutes(-5)), 401);
        String[] parts = server.token(1).split("\\.");
        String adminPayload = server.adminToken(1).split("\\.")[1];
        TestServer.Response r = server.call("GET", "/admin/websocket/online-count", null, null);
        assertThat(r.status()).isEqualTo(401);
        TestServer.Response forged = server.call("GET", "/admin/websocket/online-count",
                parts[0] + "." + adminPayload + "." + parts[2], null);
        assertThat(forged.status()).isEqualTo(401);
    }

    @Test
    void otherAuthorizationSchemes_are401() {
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply r = s.request("GET", "/admin/websocket/online-count",
                    Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes())), null);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("code").asInt()).isEqualTo(401);
        }
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply r = s.request("GET", "/admin/websocket/online-count", Map.of("Authorization", TestServer.API_KEY), null);
            assertThat(r.status()).as("the key without 'Bearer'").isEqualTo(401);
        }
    }

    @Test
    void tenMegabyteBody_is413WithTheEnvelope() {
        String huge = "{\"user_id\":1,\"type\":\"x\",\"data\":{\"blob\":\"" + "z".repeat(10 * 1024 * 1024) + "\"}}";
        TestServer.Response r = server.api("POST", "/admin/websocket/send-to-user", huge);
        assertThat(r.status()).isEqualTo(413);
        assertEnvelope(r);
        assertThat(r.json().get("message").asText()).contains("larger than");
        assertThat(server.api("GET", "/admin/websocket/online-count", null).status()).as("the API still answers").isEqualTo(200);
    }

    @Test
    void tenMegabyteBody_onARawConnection_getsTheEnvelopeBeforeTheBodyIsRead() {
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply r = s.request("POST", "/admin/websocket/send-to-user",
                    Map.of("Authorization", "Bearer " + TestServer.API_KEY, "Content-Type", "application/json",
                            "Content-Length", Integer.toString(10 * 1024 * 1024)), null);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.json().get("code").asInt()).isEqualTo(413);
        }
    }

    @Test
    void oversizedBodySentWholeWithConnectionClose_stillGetsThe413() throws Exception {
        // a close right after the 413 while the body is still arriving makes the kernel reset the
        // connection, and the reset throws away the 413 before the client reads it
        byte[] body = new byte[8 * 1024 * 1024];
        Arrays.fill(body, (byte) 'a');
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            String head = "POST /admin/websocket/send-to-user HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + TestServer.API_KEY + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n";
            var out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("larger than");
        }
    }

    @Test
    void oversizedBodyOnAKeepAliveConnection_isDiscardedAndTheConnectionServesTheNextRequest() {
        byte[] body = new byte[2 * 1024 * 1024];
        Arrays.fill(body, (byte) 'a');
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply tooLarge = s.request("POST", "/admin/websocket/send-to-user",
                    Map.of("Authorization", "Bearer " + TestServer.API_KEY, "Content-Type", "application/json"), body);
            assertThat(tooLarge.status()).isEqualTo(413);
            RawSocket.HttpReply next = s.request("GET", "/admin/websocket/online-count",
                    Map.of("Authorization", "Bearer " + TestServer.API_KEY), null);
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.json().at("/data/online_count").isNumber()).isTrue();
        }
    }

    @Test
    void hundredThousandRecipients_is422NamingUserIds() {
        String ids = IntStream.rangeClosed(1, 100_000).mapToObj(Integer::toString).collect(Collectors.joining(","));
        for (String endpoint : List.of("send-to-users", "send-notification-to-users", "push-data-update")) {
            TestServer.Response r = server.api("POST", "/admin/websocket/" + endpoint,
                    "{\"user_ids\":[" + ids + "],\"type\":\"info\",\"title\":\"t\",\"message\":\"m\",\"resource_type\":\"r\",\"action\":\"a\"}");
            assertThat(r.status()).as(endpoint).isEqualTo(422);
            assertThat(r.data().at("/errors/user_ids").asText()).contains("10000");
        }
    }

    @Test
    void negativeZeroFractionalOrStringIds_are422() {
        for (String id : new String[] {"-1", "0", "1.5", "\"7\"", "true", "{}", "[1]", "99999999999999999999"}) {
            TestServer.Response r = server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":" + id + ",\"type\":\"x\"}");
            assertThat(r.status()).as("user_id " + id).isEqualTo(422);
            assertThat(r.data().at("/errors/user_id").asText()).contains("positive integer");
        }
        for (String ids : new String[] {"[1,-2]", "[\"1\"]", "[1.5]", "\"1,2\"", "{\"a\":1}", "[null]"}) {
            TestServer.Response r = server.api("POST", "/admin/websocket/send-to-users", "{\"user_ids\":" + ids + ",\"type\":\"x\"}");
            assertThat(r.status()).as("user_ids " + ids).isEqualTo(422);
            assertThat(r.data().at("/errors").has("user_ids")).isTrue();
        }
        TestServer.Response exclude = server.api("POST", "/admin/websocket/broadcast", "{\"type\":\"x\",\"exclude_user_id\":-3}");
        assertThat(exclude.status()).isEqualTo(422);
        assertThat(exclude.data().at("/errors").has("exclude_user_id")).isTrue();
    }

    @Test
    void severalBadFields_areAllReportedAtOnce() {
        TestServer.Response r = server.api("POST", "/admin/websocket/push-data-update",
                "{\"user_ids\":[0],\"resource_type\":5,\"action\":\"" + "a".repeat(65) + "\"}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.data().get("errors").size()).isEqualTo(3);
    }

    @Test
    void malformedJsonBodies_are400() {
        for (String body : new String[] {"{", "not json", "[1,2]", "\"text\"", "{\"user_id\":1,\"user_id\":2}", "{} {}"}) {
            TestServer.Response r = server.api("POST", "/admin/websocket/send-to-user", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertEnvelope(r);
        }
    }

    @Test
    void unknownEndpointsAndWrongMethods_get404And405() {
        TestServer.Response missing = server.api("GET", "/admin/websocket/nope", null);
        assertThat(missing.status()).isEqualTo(404);
        assertEnvelope(missing);
        TestServer.Response wrongMethod = server.api("GET", "/admin/websocket/send-to-user", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertEnvelope(wrongMethod);
        assertThat(server.api("DELETE", "/admin/websocket/online-count", null).status()).isEqualTo(405);
        assertThat(server.call("GET", "/no/such/page", null, null).status()).isEqualTo(404);
    }

    @Test
    void malformedHttp_isAnsweredOrClosedWithoutHarm() throws Exception {
        try (RawSocket s = RawSocket.open(server.port())) {
            s.writeRaw("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.awaitEof(Duration.ofSeconds(5))).isTrue();
        }
        try (RawSocket s = RawSocket.open(server.port())) {
            byte[] longLine = new byte[20_000];
            Arrays.fill(longLine, (byte) 'a');
            s.writeRaw(("GET /" + new String(longLine, StandardCharsets.US_ASCII) + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(s.awaitEof(Duration.ofSeconds(5))).isTrue();
        }
        try (WsClient c = server.connectQuiet(1202)) {
            assertThat(c.answersPing()).isTrue();
        }
    }
}
