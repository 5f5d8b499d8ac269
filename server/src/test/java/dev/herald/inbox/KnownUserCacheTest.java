package dev.herald.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KnownUserCacheTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final KnownUserCache cache = new KnownUserCache(3, Duration.ofMinutes(60), nanos::get);

    @Test
    void unknownUser_needsTouch_untilRemembered() {
        assertThat(cache.needsTouch(7)).isTrue();
        assertThat(cache.needsTouch(7)).as("asking does not remember").isTrue();
        cache.remember(7);
        assertThat(cache.needsTouch(7)).isFalse();
        assertThat(cache.needsTouch(8)).isTrue();
    }

    @Test
    void rememberedUser_needsTouchAgain_afterTheRefreshPeriod() {
        cache.remember(7);
        nanos.addAndGet(Duration.ofMinutes(59).toNanos());
        assertThat(cache.needsTouch(7)).isFalse();
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(cache.needsTouch(7)).isTrue();
        cache.remember(7);
        assertThat(cache.needsTouch(7)).isFalse();
    }

    @Test
    void full_forgetsTheLeastRecentlyAskedFirst() {
        cache.remember(1);
        cache.remember(2);
        cache.remember(3);
        assertThat(cache.needsTouch(1)).isFalse(); // 1 is now the most recent, 2 the eldest
        cache.remember(4);
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.needsTouch(2)).as("evicted").isTrue();
        assertThat(cache.needsTouch(1)).isFalse();
        assertThat(cache.needsTouch(3)).isFalse();
        assertThat(cache.needsTouch(4)).isFalse();
    }

    @Test
    void knownFromASend_isKnown_butStillNeedsTheConnectTouch() {
        assertThat(cache.isKnown(7)).isFalse();
        cache.rememberKnown(7);
        assertThat(cache.isKnown(7)).isTrue();
        assertThat(cache.needsTouch(7)).as("last_seen was not moved by a connect").isTrue();
        cache.remember(7);
        assertThat(cache.needsTouch(7)).isFalse();
        cache.rememberKnown(7);
        assertThat(cache.needsTouch(7)).as("a later send does not undo the touch").isFalse();
    }

    @Test
    void capacity_mustBePositive() {
        assertThatThrownBy(() -> new KnownUserCache(0, Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
