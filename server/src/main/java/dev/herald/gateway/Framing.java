package dev.herald.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import dev.herald.protocol.CloseCodes;
import dev.herald.pusher.PusherFrames;
import java.nio.charset.StandardCharsets;

/**
 * How a connection's outbound frames go on the wire: a WebSocket text frame ({@code /ws}) or a
 * Server-Sent Event ({@code /sse}). Everything else about a connection — registry, limits,
 * fan-out, backlog push, channel resume — is the same code for both; only these few steps differ.
 * Each frame is the same JSON either way ({@link dev.herald.protocol.OutboundFrames}).
 */
public enum Framing {
    WEBSOCKET("websocket") {
        @Override
        ByteBuf frame(byte[] payload) {
            return WebSocketFraming.text(payload);
        }

        @Override
        Object heartbeat() {
            return new PingWebSocketFrame();
        }

        @Override
        Object closing(int code, String reason) {
            return new CloseWebSocketFrame(code, reason);
        }

        @Override
        boolean clientSpeaks() {
            return true;
        }
    },
    EVENT_STREAM("sse") {
        @Override
        ByteBuf frame(byte[] payload) {
            return EventStreamFraming.event(payload);
        }

        @Override
        Object heartbeat() {
            return EventStreamFraming.heartbeat();
        }

        @Override
        Object closing(int code, String reason) {
            return EventStreamFraming.closing(code, reason);
        }

        @Override
        boolean clientSpeaks() {
            return false;
        }
    },
    /**
     * The Pusher Channels protocol 7 on a WebSocket ({@code /app/{key}}): a Herald channel publication
     * goes out as the Pusher event it stands for ({@link PusherFrames#fromHerald}); the heartbeat is
     * {@code pusher:ping}; Herald's close codes become Pusher's ({@link #pusherCloseCode}).
     */
    PUSHER("pusher") {
        @Override
        ByteBuf frame(byte[] payload) {
            byte[] event = PusherFrames.fromHerald(payload);
            return event == null ? Unpooled.EMPTY_BUFFER : WebSocketFraming.text(event);
        }

        @Override
        Object heartbeat() {
            return new TextWebSocketFrame(PING);
        }

        @Override
        Object closing(int code, String reason) {
            return new CloseWebSocketFrame(pusherCloseCode(code, reason), reason);
        }

        @Override
        boolean clientSpeaks() {
            return true;
        }
    };

    private static final String PING = "{\"event\":\"pusher:ping\",\"data\":\"{}\"}";

    /**
     * A Herald close code as Pusher's (pusher-js acts on the range): 4000–4099 do not reconnect,
     * 4100–4199 reconnect after a back-off, 4200–4299 at once; codes 4000 and above pass unchanged.
     */
    static int pusherCloseCode(int code, String reason) {
        if (code >= 4000) {
            return code;
        }
        return switch (code) {
            case CloseCodes.GOING_AWAY -> "idle timeout".equals(reason) ? 4201 : 4200;
            case CloseCodes.RESTART, CloseCodes.INTERNAL -> 4200;
            case CloseCodes.POLICY -> "rate limit exceeded".equals(reason) ? 4301 : 4100;
            case CloseCodes.TOO_BIG -> 4300;
            default -> code;
        };
    }

    private final String label;

    Framing(String label) {
        this.label = label;
    }

    /** The transport's name in metrics and logs: {@code websocket} or {@code sse}. */
    public String label() {
        return label;
    }

    /** One frame (JSON bytes from {@code OutboundFrames}) as it goes on the wire; the caller owns the buffer. */
    abstract ByteBuf frame(byte[] payload);

    /** What the heartbeat writes: a WebSocket ping, or an event-stream comment line. */
    abstract Object heartbeat();

    /** What the server writes before it closes: a close frame, or a {@code close} event. */
    abstract Object closing(int code, String reason);

    /**
     * Whether the client sends anything on its own (pongs, frames): only then does silence mean an
     * idle connection. An event stream's client never writes after its request.
     */
    abstract boolean clientSpeaks();

    /** Bytes that are the same for every recipient, unpooled: cheap to build for the rare frames. */
    static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    static ByteBuf pooled(int capacity) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(capacity);
    }
}
