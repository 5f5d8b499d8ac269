package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the store, not asserts its speed: disabled unless {@code -Dherald.perf=true}.
 * <pre>./mvnw -pl server test -Dtest=NotificationStorePerfTest -Dherald.perf=true</pre>
 * Prints lines starting with {@code PERF}. The real benchmarks live in bench/.
 */
@EnabledIfSystemProperty(named = "herald.perf", matches = "true")
class NotificationStorePerfTest extends StoreTestBase {

    private static final int RECIPIENTS = 100_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void sendToHundredThousandKnownUsers() {
        NotificationStore real = new NotificationStore(db(), Clock.systemUTC());
        List<Long> users = LongStream.rangeClosed(1, RECIPIENTS).boxed().toList();
        real.insertForUsers(users.subList(0, 1_000), note("warm-up"), NOBODY_KNOWN);
        long[] wall = new long[5];
        long[] cpu = new long[5];
        for (int round = 0; round < wall.length; round++) {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            List<Notification> created = real.insertForUsers(users, note("broadcast " + round), NOBODY_KNOWN);
            wall[round] = System.nanoTime() - start;
            cpu[round] = THREADS.getCurrentThreadCpuTime() - cpuStart;
            assertThat(created).hasSize(RECIPIENTS);
        }
        summary("insertForUsers(100k known users)", wall, cpu);
        long start = System.nanoTime();
        List<Long> known = real.knownUserIds();
        report("knownUserIds() of 100k", start);
        assertThat(known).hasSize(RECIPIENTS);
    }

    @Test
    void markAllReadOfTenThousand() throws SQLException {
        NotificationStore real = new NotificationStore(db(), Clock.systemUTC());
        long[] wall = new long[5];
        long[] cpu = new long[5];
        for (int round = 0; round < wall.length; round++) {
            long user = 1_000 + round;
            bulkRows(user, 10_000);
            assertThat(real.unreadCount(user)).isEqualTo(10_000);
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            int changed = real.markAllRead(user);
            wall[round] = System.nanoTime() - start;
            cpu[round] = THREADS.getCurrentThreadCpuTime() - cpuStart;
            assertThat(changed).isEqualTo(10_000);
        }
        summary("markAllRead(10k unread)", wall, cpu);
    }

    @Test
    void readsWithAMillionRows() {
        NotificationStore real = new NotificationStore(db(), Clock.systemUTC());
        int users = 10_000;
        List<Long> ids = LongStream.rangeClosed(1, users).boxed().toList();
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            real.insertForUsers(ids, note("n" + i, "content " + i, i % 3 == 0 ? "warning" : "info", "system"), NOBODY_KNOWN);
        }
        report("setup: 1,000,000 rows in 100 sends", start);
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) { // about 40% read, some deleted
            long user = 1 + random.nextInt(users);
            real.markRead(user, real.unread(user, 40).stream().map(Notification::id).toList());
        }
        measure("unreadCount", 2_000, () -> real.unreadCount(1 + random.nextInt(users)));
        measure("list page 1 (is_read=false, type=info, 20 rows)", 1_000, () -> real.list(
                NotificationFilter.forUser(1 + random.nextInt(users)).withRead(false).withType("info")).total());
        measure("list page 3 (keyword 'content 4', 20 rows)", 1_000, () -> real.list(
                NotificationFilter.forUser(1 + random.nextInt(users)).withKeyword("content 4").withPage(3, 20)).total());
        measure("undelivered(100)", 1_000, () -> real.undelivered(1 + random.nextInt(users), 0, 100).size());
        measure("statistics", 500, () -> real.statistics(1 + random.nextInt(users)).total());
        long retryStart = System.nanoTime();
        real.retryCandidates(50, 3);
        report("retryCandidates(50, 3) over 1M undelivered", retryStart);
    }

    private void bulkRows(long user, int rows) throws SQLException {
        Object now = dialect.timestamp(Instant.now());
        try (Connection c = db().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO system_notifications (user_id, title, content, type, category, created_at, updated_at)"
                        + " VALUES (?, ?, ?, 'info', 'system', ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                ps.setLong(1, user);
                ps.setString(2, "row " + i);
                ps.setString(3, "bulk");
                ps.setObject(4, now);
                ps.setObject(5, now);
                ps.addBatch();
                if (i % 1_000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    private void measure(String what, int calls, LongSupplier call) {
        for (int i = 0; i < calls / 5; i++) {
            call.getAsLong(); // warm-up
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.getAsLong();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("PERF %-10s %-50s p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", dialect, what,
                nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.99)] / 1e6, nanos[calls - 1] / 1e6);
    }

    /** Wall times of all rounds, and the calling thread's CPU (where H2 does its work). */
    private void summary(String what, long[] wall, long[] cpu) {
        StringBuilder rounds = new StringBuilder();
        for (int i = 0; i < wall.length; i++) {
            rounds.append(String.format(" %.0f", wall[i] / 1e6));
        }
        long[] sorted = wall.clone();
        Arrays.sort(sorted);
        long[] sortedCpu = cpu.clone();
        Arrays.sort(sortedCpu);
        System.out.printf("PERF %-10s %-50s wall ms:%s (best %.0f, median %.0f); caller cpu median %.0f ms; load %.1f%n",
                dialect, what, rounds, sorted[0] / 1e6, sorted[sorted.length / 2] / 1e6,
                sortedCpu[sortedCpu.length / 2] / 1e6, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private void report(String what, long startNanos) {
        System.out.printf("PERF %-10s %-50s %.0f ms%n", dialect, what, (System.nanoTime() - startNanos) / 1e6);
    }
}
