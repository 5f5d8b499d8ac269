package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Backoff} against herald.js's {@code backoffDelay} (server/src/main/resources/web/herald.js). */
class BackoffTest {
    private final Backoff js = Backoff.HERALD_JS;

    @Test
    void defaults_areHeraldJs() {
        assertThat(js.baseMs()).isEqualTo(1000);
        assertThat(js.maxMs()).isEqualTo(30_000);
        assertThat(js.jitter()).isEqualTo(0.5);
    }

    @Test
    void extremesOfTheRandomShare_giveTheBounds() {
        // random() = 0: the whole ceiling; random() -> 1: half of it (jitter 0.5)
        long[] ceilings = {1000, 2000, 4000, 8000, 16_000, 30_000, 30_000};
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            assertThat(js.delayMs(attempt, 0.0)).isEqualTo(ceilings[attempt]);
            assertThat(js.delayMs(attempt, 0.999_999_9)).isEqualTo(ceilings[attempt] / 2);
        }
    }

    @Test
    void roundsLikeMathRound() {
        // herald.js: Math.round(ceiling * (1 - jitter * random())); 1000 * (1 - 0.5 * 0.0011) = 999.45 -> 999
        assertThat(js.delayMs(0, 0.0011)).isEqualTo(999);
        // 1000 * (1 - 0.5 * 0.001) = 999.5 -> 1000 (half up)
        assertThat(js.delayMs(0, 0.001)).isEqualTo(1000);
    }

    @Test
    void seededSequence_staysWithinEachAttemptsBounds() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 1000; round++) {
            for (int attempt = 0; attempt < 12; attempt++) {
                long ceiling = Math.min(30_000, 1000L << attempt);
                long d = js.delayMs(attempt, random.nextDouble());
                assertThat(d).isBetween(ceiling / 2, ceiling);
            }
        }
        // the same seed, the same delays
        long[] a = new long[8];
        long[] b = new long[8];
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        for (int i = 0; i < 8; i++) {
            a[i] = js.delayMs(i, r1.nextDouble());
            b[i] = js.delayMs(i, r2.nextDouble());
        }
        assertThat(a).containsExactly(b);
    }

    @Test
    void hugeAttempts_stayAtTheCap() {
        assertThat(js.delayMs(1000, 0.0)).isEqualTo(30_000);
        assertThat(js.delayMs(Integer.MAX_VALUE, 0.0)).isEqualTo(30_000);
    }

    @Test
    void afterARestartClose_theDelaysStopAtRestartMaxMs() {
        Backoff r = js.restarting();
        long[] ceilings = {1000, 2000, 4000, 5000, 5000, 5000};
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            assertThat(r.delayMs(attempt, 0.0)).isEqualTo(ceilings[attempt]);
        }
    }

    @Test
    void noJitter_isPlainExponential() {
        Backoff b = new Backoff(100, 1000, 0);
        assertThat(b.delayMs(0, 0.7)).isEqualTo(100);
        assertThat(b.delayMs(3, 0.7)).isEqualTo(800);
        assertThat(b.delayMs(4, 0.7)).isEqualTo(1000);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(1000, 500, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(1000, 5000, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
