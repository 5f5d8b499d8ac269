package dev.herald.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
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
    };

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
