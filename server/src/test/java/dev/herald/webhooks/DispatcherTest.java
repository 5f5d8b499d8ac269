package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

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
 * time, not one per finished request, and every event still goes out once. Counts, not times.
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
}
