package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.broker.JobLock;
import dev.herald.broker.LocalPresence;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's round trips (docs/webhooks.md "Delivery"): a backlog is claimed many rows at a
 * time, not one per finished request; events this node's transactions store are handed off and sent
 * with no claim at all, and only once their transaction committed; every event goes out once.
 * Counts, not times.
 */
@EveryDatabase
class DispatcherTest {

    @Test
    void aBacklog_isClaimedInBatchesOfAQuarterOfTheInFlightPlacesAtLeast_eachEventOnce(FreshDatabase database)
            throws Exception {
        int events = 1_000;
        int maxInFlight = 64;
        Outbox outbox = new Outbox(database.db(), Clock.systemUTC());
        database.db().inTransaction(c -> {
            List<Map<String, Object>> data = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                data.add(Map.of("n", i));
            }
            return outbox.insert(c, EventSink.DELIVERED, data);
        });
        try (Receiver receiver = Receiver.start();
             Dispatcher dispatcher = new Dispatcher(outbox, "node-a", URI.create(receiver.url()),
                     Receiver.SECRET.getBytes(StandardCharsets.UTF_8), 3, Duration.ofMillis(50), Duration.ofMillis(200),
                     Duration.ofDays(1), maxInFlight, Duration.ofSeconds(10), Duration.ofMillis(20), Clock.systemUTC(),
                     new HeraldMetrics())) {
            dispatcher.start();
            receiver.await("every event", 60, hits -> hits.size() >= events);
            // every claim but the last took at least maxInFlight / 4 rows (before: one claim per
            // finished request, hundreds of them)
            assertThat(dispatcher.claims()).isBetween(2L, (long) Math.ceil(events / (maxInFlight / 4.0)));
            assertThat(receiver.okById()).hasSize(events);
            assertThat(receiver.okById().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            dev.herald.testing.Await.until("every outcome recorded",
                    () -> database.count("SELECT COUNT(*) FROM webhook_outbox WHERE state = 1") == events);
        }
    }

    private static Webhooks webhooks(FreshDatabase database, Receiver receiver) {
        Settings.Webhooks settings = new Settings.Webhooks(receiver.url(), Receiver.SECRET, Duration.ofSeconds(10), 3,
                Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofDays(1), 64, Duration.ofSeconds(10),
                Duration.ofSeconds(30)); // a poll far off: what is sent here is not found by polling
        return new Webhooks(settings, "node-a", database.db(), new LocalPresence(), JobLock.LOCAL, new HeraldMetrics(),
                Clock.systemUTC());
    }

    private static List<Map<String, Object>> data(int from, int n) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            data.add(Map.of("n", i));
        }
        return data;
    }

    @Test
    void eventsOfACommittedTransaction_areHandedOff_sentWithNoClaim_andARolledBackOnesNever(FreshDatabase database)
            throws Exception {
        try (Receiver receiver = Receiver.start(); Webhooks hooks = webhooks(database, receiver)) {
            hooks.start();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> database.db().inTransaction(c -> {
                hooks.publishIn(c, EventSink.DELIVERED, data(0, 5));
                throw new IllegalStateException("the change failed");
            })).hasMessage("the change failed");
            for (int t = 0; t < 30; t++) {
                int from = 100 + t * 10;
                database.db().inTransaction(c -> {
                    hooks.publishIn(c, EventSink.DELIVERED, data(from, 10));
                    return null;
                });
            }
            receiver.await("the committed events", 30, hits -> hits.size() >= 300);
            dev.herald.testing.Await.until("every outcome recorded",
                    () -> database.count("SELECT COUNT(*) FROM webhook_outbox WHERE state = 1") == 300);
            assertThat(receiver.okById()).hasSize(300);
            assertThat(receiver.okById().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(receiver.hits()).noneMatch(h -> h.body().contains("\"n\":4}") || h.body().contains("\"n\":0}"));
            assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox")).as("the rolled-back rows").isEqualTo(300);
            assertThat(hooks.dispatcherClaims()).as("claims").isZero();
        }
    }

    @Test
    void moreThanTheHandOffHolds_isStoredForClaiming_andStillSentOnce(FreshDatabase database) throws Exception {
        int events = Dispatcher.HAND_OFF_MAX + 1;
        try (Receiver receiver = Receiver.start(); Webhooks hooks = webhooks(database, receiver)) {
            database.db().inTransaction(c -> {
                hooks.publishIn(c, EventSink.DELIVERED, data(0, events));
                return null;
            });
            assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE locked_by IS NOT NULL"))
                    .as("leased rows").isZero();
            hooks.start();
            receiver.await("every event", 120, hits -> hits.size() >= events);
            assertThat(receiver.okById()).hasSize(events);
            assertThat(hooks.dispatcherClaims()).as("claims").isPositive();
        }
    }
}
