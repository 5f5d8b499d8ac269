package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.protocol.OutboundFrames;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Events as they go on the wire, and the {@code Last-Event-ID} cursor read back. */
class EventStreamFramingTest {
    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void anEvent_isTheFramesTypeAndItsJsonOnOneDataLine() {
        byte[] frame = OutboundFrames.push("order.paid", Map.of("note", "two\nlines\r\u2028"));
        String wire = text(EventStreamFraming.event(frame));
        assertThat(wire).startsWith("event: order.paid\ndata: {\"type\":\"order.paid\"").endsWith("}\n\n");
        assertThat(wire.substring(0, wire.length() - 2).split("\n", -1)).as("no line break inside the JSON").hasSize(2);
    }

    @Test
    void aTypeThatIsNoPlainIdentifier_makesAMessageEvent() {
        assertThat(text(EventStreamFraming.event(OutboundFrames.push("we ird", Map.of())))).startsWith("event: message\n");
        assertThat(text(EventStreamFraming.event("[1]".getBytes(StandardCharsets.UTF_8)))).isEqualTo("event: message\ndata: [1]\n\n");
    }

    @Test
    void theCursor_readsBackWhatItNames_andRefusesAnythingElse() {
        var positions = EventStreamCursor.decode("news~12~a3f0,private-x:y~0~");
        assertThat(positions).containsExactly(
                Map.entry("news", new EventStreamCursor.Position(12, "a3f0")),
                Map.entry("private-x:y", new EventStreamCursor.Position(0, null)));
        assertThat(EventStreamCursor.decode("")).isEmpty();
        assertThat(EventStreamCursor.decode(null)).isEmpty();
        for (String bad : new String[] {"news", "news~-1~", "news~1~zz", "bad name~1~", "a~1~,", "news~99999999999999999999~"}) {
            assertThatThrownBy(() -> EventStreamCursor.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
