package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Concurrently;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import dev.herald.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox's claim on H2, PostgreSQL and MariaDB: concurrent claimers (as several nodes on one
 * database) never take the same row while its lease runs, a lease that ran out is taken over, and
 * an outcome only counts for the lease's holder. Time is a {@link TestClock}.
 */
@EveryDatabase
class WebhookOutboxTest {
    private FreshDatabase database;
    private final TestClock clock = new TestClock();
    private Outbox outbox;

    @BeforeEach
    void database(FreshDatabase database) {
        this.database = database;
        this.outbox = new Outbox(database.db(), clock);
    }

    private void insert(int n) {
        database.db().inTransaction(c -> {
            List<Map<String, Object>> data = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                data.add(Map.of("n", i));
            }
            return outbox.insert(c, EventSink.DELIVERED, data);
        });
    }

    @Test
    void fourConcurrentClaimers_neverTakeTheSameRow_andTakeThemAll() throws Exception {
        insert(400);
        Map<Long, String> owners = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> twice = new ConcurrentLinkedQueue<>();
        Concurrently.run(4, Duration.ofSeconds(60), i -> {
            for (List<Outbox.Row> rows; !(rows = outbox.claim("node-" + i, 17, 60_000)).isEmpty(); ) {
                for (Outbox.Row r : rows) {
                    if (owners.putIfAbsent(r.id(), "node-" + i) != null) {
                        twice.add(r.id());
                    }
                }
            }
        });
        assertThat(twice).as("rows claimed by two owners").isEmpty();
        assertThat(owners).hasSize(400);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE locked_by IS NULL")).isZero();
    }

    @Test
    void aLeaseThatRanOut_isTakenOver_andTheOldHolderOutcomeIsIgnored() {
        insert(1);
        List<Outbox.Row> first = outbox.claim("a", 10, 30_000);
        assertThat(first).hasSize(1);
        assertThat(outbox.claim("b", 10, 30_000)).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        List<Outbox.Row> second = outbox.claim("b", 10, 30_000);
        assertThat(second).extracting(Outbox.Row::eventId).containsExactly(first.get(0).eventId());
        // a's late "delivered" does not count: b holds the row now
        outbox.finish("a", List.of(new Outbox.Result(first.get(0), true, null, clock.millis())), 10, n -> 1000);
        assertThat(database.count("SELECT state FROM webhook_outbox")).isEqualTo(Outbox.PENDING);
        outbox.finish("b", List.of(new Outbox.Result(second.get(0), false, "HTTP 500", clock.millis())), 10, n -> 1000);
        assertThat(database.count("SELECT attempts FROM webhook_outbox")).isEqualTo(1);
        assertThat(outbox.claim("c", 10, 30_000)).as("not due before its backoff").isEmpty();
        clock.advance(Duration.ofMillis(1000));
        List<Outbox.Row> third = outbox.claim("c", 10, 30_000);
        assertThat(third).hasSize(1);
        assertThat(third.get(0).attempts()).isEqualTo(1);
        outbox.finish("c", List.of(new Outbox.Result(third.get(0), true, null, clock.millis())), 10, n -> 1000);
        assertThat(database.count("SELECT state FROM webhook_outbox")).isEqualTo(Outbox.DELIVERED);
        assertThat(outbox.claim("d", 10, 30_000)).isEmpty();
    }

    @Test
    void deliveredRowsGoAfterTheRetention_failedOnesStay() {
        insert(2);
        List<Outbox.Row> rows = outbox.claim("a", 10, 30_000);
        outbox.finish("a", List.of(new Outbox.Result(rows.get(0), true, null, clock.millis()),
                new Outbox.Result(rows.get(1), false, "HTTP 500", clock.millis())), 1, n -> 1000);
        assertThat(outbox.counts()).containsExactly(0, 1, 1);
        assertThat(outbox.purgeDelivered(clock.millis())).isZero();
        clock.advance(Duration.ofDays(8));
        assertThat(outbox.purgeDelivered(clock.millis() - Duration.ofDays(7).toMillis())).isEqualTo(1);
        assertThat(outbox.counts()).containsExactly(0, 0, 1);
    }

    @Test
    void releasedLeases_areClaimableAtOnce() {
        insert(3);
        assertThat(outbox.claim("a", 10, 30_000)).hasSize(3);
        assertThat(outbox.release("a")).isEqualTo(3);
        Set<String> ids = new HashSet<>();
        outbox.claim("b", 10, 30_000).forEach(r -> ids.add(r.eventId()));
        assertThat(ids).hasSize(3);
    }

    @Test
    void theClaimTakesARowByItsPrimaryKey_evenAsPlannedOnAnEmptyTable() {
        // H2 keeps a prepared statement's plan for the connection's life: planned on an empty
        // outbox, a claim that named state = 0 went through a state index and scanned every pending
        // row for each row it took (the webhooks bench fell ever further behind)
        org.junit.jupiter.api.Assumptions.assumeTrue(database.dialect() == dev.herald.store.Dialect.H2,
                "the plan is H2's; PostgreSQL and MariaDB plan with the table's statistics");
        String plan = database.db().withConnection(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("EXPLAIN " + Outbox.CLAIM)) {
                ps.setString(1, "a");
                ps.setLong(2, 1);
                ps.setLong(3, 1);
                ps.setLong(4, 1);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        assertThat(plan).contains("PRIMARY_KEY").doesNotContain("WO_DUE").doesNotContain("WO_DELIVERED");
    }
}
