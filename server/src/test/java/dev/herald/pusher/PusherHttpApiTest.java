package dev.herald.pusher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pusher's HTTP API on a real node: signing, limits and reply shapes (signed by hand, as Pusher documents it). */
class PusherHttpApiTest {
    static final String APP = "7";
    static final String KEY = "http-key";
    static final String SECRET = "http-secret-0123456789";
    static TestServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("pusher.apps", APP + ":" + KEY + ":" + SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Reply(int status, String body) {}

    static Reply signed(TestServer server, String app, String key, String secret, String method, String path, String body) {
        return signed(server, key, secret, method, path, Map.of(), body, q -> q);
    }

    /** Signs {@code query} + the auth parameters, lets {@code tamper} change the query, then sends it. */
    static Reply signed(TestServer server, String key, String secret, String method, String path, Map<String, String> query,
                        String body, UnaryOperator<TreeMap<String, String>> tamper) {
        TreeMap<String, String> q = new TreeMap<>(query);
        q.put("auth_key", key);
        q.put("auth_timestamp", String.valueOf(System.currentTimeMillis() / 1000));
        q.put("auth_version", "1.0");
        if (body != null) {
            q.put("body_md5", PusherSignature.md5(body.getBytes(StandardCharsets.UTF_8)));
        }
        StringBuilder toSign = new StringBuilder();
        q.forEach((k, v) -> toSign.append(toSign.length() == 0 ? "" : "&").append(k).append('=').append(v));
        q.put("auth_signature", PusherSignature.hmac(secret, method + "\n" + path + "\n" + toSign));
        q = tamper.apply(q);
        StringBuilder url = new StringBuilder(server.baseUrl() + path + "?");
        q.forEach((k, v) -> url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString()))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Reply post(String path, String body) {
        return signed(server, KEY, SECRET, "POST", path, Map.of(), body, q -> q);
    }

    static Reply get(String path, Map<String, String> query) {
        return signed(server, KEY, SECRET, "GET", path, query, null, q -> q);
    }

    static String event(String channelField, String data) {
        return "{\"name\":\"e\"," + channelField + ",\"data\":" + data + "}";
    }

    @Test
    void aSignedTrigger_isAnsweredWithAnEmptyObject() {
        Reply r = post("/apps/7/events", event("\"channel\":\"c\"", "\"hello\""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{}");
    }

    @Test
    void signingFailures_are401() {
        String body = event("\"channel\":\"c\"", "\"x\"");
        Reply badSignature = signed(server, KEY, SECRET, "POST", "/apps/7/events", Map.of(), body, q -> {
            q.put("auth_signature", "0".repeat(64));
            return q;
        });
        assertThat(badSignature.status()).as(badSignature.body()).isEqualTo(401);
        Reply wrongSecret = signed(server, KEY, "another-secret-entirely", "POST", "/apps/7/events", Map.of(), body, q -> q);
        assertThat(wrongSecret.status()).isEqualTo(401);
        Reply old = signed(server, KEY, SECRET, "POST", "/apps/7/events", Map.of(), body, q -> {
            q.put("auth_timestamp", String.valueOf(System.currentTimeMillis() / 1000 - 601));
            return q;
        });
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.body()).contains("Timestamp expired");
        Reply wrongMd5 = signed(server, KEY, SECRET, "POST", "/apps/7/events", Map.of(), body, q -> {
            q.put("body_md5", PusherSignature.md5("something else".getBytes(StandardCharsets.UTF_8)));
            return q;
        });
        assertThat(wrongMd5.status()).isEqualTo(401);
        assertThat(wrongMd5.body()).contains("body_md5");
        Reply unknownKey = signed(server, "other-key", SECRET, "POST", "/apps/7/events", Map.of(), body, q -> q);
        assertThat(unknownKey.status()).isEqualTo(401);
        Reply noApp = signed(server, KEY, SECRET, "POST", "/apps/8/events", Map.of(), body, q -> q);
        assertThat(noApp.status()).isEqualTo(404);
    }

    @Test
    void limits_are413And400() {
        Reply big = post("/apps/7/events", event("\"channel\":\"c\"", "\"" + "x".repeat(10 * 1024 + 1) + "\""));
        assertThat(big.status()).as(big.body()).isEqualTo(413);
        Reply fits = post("/apps/7/events", event("\"channel\":\"c\"", "\"" + "x".repeat(10 * 1024) + "\""));
        assertThat(fits.status()).as(fits.body()).isEqualTo(200);
        StringBuilder channels = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            channels.append(i == 0 ? "" : ",").append("\"c").append(i).append('"');
        }
        Reply many = post("/apps/7/events", event("\"channels\":[" + channels + "]", "\"x\""));
        assertThat(many.status()).as(many.body()).isEqualTo(400);
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            batch.append(i == 0 ? "" : ",").append(event("\"channel\":\"c\"", "\"x\""));
        }
        Reply bigBatch = post("/apps/7/batch_events", "{\"batch\":[" + batch + "]}");
        assertThat(bigBatch.status()).as(bigBatch.body()).isEqualTo(400);
        Reply badChannel = post("/apps/7/events", event("\"channel\":\"no spaces\"", "\"x\""));
        assertThat(badChannel.status()).isEqualTo(400);
        Reply objectData = post("/apps/7/events", event("\"channel\":\"c\"", "{\"a\":1}"));
        assertThat(objectData.status()).as("data must be a string").isEqualTo(400);
        Reply badSocket = post("/apps/7/events", "{\"name\":\"e\",\"channel\":\"c\",\"data\":\"x\",\"socket_id\":\"abc\"}");
        assertThat(badSocket.status()).isEqualTo(400);
        Reply userCount = get("/apps/7/channels", Map.of("info", "user_count"));
        assertThat(userCount.status()).as("user_count only with filter_by_prefix=presence-").isEqualTo(400);
    }

