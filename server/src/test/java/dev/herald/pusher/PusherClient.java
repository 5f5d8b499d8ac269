package dev.herald.pusher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.protocol.Json;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A raw Pusher-protocol client for tests: a {@link WsClient} on /app/{key} with Pusher's message shapes. */
public final class PusherClient implements AutoCloseable {
    public final WsClient ws;
    public final String socketId;
    private final List<JsonNode> kept = new ArrayList<>();

    private PusherClient(WsClient ws, String socketId) {
        this.ws = ws;
        this.socketId = socketId;
    }

    /** Connects and reads {@code pusher:connection_established}. */
    public static PusherClient connect(TestServer server, String key) {
        WsClient ws = WsClient.open("ws://127.0.0.1:" + server.port() + "/app/" + key + "?protocol=7&client=js&version=8.6.0");
        JsonNode first = ws.next();
        assertThat(first.path("event").asText()).as("%s", first).isEqualTo("pusher:connection_established");
        JsonNode data = parse(first.path("data").asText());
        return new PusherClient(ws, data.path("socket_id").asText());
    }

    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    public void send(String event, Object data) {
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("event", event);
        msg.set("data", Json.MAPPER.valueToTree(data));
        ws.sendRaw(msg.toString());
    }

    public void sendOn(String channel, String event, Object data) {
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("event", event);
        msg.put("channel", channel);
        msg.set("data", Json.MAPPER.valueToTree(data));
        ws.sendRaw(msg.toString());
    }

    /** The next message named {@code event} (others are kept for later). */
    public JsonNode await(String event) {
        for (int i = 0; i < kept.size(); i++) {
            if (event.equals(kept.get(i).path("event").asText())) {
                return kept.remove(i);
            }
        }
        while (true) {
            JsonNode m = ws.next();
            if (event.equals(m.path("event").asText())) {
                return m;
            }
            kept.add(m);
        }
    }

    /** Asserts that no message named {@code event} arrives within {@code wait}. */
    public void expectNo(String event, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        assertThat(kept.stream().noneMatch(m -> event.equals(m.path("event").asText()))).as("kept %s", kept).isTrue();
        while (System.nanoTime() < end) {
            JsonNode m = ws.maybeNext(Duration.ofMillis(50));
            if (m != null) {
                assertThat(m.path("event").asText()).as("%s", m).isNotEqualTo(event);
                kept.add(m);
            }
        }
    }

    /** Subscribes and waits for the subscription's success; returns its data (parsed). */
    public JsonNode subscribe(String channel, String auth, String channelData) {
        ObjectNode data = Json.MAPPER.createObjectNode().put("channel", channel);
        if (auth != null) {
            data.put("auth", auth);
        }
        if (channelData != null) {
            data.put("channel_data", channelData);
        }
        send("pusher:subscribe", data);
        JsonNode ok = await("pusher_internal:subscription_succeeded");
        assertThat(ok.path("channel").asText()).isEqualTo(channel);
        return parse(ok.path("data").asText());
    }

    @Override
    public void close() {
        ws.close();
    }
}
