package dev.herald.gateway;

import dev.herald.protocol.OutboundFrames;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Server frames as Server-Sent Events (the WHATWG {@code text/event-stream} format): {@code event:
 * <type>}, {@code data: <the frame's JSON>}, a blank line. The JSON is the very frame a WebSocket
 * client gets, and Jackson writes it on one line (control characters inside strings are escaped),
 * so one {@code data:} line always holds it. Like {@link WebSocketFraming}, a fan-out builds the
 * bytes once and writes the same buffer to every event-stream recipient; only a channel
 * publication gets an {@code id:} line of its own per connection ({@link EventStreamCursor}).
 */
final class EventStreamFraming {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** {@code {"type":"} — every frame of OutboundFrames starts with it. */
    private static final byte[] TYPE_PREFIX = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_TYPE = 64;

    private EventStreamFraming() {}

    /** A pooled direct buffer holding the whole event; the caller owns it. */
    static ByteBuf event(byte[] payload) {
        int typeLength = typeLength(payload);
        int size = EVENT.length + (typeLength > 0 ? typeLength : 7) + DATA.length + payload.length + END.length;
        ByteBuf buf = Framing.pooled(size);
        buf.writeBytes(EVENT);
        if (typeLength > 0) {
            buf.writeBytes(payload, TYPE_PREFIX.length, typeLength);
        } else {
            buf.writeBytes("message".getBytes(StandardCharsets.US_ASCII));
        }
        buf.writeBytes(DATA);
        buf.writeBytes(payload);
        buf.writeBytes(END);
        return buf;
    }

    /** An {@code id:} line (written just before a channel publication's event). */
    static ByteBuf id(String id) {
        return Framing.ascii("id: " + id + "\n");
    }

    /** A comment line: keeps proxies and the browser from timing the idle stream out. */
    static ByteBuf heartbeat() {
        return Framing.ascii(": heartbeat\n\n");
    }

    /** The last event before the server ends the stream: {@code close} with the WebSocket close code it stands for. */
    static ByteBuf closing(int code, String reason) {
        return event(OutboundFrames.push("close", Map.of("code", code, "reason", reason)));
    }

    /**
     * The length of the frame's type as it stands in the JSON, or 0 when it is not a plain
     * identifier (then the event is called {@code message}). Types the API accepts are letters,
     * digits and {@code _ . : -}; the protocol's own types are words.
     */
    private static int typeLength(byte[] payload) {
        if (payload.length <= TYPE_PREFIX.length) {
            return 0;
        }
        for (int i = 0; i < TYPE_PREFIX.length; i++) {
            if (payload[i] != TYPE_PREFIX[i]) {
                return 0;
            }
        }
        for (int i = TYPE_PREFIX.length; i < payload.length && i - TYPE_PREFIX.length <= MAX_TYPE; i++) {
            byte b = payload[i];
            if (b == '"') {
                return i - TYPE_PREFIX.length;
            }
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '_' || b == '.' || b == ':' || b == '-';
            if (!plain) {
                return 0;
            }
        }
        return 0;
    }
}
