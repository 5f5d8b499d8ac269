package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.pusher.PusherClient;
import dev.herald.pusher.PusherSignature;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Pusher protocol on three nodes over Redis: events and client events cross nodes through the
 * broker, presence members are one list for the cluster (a user on two nodes counts once), and a
 * node that crashes takes its members with it within the TTL — each gone user removed once.
 */
class PusherRedisClusterTest {
    static final Duration TTL = Duration.ofSeconds(3);
    static final String KEY = "cluster-key";
    static final String SECRET = "cluster-secret-0123456789";

    static String auth(String socketId, String channel, String data) {
        return KEY + ":" + PusherSignature.hmac(SECRET, socketId + ":" + channel + (data == null ? "" : ":" + data));
    }

    static int trigger(TestServer node, String body) throws Exception {
        String path = "/apps/5/events";
        String q = "auth_key=" + KEY + "&auth_timestamp=" + System.currentTimeMillis() / 1000 + "&auth_version=1.0"
                + "&body_md5=" + PusherSignature.md5(body.getBytes(StandardCharsets.UTF_8));
        String sig = PusherSignature.hmac(SECRET, "POST\n" + path + "\n" + q);
        HttpRequest req = HttpRequest.newBuilder(URI.create(node.baseUrl() + path + "?" + q + "&auth_signature=" + sig))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static String users(TestServer node, String channel) throws Exception {
        return get(node, "/apps/5/channels/" + channel + "/users", "");
    }

    /** A signed GET; {@code extra}: more query parameters, already sorted before auth_key (or empty). */
    static String get(TestServer node, String path, String extra) throws Exception {
        String q = extra + "auth_key=" + KEY + "&auth_timestamp=" + System.currentTimeMillis() / 1000 + "&auth_version=1.0";
        String sig = PusherSignature.hmac(SECRET, "GET\n" + path + "\n" + q);
        HttpRequest req = HttpRequest.newBuilder(URI.create(node.baseUrl() + path + "?" + q + "&auth_signature=" + sig)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    static String userOf(JsonNode memberEvent) {
        return PusherClient.parse(memberEvent.path("data").asText()).path("user_id").asText();
    }

    @Test
    void eventsPresenceAndACrashedNode_acrossThreeNodes() throws Exception {
        try (RedisTestNodes cluster = RedisTestNodes.start(3, Map.of("redis.presence-ttl", TTL.toSeconds() + "s",
                "pusher.apps", "5:" + KEY + ":" + SECRET))) {
            TestServer a = cluster.node(0);
            TestServer b = cluster.node(1);
            TestServer c = cluster.node(2);
            try (PusherClient onA = PusherClient.connect(a, KEY); PusherClient onB = PusherClient.connect(b, KEY);
                 WsClient wsOnB = b.connect(77)) {
                // an event triggered on c reaches a Pusher client on a and a /ws client on b
                onA.subscribe("orders", null, null);
                wsOnB.request("subscribe", Map.of("channel", "orders"));
                assertThat(trigger(c, "{\"name\":\"shipped\",\"channel\":\"orders\",\"data\":\"{\\\"id\\\":1}\"}")).isEqualTo(200);
                assertThat(onA.await("shipped").path("data").asText()).isEqualTo("{\"id\":1}");
                assertThat(wsOnB.awaitType("shipped").at("/data/id").asInt()).isEqualTo(1);
                // channel information on c, where nobody subscribes: the cluster's subscriptions
                assertThat(get(c, "/apps/5/channels", "")).isEqualTo("{\"channels\":{\"orders\":{}}}");
                assertThat(get(c, "/apps/5/channels/orders", "")).isEqualTo("{\"occupied\":true}");
                assertThat(get(c, "/apps/5/channels/nobody", "")).isEqualTo("{\"occupied\":false}");

                // a client event from a reaches b, not a
                onA.subscribe("private-x", auth(onA.socketId, "private-x", null), null);
                onB.subscribe("private-x", auth(onB.socketId, "private-x", null), null);
                onA.sendOn("private-x", "client-hi", Map.of("n", 1));
                assertThat(onB.await("client-hi").path("data").asText()).isEqualTo("{\"n\":1}");
                onA.expectNo("client-hi", Duration.ofMillis(300));
            }

            String ch = "presence-ops";
            String w = "{\"user_id\":\"w\"}";
            String u2 = "{\"user_id\":\"u2\"}";
            String u3 = "{\"user_id\":\"u3\"}";
            PusherClient watcher = PusherClient.connect(a, KEY);
            watcher.subscribe(ch, auth(watcher.socketId, ch, w), w);
            PusherClient u2OnB = PusherClient.connect(b, KEY);
            u2OnB.subscribe(ch, auth(u2OnB.socketId, ch, u2), u2);
            assertThat(userOf(watcher.await("pusher_internal:member_added"))).isEqualTo("u2");
            PusherClient u2OnC = PusherClient.connect(c, KEY);
            JsonNode seenFromC = u2OnC.subscribe(ch, auth(u2OnC.socketId, ch, u2), u2);
            assertThat(seenFromC.at("/presence/count").asInt()).as("one list for the cluster: %s", seenFromC).isEqualTo(2);
            PusherClient u3OnC = PusherClient.connect(c, KEY);
            u3OnC.subscribe(ch, auth(u3OnC.socketId, ch, u3), u3);
            assertThat(userOf(watcher.await("pusher_internal:member_added"))).isEqualTo("u3");
            watcher.expectNo("pusher_internal:member_added", Duration.ofMillis(300));
            assertThat(users(b, ch)).contains("\"w\"").contains("\"u2\"").contains("\"u3\"");

            // c crashes: u3 is gone within the TTL (removed once); u2 is still on b
            c.herald().redis().orElseThrow().halt();
            JsonNode removed = watcher.await("pusher_internal:member_removed");
            assertThat(userOf(removed)).isEqualTo("u3");
            watcher.expectNo("pusher_internal:member_removed", Duration.ofMillis(TTL.toMillis() / 2));
            assertThat(users(a, ch)).isEqualTo("{\"users\":[{\"id\":\"u2\"},{\"id\":\"w\"}]}");

            u2OnB.close();
            assertThat(userOf(watcher.await("pusher_internal:member_removed"))).isEqualTo("u2");
            watcher.close();
            u2OnC.ws.close();
            u3OnC.ws.close();
        }
    }
}
