package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared "n threads at once" helper: all start together, every failure is reported, none hangs. */
class ConcurrentlyTest {
    @Test
    void everyIndexRuns_onItsOwnThread_allStartedBeforeAnyRuns() throws Exception {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch allIn = new CountDownLatch(4);
        Concurrently.run(4, i -> {
            allIn.countDown();
            assertThat(allIn.await(5, TimeUnit.SECONDS)).as("the others run meanwhile").isTrue();
            ran.add(i);
            threads.add(Thread.currentThread());
        });
        assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(threads).hasSize(4);
    }

    @Test
    void call_returnsWhatEachThreadReturned_byIndex() throws Exception {
        assertThat(Concurrently.call(3, i -> "r" + i)).containsExactly("r0", "r1", "r2");
    }

    @Test
    void failures_areRethrown_theFirstWithTheOthersSuppressed() {
        Throwable thrown = catchThrowable(() -> Concurrently.run(3, i -> {
            if (i > 0) {
                throw new IllegalStateException("thread " + i);
            }
        }));
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("thread ");
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThreadThatHangs_failsAfterTheTimeout() {
        Throwable thrown = catchThrowable(() -> Concurrently.run(2, Duration.ofMillis(200), i -> {
            if (i == 1) {
                Thread.sleep(60_000);
            }
        }));
        assertThat(thrown).isInstanceOf(AssertionError.class).hasMessageContaining("concurrently-1")
                .hasMessageNotContaining("concurrently-0");
    }
}
