package dev.herald.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Server-to-client text frames as they go on the wire (RFC 6455 §5.2): FIN + text opcode, the
 * payload length in 7, 7+16 or 7+64 bits, no mask (servers do not mask), then the payload. A
 * fan-out builds its frame once and writes the same bytes to every recipient; Netty's frame
 * encoder passes a plain {@link ByteBuf} through untouched, so per connection there is no frame
 * object, no header buffer and no copy.
 */
final class WebSocketFraming {
    private static final int FIN_TEXT = 0x81;

    private WebSocketFraming() {}

    /** A pooled direct buffer holding the whole frame; the caller owns it. */
    static ByteBuf text(byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(header + n);
        buf.writeByte(FIN_TEXT);
        if (n < 126) {
            buf.writeByte(n);
        } else if (n <= 0xFFFF) {
            buf.writeByte(126);
            buf.writeShort(n);
        } else {
            buf.writeByte(127);
            buf.writeLong(n);
        }
        buf.writeBytes(payload);
        return buf;
    }
}
