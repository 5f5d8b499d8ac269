package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.pusher.PusherClient;
import dev.herald.pusher.PusherHookReceiver;
import dev.herald.pusher.PusherSignature;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pusher-format webhooks from two nodes on Redis and one PostgreSQL (then MariaDB) database: a channel subscribed
 * on both nodes is occupied once and vacated once (when the last subscriber anywhere left), a user
 * on both nodes is added and removed once, and an app without a webhook url gets no outbox rows.
 */
class PusherWebhookClusterTest {
    static final String KEY = "cl-hook-key";
    static final String SECRET = "cl-hook-secret-0123456789";

    static String auth(String socketId, String channel, String data) {
        return KEY + ":" + PusherSignature.hmac(SECRET, socketId + ":" + channel + (data == null ? "" : ":" + data));
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void twoNodes_announceOccupancyAndMembersOncePerCluster(Dialect dialect) throws Exception {
        try (TestDatabase db = TestDatabase.create(dialect);
             PusherHookReceiver receiver = PusherHookReceiver.start(SECRET, 2)) {
            var cfg = db.config();
            Map<String, String> settings = new HashMap<>();
            settings.put("db.url", cfg.url());
            settings.put("db.user", cfg.user());
            settings.put("db.password", cfg.password());
            settings.put("pusher.apps", "5:" + KEY + ":" + SECRET + ",6:quiet-key:quiet-secret-0123456789");
            settings.put("pusher.webhooks", "5=" + receiver.url());
            settings.put("webhooks.retry-initial", "50ms");
            settings.put("webhooks.retry-max", "200ms");
            settings.put("redis.presence-ttl", "3s");
            try (RedisTestNodes cluster = RedisTestNodes.start(2, settings)) {
                TestServer a = cluster.node(0);
                TestServer b = cluster.node(1);
                String u = "{\"user_id\":\"7\"}";
                try (PusherClient onA = PusherClient.connect(a, KEY); PusherClient onB = PusherClient.connect(b, KEY);
                     PusherClient quietOnB = PusherClient.connect(b, "quiet-key")) {
                    onA.subscribe("orders", null, null);
                    receiver.await("orders occupied", Duration.ofSeconds(10),
                            () -> receiver.delivered("channel_occupied", "orders").size() == 1);
                    onB.subscribe("orders", null, null);
                    onA.subscribe("presence-team", auth(onA.socketId, "presence-team", u), u);
                    onB.subscribe("presence-team", auth(onB.socketId, "presence-team", u), u);
                    quietOnB.subscribe("quiet", null, null);
                    pause(1_000);
                    onA.send("pusher:unsubscribe", Map.of("channel", "orders"));
                    onA.send("pusher:unsubscribe", Map.of("channel", "presence-team"));
                    pause(3_000); // more than a sweep: b still subscribes, so nothing is vacated or removed
                    assertThat(receiver.delivered("channel_vacated", "orders")).isEmpty();
                    assertThat(receiver.delivered("member_removed", "presence-team")).isEmpty();
                    onB.send("pusher:unsubscribe", Map.of("channel", "orders"));
                    onB.send("pusher:unsubscribe", Map.of("channel", "presence-team"));
                    receiver.await("vacated and removed", Duration.ofSeconds(15),
                            () -> receiver.delivered("channel_vacated", "orders").size() == 1
                                    && receiver.delivered("channel_vacated", "presence-team").size() == 1
                                    && receiver.delivered("member_removed", "presence-team").size() == 1
                                    && receiver.delivered("channel_vacated", "quiet").isEmpty());
                    pause(3_000); // any second announcement (a later sweep, on either node) would come meanwhile
                }
                receiver.await("quiet vacated", Duration.ofSeconds(15),
                        () -> receiver.delivered("channel_vacated", "quiet").size() == 1);
                pause(1_000);
            }
            assertThat(receiver.delivered("channel_occupied", "orders")).hasSize(1);
            assertThat(receiver.delivered("channel_vacated", "orders")).hasSize(1);
            assertThat(receiver.delivered("channel_occupied", "presence-team")).hasSize(1);
            assertThat(receiver.delivered("channel_vacated", "presence-team")).hasSize(1);
            assertThat(receiver.delivered("member_added", "presence-team")).hasSize(1)
                    .allMatch(h -> h.event().path("user_id").asText().equals("7"));
            assertThat(receiver.delivered("member_removed", "presence-team")).hasSize(1);
            assertThat(receiver.delivered("channel_occupied", "quiet")).hasSize(1);
            assertThat(receiver.hits()).allMatch(PusherHookReceiver.Hit::signatureValid)
                    .allMatch(h -> KEY.equals(h.key()));
            assertThat(receiver.hits()).filteredOn(h -> h.answered() == 500).hasSize(2);
            // the outbox: Pusher rows for app 5 only, all delivered; occupancy table empty again
            try (Connection c = DriverManager.getConnection(cfg.url(), cfg.user(), cfg.password());
                 Statement s = c.createStatement()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT target, format, state FROM webhook_outbox")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getInt(3));
                    }
                }
                assertThat(rows).containsExactly("5/1/1");
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pusher_occupied")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                }
            }
        }
    }
}
