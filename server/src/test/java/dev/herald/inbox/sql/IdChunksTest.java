package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdChunksTest {

    @Test
    void distinctSorted_removesDuplicatesAndSorts() {
        assertThat(IdChunks.distinctSorted(List.of(5L, 1L, 5L, 3L, 1L))).containsExactly(1, 3, 5);
        assertThat(IdChunks.distinctSorted(List.of())).isEmpty();
        assertThatThrownBy(() -> IdChunks.distinctSorted(Arrays.asList(1L, null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void split_coversAllInOrder() {
        List<long[]> chunks = IdChunks.split(new long[] {1, 2, 3, 4, 5}, 2);
        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(0)).containsExactly(1, 2);
        assertThat(chunks.get(2)).containsExactly(5);
        assertThat(IdChunks.split(new long[0], 3)).isEmpty();
    }

    @Test
    void placeholdersAndJson_areNumbersAndMarksOnly() {
        assertThat(IdChunks.placeholders(3)).isEqualTo("?,?,?");
        assertThat(IdChunks.jsonArray(new long[] {1, 22, 333})).isEqualTo("[1,22,333]");
        assertThat(IdChunks.jsonArray(new long[0])).isEqualTo("[]");
        assertThatThrownBy(() -> IdChunks.placeholders(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
