package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LruMapTest {
    @Test
    void holdsAtMostItsCapacity_droppingTheLeastRecentlyUsed() {
        LruMap<Long, String> m = new LruMap<>(2);
        m.put(1L, "a");
        m.put(2L, "b");
        m.get(1L);
        m.put(3L, "c");
        assertThat(m).containsOnlyKeys(1L, 3L);
        assertThatThrownBy(() -> new LruMap<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
