package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateScheduleTest {
    @Test
    void intendedTimes_areEvenlySpacedFromStart() {
        RateSchedule s = new RateSchedule(1_000, 2000, 10);
        assertThat(s.intendedNanos(0)).isEqualTo(1_000);
        assertThat(s.intendedNanos(1)).isEqualTo(1_000 + 500_000);
        assertThat(s.intendedNanos(9)).isEqualTo(1_000 + 9 * 500_000);
    }

    @Test
    void dueBy_countsEventsWhoseTimeHasCome_cappedAtTotal() {
        RateSchedule s = new RateSchedule(0, 1000, 5); // one per ms
        assertThat(s.dueBy(-1)).isZero();
        assertThat(s.dueBy(0)).isEqualTo(1);
        assertThat(s.dueBy(999_999)).isEqualTo(1);
        assertThat(s.dueBy(1_000_000)).isEqualTo(2);
        assertThat(s.dueBy(3_500_000)).isEqualTo(4);
        assertThat(s.dueBy(1_000_000_000)).isEqualTo(5);
    }

    @Test
    void eventsFor_rateTimesDuration() {
        assertThat(RateSchedule.eventsFor(20, 60_000_000_000L)).isEqualTo(1200);
        assertThat(RateSchedule.eventsFor(2000, 30_000_000_000L)).isEqualTo(60_000);
        assertThat(RateSchedule.eventsFor(0.1, 1_000_000_000L)).isEqualTo(1);
    }

    @Test
    void run_firesEveryEventOnceInOrder_withItsIntendedTime_andNotEarly() {
        RateSchedule s = new RateSchedule(System.nanoTime(), 5000, 200);
        List<long[]> fired = new ArrayList<>();
        s.run((k, intended) -> fired.add(new long[] {k, intended, System.nanoTime()}));
        assertThat(fired).hasSize(200);
        for (int i = 0; i < fired.size(); i++) {
            assertThat(fired.get(i)[0]).isEqualTo(i);
            assertThat(fired.get(i)[1]).isEqualTo(s.intendedNanos(i));
            assertThat(fired.get(i)[2]).isGreaterThanOrEqualTo(fired.get(i)[1]);
        }
    }

    @Test
    void run_whenBehind_catchesUpInABurst_keepingIntendedTimes() {
        long start = System.nanoTime() - 1_000_000_000L; // a second late: every event is overdue
        RateSchedule s = new RateSchedule(start, 100, 50);
        List<Long> intended = new ArrayList<>();
        long t0 = System.nanoTime();
        s.run((k, t) -> intended.add(t));
        assertThat(System.nanoTime() - t0).isLessThan(500_000_000L);
        assertThat(intended.get(49)).isEqualTo(start + 49 * 10_000_000L);
    }

    @Test
    void rate_mustBePositive() {
        assertThatThrownBy(() -> new RateSchedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
