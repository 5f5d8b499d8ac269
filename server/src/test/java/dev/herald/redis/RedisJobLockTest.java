package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.broker.JobLock;
import dev.herald.testing.Concurrently;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three nodes ask for the same job at the same moment: exactly one runs it per period. */
class RedisJobLockTest {
    private static final String URL = "redis://127.0.0.1:6379";
    private final String prefix = "herald-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ":";
    private final List<RedisConnections> nodes = new ArrayList<>();

    @BeforeEach
    void connect() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 2000);
        } catch (IOException e) {
            throw new AssertionError("Redis is not reachable at " + URL + " (" + e.getMessage()
                    + "); cluster tests need it and are never skipped. Start it with: redis-server --daemonize yes "
                    + "--bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no", e);
        }
        for (String id : List.of("a", "b", "c")) {
            nodes.add(RedisConnections.open(URL, id, prefix, Duration.ofSeconds(2)));
        }
    }

    @AfterEach
    void close() {
        nodes.forEach(RedisConnections::close);
    }

    @Test
    void claim_sameJobSamePeriod_exactlyOneNodeRunsIt() throws Exception {
        Duration period = Duration.ofSeconds(2);
        AtomicInteger runs = new AtomicInteger();
        List<String> winners = Collections.synchronizedList(new ArrayList<>());
        // start on a fresh period so all three asks fall in the same one
        long ms = System.currentTimeMillis() % period.toMillis();
        Thread.sleep(period.toMillis() - ms + 50);
        List<JobLock> locks = nodes.stream().<JobLock>map(n -> new RedisJobLock(RedisShards.of(n))).toList();
        Concurrently.run(nodes.size(), n -> {
            for (int i = 0; i < 5; i++) { // a node asking again in the same period gets no second run
                if (locks.get(n).claim("notifications.retry", period)) {
                    runs.incrementAndGet();
                    winners.add(nodes.get(n).nodeId());
                }
            }
        });
        assertThat(runs.get()).as("runs in one period, winners " + winners).isEqualTo(1);

        // the next period is claimed afresh, by exactly one node again
        Thread.sleep(period.toMillis());
        int next = 0;
        for (RedisConnections node : nodes) {
            next += new RedisJobLock(RedisShards.of(node)).claim("notifications.retry", period) ? 1 : 0;
        }
        assertThat(next).isEqualTo(1);

        // another job is independent
        assertThat(new RedisJobLock(RedisShards.of(nodes.get(2))).claim("notifications.cleanup", Duration.ofDays(1))).isTrue();
        assertThat(new RedisJobLock(RedisShards.of(nodes.get(0))).claim("notifications.cleanup", Duration.ofDays(1))).isFalse();
    }

    @Test
    void claim_whenRedisIsUnreachable_isFalse_andLocalAlwaysRuns() {
        RedisConnections gone = nodes.get(0);
        gone.halt();
        assertThat(new RedisJobLock(RedisShards.of(gone)).claim("notifications.retry", Duration.ofMinutes(5))).isFalse();
        assertThat(JobLock.LOCAL.claim("notifications.retry", Duration.ofMinutes(5))).isTrue();
    }
}
