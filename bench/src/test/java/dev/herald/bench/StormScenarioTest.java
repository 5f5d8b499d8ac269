package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StormScenarioTest {
    private static final long S = 1_000_000_000L;

    @Test
    void recovery_ranksTimesFromT0() {
        long t0 = 100 * S;
        long[] at = new long[200];
        for (int i = 0; i < at.length; i++) {
            at[i] = t0 + (i + 1) * S / 100; // 0.01 s .. 2.00 s after t0, in any order is fine
        }
        StormScenario.Recovery r = StormScenario.Recovery.of(at, 200, t0);
        assertThat(r.done()).isEqualTo(200);
        assertThat(r.t50()).isEqualTo(1.0);   // the 100th of 200
        assertThat(r.t99()).isEqualTo(1.98);  // the 198th
        assertThat(r.t100()).isEqualTo(2.0);  // the last
    }

    @Test
    void recovery_whoNeverCame_leavesTheHighRanksOpen() {
        long t0 = 5 * S;
        long[] at = new long[100];
        for (int i = 0; i < 99; i++) {
            at[i] = t0 + (99 - i) * S / 10; // unsorted on purpose
        }
        at[99] = 0; // never back
        StormScenario.Recovery r = StormScenario.Recovery.of(at, 100, t0);
        assertThat(r.done()).isEqualTo(99);
        assertThat(r.t99()).isEqualTo(9.9);
        assertThat(r.t100()).isNull();
    }

    @Test
    void recovery_countsAgainstThePopulation_notOnlyTheDropped() {
        // 3 of a population of 4 reported at all (the 4th never dropped): 100 % is never reached
        long[] at = {S, 2 * S, 3 * S};
        StormScenario.Recovery r = StormScenario.Recovery.of(at, 4, 0);
        assertThat(r.t50()).isEqualTo(2.0);
        assertThat(r.t100()).isNull();
    }

    @Test
    void recovery_beforeT0_isNegative() {
        // a client that got in before the node reported itself up
        StormScenario.Recovery r = StormScenario.Recovery.of(new long[] {S / 2, 3 * S}, 2, S);
        assertThat(r.t50()).isEqualTo(-0.5);
        assertThat(r.t100()).isEqualTo(2.0);
    }

    @Test
    void recovery_ofNobody() {
        StormScenario.Recovery r = StormScenario.Recovery.of(new long[0], 0, 0);
        assertThat(r.t99()).isNull();
        assertThat(r.t100()).isNull();
    }

    @Test
    void sqlRunCount_readsTheTimersCount() {
        String text = """
                # HELP herald_sql_run_seconds Time a piece of database work ran on its SQL worker
                # TYPE herald_sql_run_seconds histogram
                herald_sql_run_seconds_bucket{le="0.001"} 12.0
                herald_sql_run_seconds_count 4321.0
                herald_sql_run_seconds_sum 1.5
                herald_sql_wait_seconds_count 99.0
                """;
        assertThat(StormScenario.sqlRunCount(text)).isEqualTo(4321);
        assertThat(StormScenario.sqlRunCount("")).isZero();
    }

    @Test
    void nextSlot_walksTheNodeListBothWays() {
        // from node A (0) of three: even indexes go to B, odd ones to C; with one node, always it
        assertThat(StormClients.nextSlot(0, 1, 3)).isEqualTo(1);
        assertThat(StormClients.nextSlot(0, -1, 3)).isEqualTo(2);
        assertThat(StormClients.nextSlot(2, 1, 3)).isZero();
        assertThat(StormClients.nextSlot(0, 1, 1)).isZero();
        assertThat(StormClients.nextSlot(0, -1, 1)).isZero();
    }

    @Test
    void notificationId_isReadFromTheFrame() {
        String frame = "{\"type\":\"notification\",\"data\":{\"id\":1234,\"user_id\":7,\"title\":\"t\",\"type\":\"info\"}}";
        var buf = Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8);
        assertThat(FrameScan.hasType(buf, "notification")).isTrue();
        assertThat(FrameScan.longAfter(buf, StormClients.NOTIFICATION_ID)).isEqualTo(1234);
    }
}
