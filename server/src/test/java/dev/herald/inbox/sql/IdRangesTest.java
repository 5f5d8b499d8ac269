package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IdRangesTest {

    @Test
    void encode_runsAndSingles_unsortedAndDuplicated() {
        assertThat(IdRanges.encode(new long[] {9, 3, 1, 2, 3, 12, 13, 5})).isEqualTo("1-3,5,9,12-13");
        assertThat(IdRanges.encode(new long[0])).isEmpty();
    }

    @Test
    void encode_hundredThousandConsecutive_isShort() {
        long[] ids = LongStream.rangeClosed(1_000_001, 1_100_000).toArray();
        assertThat(IdRanges.encode(ids)).isEqualTo("1000001-1100000");
    }

    @Test
    void decode_inverseOfEncode() {
        long[] ids = {1, 2, 3, 5, 9, 12, 13, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        assertThat(IdRanges.decode(IdRanges.encode(ids))).containsExactly(ids);
        assertThat(IdRanges.decode("")).isEmpty();
        assertThat(IdRanges.decode(null)).isEmpty();
    }

    @Test
    void badInput_isRejected() {
        assertThatThrownBy(() -> IdRanges.encode(new long[] {0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdRanges.decode("1-x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdRanges.decode("5-3")).isInstanceOf(IllegalArgumentException.class);
    }
}
