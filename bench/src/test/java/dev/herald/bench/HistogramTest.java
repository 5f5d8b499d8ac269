package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void emptyHistogram_reportsZeros() {
        Histogram h = new Histogram();
        assertThat(h.count()).isZero();
        assertThat(h.percentile(99)).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.min()).isZero();
    }

    @Test
    void smallValues_areExact() {
        Histogram h = new Histogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertThat(h.percentile(50)).isEqualTo(50);
        assertThat(h.percentile(99)).isEqualTo(99);
        assertThat(h.percentile(100)).isEqualTo(100);
        assertThat(h.min()).isEqualTo(1);
        assertThat(h.mean()).isCloseTo(50.5, within(1e-9));
    }

    @Test
    void bucketIndex_isMonotonicAndCoversItsValue() {
        int last = -1;
        for (long v = 0; v < 5_000_000; v += 7) {
            int idx = Histogram.index(v);
            assertThat(idx).isGreaterThanOrEqualTo(last);
            assertThat(Histogram.highestIn(idx)).isGreaterThanOrEqualTo(v);
            last = idx;
        }
    }

    @Test
    void largeValues_percentilesWithinRelativeError() {
        Random r = new Random(1);
        long[] values = new long[100_000];
        Histogram h = new Histogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = 1000 + (long) (r.nextDouble() * 50_000_000); // 1 µs .. 50 ms in ns
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat((double) h.percentile(p)).isCloseTo(exact, within(exact / 60.0));
        }
        assertThat(h.max()).isEqualTo(values[values.length - 1]);
    }

    @Test
    void percentile_neverExceedsMax() {
        Histogram h = new Histogram();
        h.record(1_000_001);
        assertThat(h.percentile(99.9)).isEqualTo(1_000_001);
    }

    @Test
    void negativeValues_recordAsZero() {
        Histogram h = new Histogram();
        h.record(-5);
        assertThat(h.min()).isZero();
        assertThat(h.count()).isEqualTo(1);
    }

    @Test
    void merge_addsCountsAndKeepsExtremes() {
        Histogram a = new Histogram();
        Histogram b = new Histogram();
        for (int i = 0; i < 100; i++) {
            a.record(1_000);
            b.record(9_000_000);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(200);
        assertThat(a.min()).isEqualTo(1_000);
        assertThat(a.max()).isEqualTo(9_000_000);
        assertThat(a.percentile(50)).isLessThan(1_020);
        assertThat(a.percentile(51)).isGreaterThan(8_800_000);
    }

    @Test
    void arrayForm_roundTrips() {
        Histogram h = new Histogram();
        for (long v = 1; v < 10_000_000; v *= 3) {
            h.record(v);
        }
        Histogram copy = Histogram.fromArray(h.toArray());
        assertThat(copy.count()).isEqualTo(h.count());
        assertThat(copy.max()).isEqualTo(h.max());
        assertThat(copy.min()).isEqualTo(h.min());
        assertThat(copy.percentile(75)).isEqualTo(h.percentile(75));
        assertThat(copy.mean()).isEqualTo(h.mean());
    }

    @Test
    void reset_forgetsEverything() {
        Histogram h = new Histogram();
        h.record(42);
        h.reset();
        assertThat(h.count()).isZero();
        assertThat(h.percentile(50)).isZero();
    }
}
