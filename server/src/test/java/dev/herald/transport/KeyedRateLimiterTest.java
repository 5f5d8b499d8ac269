package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestTicker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Token buckets by key, on a clock the test moves: burst, refill, and a table that stays bounded. */
class KeyedRateLimiterTest {
    private final TestTicker ticker = new TestTicker();
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aKeyTakesItsBurst_thenItsRate() {
        var limiter = new KeyedRateLimiter<String>(10, SECOND, 20, 100, ticker);
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.tryAcquire("a")).as("permit %d", i).isTrue();
        }
        assertThat(limiter.tryAcquire("a")).isFalse();
        assertThat(limiter.tryAcquire("b")).as("other keys are apart").isTrue();
        ticker.advance(Duration.ofMillis(500));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("a")).isTrue();
        }
        assertThat(limiter.tryAcquire("a")).isFalse();
    }

    @Test
    void quietKeys_areSweptAway() {
        var limiter = new KeyedRateLimiter<Long>(60, TimeUnit.MINUTES.toNanos(1), 60, 1000, ticker);
        for (long user = 0; user < 500; user++) {
            assertThat(limiter.tryAcquire(user)).isTrue();
        }
        assertThat(limiter.size()).isEqualTo(500);
        limiter.sweep();
        assertThat(limiter.size()).as("a bucket one permit short is kept").isEqualTo(500);
        ticker.advance(Duration.ofSeconds(1));
        limiter.sweep();
        assertThat(limiter.size()).as("full again after a second: nothing to remember").isZero();
    }

    @Test
    void theTableNeverHoldsMoreThanItsCap() {
        var limiter = new KeyedRateLimiter<Integer>(1, SECOND, 1, 100, ticker);
        for (int key = 0; key < 100; key++) {
            assertThat(limiter.tryAcquire(key)).isTrue();
        }
        assertThat(limiter.tryAcquire(100)).as("a new key while the table is full of busy ones").isFalse();
        assertThat(limiter.size()).isEqualTo(100);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(101)).as("idle buckets make room").isTrue();
        assertThat(limiter.size()).isEqualTo(1);
    }
}