    @Test
    void terminateConnections_closesThatPresenceUsersConnectionsOnly() {
        try (PusherClient t1 = PusherClient.connect(server, KEY); PusherClient t2 = PusherClient.connect(server, KEY);
             PusherClient other = PusherClient.connect(server, KEY)) {
            for (PusherClient c : new PusherClient[] {t1, t2, other}) {
                String d = "{\"user_id\":\"" + (c == other ? "keep" : "gone") + "\"}";
                c.subscribe("presence-t", KEY + ":" + PusherSignature.hmac(SECRET, c.socketId + ":presence-t:" + d), d);
            }
            Reply r = post("/apps/7/users/gone/terminate_connections", null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{}");
            for (PusherClient c : new PusherClient[] {t1, t2}) {
                assertThat(c.await("pusher:error").at("/data/code").asInt()).isEqualTo(4009);
                assertThat(c.ws.awaitClose().code()).isEqualTo(4009);
            }
            other.send("pusher:ping", Map.of());
            other.await("pusher:pong");
            assertThat(other.ws.isClosed()).isFalse();
        }
    }

    @Test
    void channelInformation_isShapedLikePushers() {
        try (PusherClient c = PusherClient.connect(server, KEY)) {
            c.subscribe("info-a", null, null);
            String d = "{\"user_id\":\"9\"}";
            c.subscribe("presence-info", KEY + ":" + PusherSignature.hmac(SECRET, c.socketId + ":presence-info:" + d), d);
            Reply list = get("/apps/7/channels", Map.of());
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            assertThat(list.body()).contains("\"info-a\":{}").contains("\"presence-info\":{}");
            Reply presence = get("/apps/7/channels", Map.of("filter_by_prefix", "presence-", "info", "user_count"));
            assertThat(presence.body()).isEqualTo("{\"channels\":{\"presence-info\":{\"user_count\":1}}}");
            Reply one = get("/apps/7/channels/info-a", Map.of("info", "subscription_count"));
            assertThat(one.body()).isEqualTo("{\"occupied\":true,\"subscription_count\":1}");
            Reply empty = get("/apps/7/channels/nobody-here", Map.of());
            assertThat(empty.body()).isEqualTo("{\"occupied\":false}");
            Reply users = get("/apps/7/channels/presence-info/users", Map.of());
            assertThat(users.body()).isEqualTo("{\"users\":[{\"id\":\"9\"}]}");
            Reply notPresence = get("/apps/7/channels/info-a/users", Map.of());
            assertThat(notPresence.status()).isEqualTo(400);
        }
    }
}
