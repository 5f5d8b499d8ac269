package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Pre-built frames read back by Netty's client-side decoder, at every length-encoding boundary. */
class WebSocketFramingTest {
    @Test
    void everyLengthEncodingDecodesToTheSamePayload() {
        for (int n : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
            byte[] payload = new byte[n];
            Arrays.fill(payload, (byte) 'x');
            if (n > 0) {
                payload[n - 1] = 'y';
            }
            EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
            ByteBuf wire = WebSocketFraming.text(payload);
            int headerBytes = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
            assertThat(wire.readableBytes()).as("length %d", n).isEqualTo(headerBytes + n);
            assertThat(client.writeInbound(wire)).as("length %d decodes", n).isTrue();
            TextWebSocketFrame frame = client.readInbound();
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(frame.text()).isEqualTo(new String(payload, StandardCharsets.UTF_8));
            frame.release();
            assertThat(client.finishAndReleaseAll()).isFalse();
        }
    }
}
