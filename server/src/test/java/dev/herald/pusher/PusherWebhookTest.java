package dev.herald.pusher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.protocol.Json;
import dev.herald.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pusher-format webhooks on one node (H2, no {@code webhooks.url}): a real receiver that answers
 * 500 three times first, signatures checked with javax.crypto and with Pusher's Node SDK
 * ({@code pusher.webhook(...).isValid()}), occupancy / member / client events each once.
 */
class PusherWebhookTest {
    static final String KEY = "hook-key";
    static final String SECRET = "hook-secret-0123456789";

    static String auth(String socketId, String channel, String channelData) {
        return KEY + ":" + PusherSignature.hmac(SECRET, socketId + ":" + channel + (channelData == null ? "" : ":" + channelData));
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void occupancyMembersAndClientEvents_reachTheReceiverOnce_signedAsPusherSigns() throws Exception {
        try (PusherHookReceiver receiver = PusherHookReceiver.start(SECRET, 3);
             TestServer server = TestServer.start(Map.of(
                     "pusher.apps", "7:" + KEY + ":" + SECRET + ",8:quiet-key:quiet-secret-0123456789",
                     "pusher.webhooks", "7=" + receiver.url(),
                     "webhooks.retry-initial", "50ms", "webhooks.retry-max", "200ms"))) {
            assertThat(server.herald().webhooks()).as("the outbox runs for Pusher targets alone").isPresent();
            // two connections on one channel: occupied once, vacated once, when the last one leaves
            PusherClient a = PusherClient.connect(server, KEY);
            PusherClient b = PusherClient.connect(server, KEY);
            a.subscribe("room", null, null);
            b.subscribe("room", null, null);
            receiver.await("channel_occupied", Duration.ofSeconds(10), () -> !receiver.delivered("channel_occupied", "room").isEmpty());
            a.send("pusher:unsubscribe", Map.of("channel", "room"));
            pause(500);
            assertThat(receiver.hits()).noneMatch(h -> h.name().equals("channel_vacated"));
            b.send("pusher:unsubscribe", Map.of("channel", "room"));
            receiver.await("channel_vacated", Duration.ofSeconds(10), () -> !receiver.delivered("channel_vacated", "room").isEmpty());

            // presence: one user in two tabs, another user in one: member_added once per user
            String u1 = "{\"user_id\":\"u1\",\"user_info\":{\"name\":\"One\"}}";
            String u2 = "{\"user_id\":\"u2\"}";
            PusherClient tab1 = PusherClient.connect(server, KEY);
            PusherClient tab2 = PusherClient.connect(server, KEY);
            PusherClient other = PusherClient.connect(server, KEY);
            tab1.subscribe("presence-lobby", auth(tab1.socketId, "presence-lobby", u1), u1);
            tab2.subscribe("presence-lobby", auth(tab2.socketId, "presence-lobby", u1), u1);
            other.subscribe("presence-lobby", auth(other.socketId, "presence-lobby", u2), u2);
            // client events: on a private channel (no user_id) and on the presence channel (user_id)
            a.subscribe("private-chat", auth(a.socketId, "private-chat", null), null);
            b.subscribe("private-chat", auth(b.socketId, "private-chat", null), null);
            a.sendOn("private-chat", "client-typing", Map.of("x", 1));
            b.await("client-typing");
            other.sendOn("presence-lobby", "client-wave", "hello");
            tab1.await("client-wave");
            tab1.close();
            pause(500);
            tab2.close();
            receiver.await("member_removed u1", Duration.ofSeconds(10),
                    () -> !receiver.delivered(e -> e.path("name").asText().equals("member_removed")).isEmpty());
            receiver.await("client events", Duration.ofSeconds(10),
                    () -> receiver.delivered(e -> e.path("name").asText().equals("client_event")).size() == 2);
            receiver.await("presence-lobby and private-chat occupied", Duration.ofSeconds(10),
                    () -> receiver.delivered("channel_occupied", "presence-lobby").size() == 1
                            && receiver.delivered("channel_occupied", "private-chat").size() == 1);
            pause(1_000); // time for anything sent twice, which must not come

            assertThat(receiver.delivered("channel_occupied", "room")).hasSize(1);
            assertThat(receiver.delivered("channel_vacated", "room")).hasSize(1);
            assertThat(receiver.delivered(e -> e.path("name").asText().equals("member_added")))
                    .extracting(h -> h.event().path("channel").asText() + "/" + h.event().path("user_id").asText())
                    .containsExactlyInAnyOrder("presence-lobby/u1", "presence-lobby/u2");
            assertThat(receiver.delivered(e -> e.path("name").asText().equals("member_removed")))
                    .extracting(h -> h.event().path("user_id").asText()).containsExactly("u1");
            JsonNode typing = receiver.delivered(e -> e.path("event").asText().equals("client-typing")).get(0).event();
            assertThat(typing.path("channel").asText()).isEqualTo("private-chat");
            assertThat(typing.path("data").asText()).isEqualTo("{\"x\":1}");
            assertThat(typing.path("socket_id").asText()).isEqualTo(a.socketId);
            assertThat(typing.has("user_id")).isFalse();
            JsonNode wave = receiver.delivered(e -> e.path("event").asText().equals("client-wave")).get(0).event();
            assertThat(wave.path("data").asText()).isEqualTo("hello");
            assertThat(wave.path("socket_id").asText()).isEqualTo(other.socketId);
            assertThat(wave.path("user_id").asText()).isEqualTo("u2");

            // every request signed by app 7 (app 8 has no webhook url: nothing for it), time_ms present
            List<PusherHookReceiver.Hit> hits = receiver.hits();
            assertThat(hits).allMatch(PusherHookReceiver.Hit::signatureValid).allMatch(h -> KEY.equals(h.key()));
            assertThat(hits).allMatch(h -> h.json().path("time_ms").asLong() > 1_600_000_000_000L);
            // the first three were answered 500 and sent again, byte for byte, until a 2xx
            List<PusherHookReceiver.Hit> refused = hits.stream().filter(h -> h.answered() == 500).toList();
            assertThat(refused).hasSize(3);
            for (PusherHookReceiver.Hit r : refused) {
                assertThat(hits).filteredOn(h -> h.answered() == 200 && h.body().equals(r.body())).hasSize(1);
            }
            assertThat(server.metric("herald_webhooks_retried_total")).isGreaterThanOrEqualTo(3.0);
            a.close();
            b.close();
            other.close();

            // Pusher's own Node SDK accepts every delivered request, and refuses a tampered one
            List<PusherHookReceiver.Hit> delivered = hits.stream().filter(h -> h.answered() == 200).toList();
            ArrayNode input = Json.MAPPER.createArrayNode();
            for (PusherHookReceiver.Hit h : delivered) {
                input.add(request(h.key(), h.signature(), h.body()));
            }
            PusherHookReceiver.Hit first = delivered.get(0);
            input.add(request(first.key(), first.signature(), first.body().replace("\"name\"", " \"name\"")));
            JsonNode checked = nodeSdk(input);
            assertThat(checked.size()).isEqualTo(delivered.size() + 1);
            for (int i = 0; i < delivered.size(); i++) {
                assertThat(checked.get(i).path("valid").asBoolean()).as("SDK: %s", delivered.get(i).body()).isTrue();
                assertThat(checked.get(i).path("events")).isEqualTo(delivered.get(i).json().path("events"));
                assertThat(checked.get(i).path("time").asLong()).isEqualTo(delivered.get(i).json().path("time_ms").asLong());
            }
            assertThat(checked.get(delivered.size()).path("valid").asBoolean()).as("tampered body").isFalse();
        }
    }

    private static ObjectNode request(String key, String signature, String body) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.putObject("headers").put("x-pusher-key", key).put("x-pusher-signature", signature)
                .put("content-type", "application/json");
        r.put("body", body);
        return r;
    }

    /** Runs src/test/node/pusher/webhook.mjs (Pusher's Node SDK) over the requests. */
    static JsonNode nodeSdk(JsonNode requests) throws Exception {
        PusherNodeTest.installClients();
        ProcessBuilder pb = new ProcessBuilder("node", "webhook.mjs").directory(PusherNodeTest.DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(Map.of("APP_ID", "7", "APP_KEY", KEY, "APP_SECRET", SECRET));
        Process node = pb.start();
        try {
            node.getOutputStream().write(requests.toString().getBytes(StandardCharsets.UTF_8));
            node.getOutputStream().close();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(out).isZero();
            return Json.MAPPER.readTree(out);
        } finally {
            node.destroyForcibly();
        }
    }
}
