package dev.herald.gateway;

import io.netty.buffer.ByteBuf;

/**
 * One pushed frame built on the wire once per transport that has recipients on this node, and
 * written to each of them as a retained duplicate (no copy per connection). A transport nobody was
 * expected on gets its bytes built for the connection that turns up after all. Reference counted
 * like the buffers it holds: {@link #retain} before handing it to more tasks, {@link #release} once
 * each is done.
 */
final class SharedFrame {
    private final byte[] payload;
    private final ByteBuf websocket;
    private final ByteBuf eventStream;

    private SharedFrame(byte[] payload, ByteBuf websocket, ByteBuf eventStream) {
        this.payload = payload;
        this.websocket = websocket;
        this.eventStream = eventStream;
    }

    /** Builds {@code payload} for the transports that have connections ({@code eventStreams}: any /sse ones). */
    static SharedFrame of(byte[] payload, boolean websockets, boolean eventStreams) {
        return new SharedFrame(payload, websockets ? Framing.WEBSOCKET.frame(payload) : null,
                eventStreams ? Framing.EVENT_STREAM.frame(payload) : null);
    }

    /** The bytes for a connection of {@code framing}; the caller owns the returned buffer. */
    ByteBuf copyFor(Framing framing) {
        ByteBuf built = framing == Framing.WEBSOCKET ? websocket : eventStream;
        return built != null ? built.retainedDuplicate() : framing.frame(payload);
    }

    void retain(int n) {
        if (websocket != null) {
            websocket.retain(n);
        }
        if (eventStream != null) {
            eventStream.retain(n);
        }
    }

    void release() {
        if (websocket != null) {
            websocket.release();
        }
        if (eventStream != null) {
            eventStream.release();
        }
    }
}
