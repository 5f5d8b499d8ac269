package dev.herald.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bucket arithmetic the three rate limits share, on hand-picked times. */
class TokenBucketTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aFullBucket_givesItsCapacity_thenOnePerShareOfThePeriod() {
        TokenBucket b = new TokenBucket(new TokenBucket.Rate(3, 3, 3 * SECOND), 0);
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isFalse();
        assertThat(b.tryTake(SECOND - 1)).as("a part of a token is not a token").isFalse();
        assertThat(b.tryTake(SECOND)).isTrue();
        assertThat(b.tryTake(SECOND)).isFalse();
    }

    @Test
    void partsOfATokenAccrue_acrossCalls() {
        TokenBucket b = new TokenBucket(new TokenBucket.Rate(1, 3, 12 * SECOND), 0);
        assertThat(b.tryTake(0)).isTrue();
        for (long t = 1; t <= 4; t++) {
            assertThat(b.tryTake(t * SECOND)).as("after %d s (a token every 4 s)", t).isEqualTo(t == 4);
        }
    }

    @Test
    void theCapacity_boundsTheBurst_afterAnyPause() {
        TokenBucket b = new TokenBucket(new TokenBucket.Rate(2, 1_000_000, SECOND), 0);
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.isFull(0)).isFalse();
        long later = Long.MAX_VALUE / 2; // elapsed × permits would not fit a long
        assertThat(b.isFull(later)).isTrue();
        assertThat(b.tryTake(later)).isTrue();
        assertThat(b.tryTake(later)).isTrue();
        assertThat(b.tryTake(later)).isFalse();
    }

    @Test
    void giveBack_returnsOne_neverBeyondTheCapacity() {
        TokenBucket b = new TokenBucket(new TokenBucket.Rate(1, 1, Duration.ofHours(1)), 0);
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isFalse();
        b.giveBack();
        b.giveBack();
        assertThat(b.isFull(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isFalse();
    }

    @Test
    void aClockThatGoesBack_addsNothing() {
        TokenBucket b = new TokenBucket(new TokenBucket.Rate(1, 1, SECOND), 10 * SECOND);
        assertThat(b.tryTake(10 * SECOND)).isTrue();
        assertThat(b.tryTake(5 * SECOND)).isFalse();
        assertThat(b.tryTake(11 * SECOND)).isTrue();
    }

    @Test
    void badRates_areRejected() {
        assertThatThrownBy(() -> new TokenBucket.Rate(0, 1, SECOND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket.Rate(1, 0, SECOND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket.Rate(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket.Rate(Long.MAX_VALUE, 1, SECOND)).isInstanceOf(ArithmeticException.class);
    }
}
