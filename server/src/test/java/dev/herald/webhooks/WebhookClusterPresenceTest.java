package dev.herald.webhooks;

import static dev.herald.webhooks.WebhookDeliveryTest.hooked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * user.online / user.offline across two nodes sharing PostgreSQL and Redis presence: a user on both
 * nodes is online once, moving from one node to the other inside the grace is no offline, and
 * leaving the cluster is one offline. Needs Redis on 127.0.0.1:6379 (as the redis package's tests).
 */
class WebhookClusterPresenceTest {

    @Test
    void aUserOnTwoNodes_movingBetweenThem_isOneOnline_thenOneOffline() throws Exception {
        String prefix = "herald-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ":";
        try (TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL); Receiver receiver = Receiver.start()) {
            var cfg = db.config();
            Map<String, String> settings = new HashMap<>(hooked(receiver, "webhooks.offline-grace", "1500ms"));
            settings.put("db.url", cfg.url());
            settings.put("db.user", cfg.user());
            settings.put("db.password", cfg.password());
            settings.put("demo.enabled", "false");
            settings.put("redis.url", "redis://127.0.0.1:6379");
            settings.put("redis.key-prefix", prefix);
            Map<String, String> a = new HashMap<>(settings);
            a.put("node-id", "wa");
            Map<String, String> b = new HashMap<>(settings);
            b.put("node-id", "wb");
            try (TestServer nodeA = TestServer.start(a); TestServer nodeB = TestServer.start(b)) {
                WsClient onA = nodeA.connect(81);
                receiver.await("user.online", 10, h -> h.stream().anyMatch(x -> x.type().equals("user.online")));
                WsClient onB = nodeB.connect(81); // a second device, on the other node
                onA.close();
                Thread.sleep(300);
                onB.close();
                WsClient moved = nodeA.connect(81); // reconnects, to the first node, inside the grace
                Thread.sleep(3_000); // twice the grace
                assertThat(receiver.hits("user.offline")).as("moving between nodes is no offline").isEmpty();
                assertThat(receiver.hits("user.online")).as("one online for the cluster").hasSize(1);
                moved.close();
                receiver.await("user.offline", 15, h -> h.stream().anyMatch(x -> x.type().equals("user.offline")));
                Thread.sleep(1_000);
                assertThat(receiver.hits("user.offline")).hasSize(1);
                assertThat(receiver.hits("user.online")).hasSize(1);
                assertThat(receiver.hits()).allMatch(Receiver.Hit::signatureValid);
            }
        }
    }
}
