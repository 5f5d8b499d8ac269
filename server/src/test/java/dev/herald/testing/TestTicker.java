package dev.herald.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nanosecond ticker the test moves by hand, in place of {@code System::nanoTime} wherever a class
 * takes a {@link LongSupplier} of nanoseconds (the one way Herald injects a monotonic clock). It
 * starts at an arbitrary non-zero value, as {@code System.nanoTime()} does, so code that treats 0
 * as special is caught. Thread-safe.
 */
public final class TestTicker implements LongSupplier {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
