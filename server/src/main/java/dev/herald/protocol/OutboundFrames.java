package dev.herald.protocol;

import java.util.Map;

/**
 * Encodes server frames to UTF-8 JSON bytes, once; callers share the bytes among every connection
 * the frame goes to. Field order is fixed: type, id, channel, offset, data.
 */
public final class OutboundFrames {
    private OutboundFrames() {}

    /** {@code {"type": type, "data": data}}, the shape of every push. */
    public static byte[] push(String type, Object data) {
        return encode(type, null, null, -1, data);
    }

    /**
     * The first frame of a connection: {@code init} with {@code client_id}, {@code user_id} (when
     * {@code userId} &gt; 0: a bound connection), {@code heartbeat_interval} (ms) and
     * {@code server_time} (epoch ms). Written field by field: sent once per connect, it is on the
     * connect path's budget.
     */
    public static byte[] init(String clientId, long userId, long heartbeatIntervalMs, long serverTimeMs) {
        return Json.write(160, "an init frame", g -> {
            g.writeStartObject();
            g.writeStringField("type", "init");
            g.writeObjectFieldStart("data");
            g.writeStringField("client_id", clientId);
            if (userId > 0) {
                g.writeNumberField("user_id", userId);
            }
            g.writeNumberField("heartbeat_interval", heartbeatIntervalMs);
            g.writeNumberField("server_time", serverTimeMs);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** {@code {"type": "unread_count", "data": {"count": count}}}: a number, so no encoder is needed. */
    public static byte[] unreadCount(long count) {
        return ("{\"type\":\"unread_count\",\"data\":{\"count\":" + count + "}}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A reply to a client frame, echoing its {@code id} when it had one. */
    public static byte[] reply(String type, String id, Object data) {
        return encode(type, id, null, -1, data);
    }

    /** A channel publication: {@code {"type", "channel", "offset", "data"}}. */
    public static byte[] publication(String type, String channel, long offset, Object data) {
        return encode(type, null, channel, offset, data);
    }

    public static byte[] error(String id, ErrorCode code, String message) {
        return encode("error", id, null, -1, Map.of("code", code.wire(), "message", message));
    }

    private static byte[] encode(String type, String id, String channel, long offset, Object data) {
        return Json.write(128, "a frame", g -> {
            g.writeStartObject();
            g.writeStringField("type", type);
            if (id != null) {
                g.writeStringField("id", id);
            }
            if (channel != null) {
                g.writeStringField("channel", channel);
                g.writeNumberField("offset", offset);
            }
            g.writeFieldName("data");
            if (data == null) {
                g.writeStartObject();
                g.writeEndObject();
            } else {
                Json.MAPPER.writeValue(g, data);
            }
            g.writeEndObject();
        });
    }
}
