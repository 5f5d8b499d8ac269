package dev.herald.pusher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Pusher Channels protocol 7 messages as UTF-8 JSON bytes: {@code {"event", "channel"?, "data"}}
 * where {@code data} is a JSON <em>string</em> (Pusher clients parse it when it holds JSON), and the
 * translation of a Herald channel publication into one.
 *
 * <p>One channel space: Herald stores a Pusher event's {@code data} string as the publication's
 * {@code data} — parsed when it holds a JSON object or array, so {@code /ws} clients get structured
 * data, kept as a JSON string otherwise — and gives it back as the string when a Pusher client
 * receives it. A Herald publication's object data arrives at Pusher clients as its JSON text.
 */
public final class PusherFrames {
    /**
     * The type of the node-to-node message (on the broker's {@code all} topic; payload: the user id,
     * UTF-8) that closes a user's Pusher connections ({@code terminate_connections}). Never written
     * to a client.
     */
    public static final String TERMINATE = "pusher_internal:terminate";

    private PusherFrames() {}

    /** {@code {"event": event, "channel": channel, "data": data}}; {@code channel} may be null. */
    public static byte[] event(String event, String channel, String data) {
        return Json.write(64 + data.length(), "a Pusher event", g -> {
            g.writeStartObject();
            g.writeStringField("event", event);
            if (channel != null) {
                g.writeStringField("channel", channel);
            }
            g.writeStringField("data", data);
            g.writeEndObject();
        });
    }

    /** An event whose data is {@code value} encoded as JSON (then sent as a string, as Pusher does). */
    public static byte[] eventOf(String event, String channel, Object value) {
        return event(event, channel, json(value));
    }

    /** {@code pusher:error} with Pusher's {@code {"code", "message"}}; {@code code} null for none. */
    public static byte[] error(Integer code, String message) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("code", code);
        data.put("message", message);
        try {
            byte[] body = Json.MAPPER.writeValueAsBytes(java.util.Map.of("event", "pusher:error", "data", data));
            return body;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What Herald keeps as a publication's {@code data} for a Pusher event's {@code data} string: the
     * parsed object or array when it holds one, else the string itself.
     */
    public static Object heraldData(String data) {
        String t = data.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                JsonNode node = Json.MAPPER.readTree(t);
                if (node != null && node.isContainerNode()) {
                    return node;
                }
            } catch (JsonProcessingException e) {
                // not JSON after all: kept as the string
            }
        }
        return data;
    }

    /**
     * A Herald channel publication ({@code {"type", "channel", "offset", "data"}}) as the Pusher
     * event a Pusher client gets: event = type, data = the data's JSON text (a string data as it is).
     * Anything that is not a channel publication gives null.
     */
    public static byte[] fromHerald(byte[] publication) {
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(publication);
        } catch (IOException e) {
            return null;
        }
        if (frame == null || !frame.path("type").isTextual() || !frame.path("channel").isTextual()) {
            return null;
        }
        JsonNode data = frame.get("data");
        String text = data == null || data.isNull() ? "{}" : data.isTextual() ? data.asText() : data.toString();
        return event(frame.get("type").asText(), frame.get("channel").asText(), text);
    }
}
