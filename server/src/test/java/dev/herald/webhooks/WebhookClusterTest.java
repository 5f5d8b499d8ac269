package dev.herald.webhooks;

import static dev.herald.webhooks.WebhookDeliveryTest.ack;
import static dev.herald.webhooks.WebhookDeliveryTest.hooked;
import static dev.herald.webhooks.WebhookDeliveryTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.TestServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two nodes on one PostgreSQL (then MariaDB) database, both sending the one outbox: every event
 * reaches the receiver exactly once while both run, and both nodes take part.
 */
class WebhookClusterTest {

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void twoNodesOnOneDatabase_deliverEachEventOnce(Dialect dialect) {
        try (TestDatabase db = TestDatabase.create(dialect); Receiver receiver = Receiver.start()) {
            receiver.delay(3);
            var cfg = db.config();
            Map<String, String> settings = new HashMap<>(hooked(receiver, "webhooks.max-in-flight", "4"));
            settings.put("db.url", cfg.url());
            settings.put("db.user", cfg.user());
            settings.put("db.password", cfg.password());
            settings.put("demo.enabled", "false");
            Map<String, String> a = new HashMap<>(settings);
            a.put("node-id", "a");
            Map<String, String> b = new HashMap<>(settings);
            b.put("node-id", "b");
            try (TestServer nodeA = TestServer.start(a); TestServer nodeB = TestServer.start(b)) {
                List<Long> ids = send(nodeA, 61, 300);
                for (int i = 0; i < ids.size(); i += 10) {
                    ack(i / 10 % 2 == 0 ? nodeA : nodeB, 61, ids.subList(i, i + 10));
                }
                receiver.await("300 events delivered", 60, h -> receiver.okById().size() >= 300);
                try {
                    Thread.sleep(500); // time for a second sending of any of them, which must not come
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(receiver.okById()).hasSize(300);
                assertThat(receiver.okById().values()).extracting(AtomicInteger::get).containsOnly(1);
                assertThat(receiver.hits()).hasSize(300).allMatch(Receiver.Hit::signatureValid);
                assertThat(receiver.hits()).extracting(h -> h.event().at("/data/notification_id").asLong())
                        .containsExactlyInAnyOrderElementsOf(ids);
                double sentA = nodeA.metric("herald_webhooks_sent_total");
                double sentB = nodeB.metric("herald_webhooks_sent_total");
                assertThat(sentA + sentB).isEqualTo(300.0);
                assertThat(sentA).as("node a sent some").isPositive();
                assertThat(sentB).as("node b sent some").isPositive();
            }
        }
    }
}
