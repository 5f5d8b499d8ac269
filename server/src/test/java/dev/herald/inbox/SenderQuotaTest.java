package dev.herald.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.TestTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-sender offline-chat quota, on a hand-moved clock. */
class SenderQuotaTest {
    private final TestTicker ticker = new TestTicker();

    private SenderQuota quota(int perHour, int capacity) {
        return new SenderQuota(perHour, Duration.ofHours(1), capacity, ticker);
    }

    @Test
    void aBurstOfTheQuota_thenOneMorePerShareOfTheHour() {
        SenderQuota q = quota(4, 10);
        for (int i = 0; i < 4; i++) {
            assertThat(q.tryTake(7)).as("chat %s", i).isTrue();
        }
        assertThat(q.tryTake(7)).isFalse();
        assertThat(q.tryTake(8)).as("another sender has their own quota").isTrue();
        ticker.advance(Duration.ofMinutes(14));
        assertThat(q.tryTake(7)).as("a quarter hour not yet passed").isFalse();
        ticker.advance(Duration.ofMinutes(1));
        assertThat(q.tryTake(7)).as("one chat back after a quarter of the hour").isTrue();
        assertThat(q.tryTake(7)).isFalse();
        ticker.advance(Duration.ofHours(5));
        for (int i = 0; i < 4; i++) {
            assertThat(q.tryTake(7)).isTrue();
        }
        assertThat(q.tryTake(7)).as("never more than the quota saved up").isFalse();
    }

    @Test
    void aRefusedTakeUsesNothing_andGiveBackReturnsOne() {
        SenderQuota q = quota(1, 10);
        assertThat(q.tryTake(7)).isTrue();
        assertThat(q.tryTake(7)).isFalse();
        assertThat(q.tryTake(7)).isFalse();
        q.giveBack(7);
        assertThat(q.tryTake(7)).isTrue();
        q.giveBack(7);
        q.giveBack(7);
        assertThat(q.tryTake(7)).isTrue();
        assertThat(q.tryTake(7)).as("giving back never passes the quota").isFalse();
        q.giveBack(99); // unknown sender: nothing to give back to
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void memoryIsBounded_theLeastRecentSenderIsForgotten() {
        SenderQuota q = quota(1, 3);
        for (long sender = 1; sender <= 3; sender++) {
            assertThat(q.tryTake(sender)).isTrue();
        }
        assertThat(q.tryTake(1)).isFalse(); // 1 is now the most recent
        assertThat(q.tryTake(4)).isTrue(); // forgets 2
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.tryTake(1)).as("still tracked").isFalse();
        assertThat(q.tryTake(3)).as("still tracked").isFalse();
        assertThat(q.tryTake(2)).as("forgotten, starts afresh").isTrue();
        assertThat(q.size()).isEqualTo(3);
    }

    @Test
    void badArguments_areRejected() {
        assertThatThrownBy(() -> quota(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> quota(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SenderQuota(1, Duration.ZERO, 1, ticker)).isInstanceOf(IllegalArgumentException.class);
    }
}
