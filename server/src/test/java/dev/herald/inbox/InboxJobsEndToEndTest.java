package dev.herald.inbox;

import static dev.herald.api.NotificationFixture.await;
import static dev.herald.api.NotificationFixture.barrier;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.pushedIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.NotificationFixture;
import dev.herald.store.Dialect;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The retry job on a running node with a short {@code notifications.retry-interval}: it re-pushes
 * an unacked notification on its own, counting each push, until {@code notifications.max-retries};
 * acknowledged ones are left alone.
 */
class InboxJobsEndToEndTest {

    @Test
    void retryJob_rePushesUnackedNotificationsOnItsOwnUpToMaxRetries() {
        try (NotificationFixture fx = NotificationFixture.start(Dialect.H2,
                Map.of("notifications.retry-interval", "150ms", "notifications.max-retries", "2"))) {
            long user = newUser();
            long acker = newUser();
            try (WsClient ws = fx.openEmpty(user); WsClient other = fx.openEmpty(acker)) {
                long id = fx.sendOne(user, "not acked");
                long acked = fx.sendOne(acker, "acked at once");
                assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);
                assertThat(other.awaitType("notification").at("/data/id").asLong()).isEqualTo(acked);
                other.request("ack", Map.of("notification_ids", List.of(acked)));
                int countAtAck = fx.detail(acker, acked).get("retry_count").asInt();

                // the original push, then one per run until max-retries
                assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);
                assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);
                await("retry_count 2", Duration.ofSeconds(10),
                        () -> fx.detail(user, id).get("retry_count").asInt() == 2);
                // several more periods: no more pushes, no more counting
                pause(Duration.ofMillis(600));
                assertThat(pushedIds(barrier(ws))).isEmpty();
                assertThat(fx.detail(user, id).get("retry_count").asInt()).isEqualTo(2);
                assertThat(fx.detail(user, id).get("sent_via_websocket").asBoolean()).isFalse();
                assertThat(fx.detail(acker, acked).get("retry_count").asInt())
                        .as("an acked notification is not retried").isEqualTo(countAtAck);
            }
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
