package dev.herald.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe log-linear histogram of non-negative long values (nanoseconds here), with a
 * relative error under 1/64 (1.6 %): values below 128 are exact; above, each power of two is split
 * into 64 equal buckets. Min, max, count and sum are exact. Histograms merge by adding counts, which
 * is how the figures of several worker processes are combined.
 */
public final class Histogram {
    static final int SUB_BITS = 6;
    static final int SUB = 1 << SUB_BITS;            // 64 buckets per power of two
    static final int LINEAR = SUB * 2;               // 0..127 recorded exactly
    static final int MAX_SHIFT = 62 - SUB_BITS;
    static final int SIZE = LINEAR + MAX_SHIFT * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(SIZE);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    /** Records one value; negative values (a clock step) are recorded as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(index(v));
        count.incrementAndGet();
        sum.addAndGet(v);
        if (v < min.get()) {
            min.accumulateAndGet(v, Math::min);
        }
        if (v > max.get()) {
            max.accumulateAndGet(v, Math::max);
        }
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS; // v >> shift is in [64, 128)
        int idx = LINEAR + (shift - 1) * SUB + (int) ((v >> shift) - SUB);
        return Math.min(idx, SIZE - 1);
    }

    /** The highest value that falls into bucket {@code idx}. */
    static long highestIn(int idx) {
        if (idx < LINEAR) {
            return idx;
        }
        int shift = (idx - LINEAR) / SUB + 1;
        long low = ((long) ((idx - LINEAR) % SUB) + SUB) << shift;
        return low + (1L << shift) - 1;
    }

    public long count() {
        return count.get();
    }

    public long min() {
        return count.get() == 0 ? 0 : min.get();
    }

    public long max() {
        return count.get() == 0 ? 0 : max.get();
    }

    public double mean() {
        long n = count.get();
        return n == 0 ? 0 : (double) sum.get() / n;
    }

    /**
     * The value at {@code percentile} (0..100): the smallest recorded bucket whose cumulative count
     * reaches ceil(p/100 × count), reported as that bucket's highest value but never above the
     * exact maximum. 0 when empty.
     */
    public long percentile(double percentile) {
        long n = count.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(highestIn(i), max());
            }
        }
        return max();
    }

    /** Adds every count of {@code other} to this one. */
    public void add(Histogram other) {
        for (int i = 0; i < SIZE; i++) {
            long c = other.counts.get(i);
            if (c != 0) {
                counts.addAndGet(i, c);
            }
        }
        count.addAndGet(other.count.get());
        sum.addAndGet(other.sum.get());
        if (other.count.get() > 0) {
            min.accumulateAndGet(other.min.get(), Math::min);
            max.accumulateAndGet(other.max.get(), Math::max);
        }
    }

    public void reset() {
        for (int i = 0; i < SIZE; i++) {
            counts.set(i, 0);
        }
        count.set(0);
        sum.set(0);
        min.set(Long.MAX_VALUE);
        max.set(Long.MIN_VALUE);
    }

    /** A compact form for passing between processes: [count, sum, min, max, idx, n, idx, n, …]. */
    public long[] toArray() {
        long[] tmp = new long[4 + 2 * SIZE];
        tmp[0] = count.get();
        tmp[1] = sum.get();
        tmp[2] = min.get();
        tmp[3] = max.get();
        int k = 4;
        for (int i = 0; i < SIZE; i++) {
            long c = counts.get(i);
            if (c != 0) {
                tmp[k++] = i;
                tmp[k++] = c;
            }
        }
        return java.util.Arrays.copyOf(tmp, k);
    }

    public static Histogram fromArray(long[] a) {
        Histogram h = new Histogram();
        if (a == null || a.length < 4) {
            return h;
        }
        h.count.set(a[0]);
        h.sum.set(a[1]);
        h.min.set(a[2]);
        h.max.set(a[3]);
        for (int k = 4; k + 1 < a.length; k += 2) {
            h.counts.set((int) a[k], a[k + 1]);
        }
        return h;
    }

    /** p50/p99/p999/max in milliseconds, for the JSON results. */
    public java.util.Map<String, Object> summaryMillis() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("count", count());
        m.put("mean_ms", ms((long) mean()));
        m.put("p50_ms", ms(percentile(50)));
        m.put("p90_ms", ms(percentile(90)));
        m.put("p99_ms", ms(percentile(99)));
        m.put("p999_ms", ms(percentile(99.9)));
        m.put("max_ms", ms(max()));
        return m;
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
