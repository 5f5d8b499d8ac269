package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameScanTest {
    static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void readsMarks_fromAChannelPublication() {
        ByteBuf b = buf("{\"type\":\"bench\",\"channel\":\"bench-3\",\"offset\":17,\"data\":{\"_s\":42,\"_t\":123456789012345}}");
        assertThat(FrameScan.longAfter(b, FrameScan.SEQ_KEY)).isEqualTo(42);
        assertThat(FrameScan.longAfter(b, FrameScan.TIME_KEY)).isEqualTo(123456789012345L);
    }

    @Test
    void toleratesSpaces_andNegativeNumbers() {
        ByteBuf b = buf("{\"data\": {\"_s\" :  -7, \"_t\":\n5}}");
        assertThat(FrameScan.longAfter(b, FrameScan.SEQ_KEY)).isEqualTo(-7);
        assertThat(FrameScan.longAfter(b, FrameScan.TIME_KEY)).isEqualTo(5);
    }

    @Test
    void absentOrNonNumeric_isAbsent() {
        assertThat(FrameScan.longAfter(buf("{\"type\":\"init\"}"), FrameScan.SEQ_KEY)).isEqualTo(FrameScan.ABSENT);
        assertThat(FrameScan.longAfter(buf("{\"_s\":\"x\"}"), FrameScan.SEQ_KEY)).isEqualTo(FrameScan.ABSENT);
        assertThat(FrameScan.longAfter(buf("{\"_s\""), FrameScan.SEQ_KEY)).isEqualTo(FrameScan.ABSENT);
    }

    @Test
    void keyMustMatchWithQuotes_notAsASuffix() {
        ByteBuf b = buf("{\"ids\":1,\"x_s\":2,\"_s\":3}");
        assertThat(FrameScan.longAfter(b, FrameScan.SEQ_KEY)).isEqualTo(3);
    }

    @Test
    void hasType_matchesTheTypeMember() {
        assertThat(FrameScan.hasType(buf("{\"type\":\"init\",\"data\":{}}"), "init")).isTrue();
        assertThat(FrameScan.hasType(buf("{\"type\":\"ack\",\"id\":\"s1\"}"), "init")).isFalse();
    }

    @Test
    void respectsReaderIndex() {
        ByteBuf b = buf("{\"_s\":1}{\"_s\":2}");
        b.readerIndex(8);
        assertThat(FrameScan.longAfter(b, FrameScan.SEQ_KEY)).isEqualTo(2);
    }
}
