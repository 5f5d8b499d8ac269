package dev.herald.webhooks;

import static dev.herald.webhooks.WebhookDeliveryTest.ack;
import static dev.herald.webhooks.WebhookDeliveryTest.hooked;
import static dev.herald.webhooks.WebhookDeliveryTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /admin/webhooks/failed and POST /admin/webhooks/replay on a real node and receiver. */
class WebhookAdminApiTest {

    @Test
    void aFailedEvent_isListed_thenReplayed_andDelivered() {
        try (Receiver receiver = Receiver.start().answer(500, 500);
             TestServer s = TestServer.start(hooked(receiver, "webhooks.max-attempts", "2"))) {
            long id = send(s, 91, 1).get(0);
            ack(s, 91, List.of(id));
            Await.until("failed counted", () -> s.metric("herald_webhooks_failed_total") == 1.0);
            var listed = s.api("GET", "/admin/webhooks/failed", null);
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            JsonNode list = listed.data().get("list");
            assertThat(list).hasSize(1);
            JsonNode f = list.get(0);
            assertThat(f.get("type").asText()).isEqualTo("notification.delivered");
            assertThat(f.get("attempts").asInt()).isEqualTo(2);
            assertThat(f.get("last_error").asText()).isEqualTo("HTTP 500");
            assertThat(f.at("/event/data/notification_id").asLong()).isEqualTo(id);
            String eventId = f.get("id").asText();

            assertThat(s.api("POST", "/admin/webhooks/replay", "{\"ids\":[\"evt_nothing\"]}").data().get("count").asInt()).isZero();
            var replayed = s.api("POST", "/admin/webhooks/replay", "{\"ids\":[\"" + eventId + "\"]}");
            assertThat(replayed.data().get("count").asInt()).as(replayed.body()).isEqualTo(1);
            var hits = receiver.await("the replayed event", 10, h -> h.stream().anyMatch(x -> x.answered() == 200));
            assertThat(hits).extracting(Receiver.Hit::id).containsOnly(eventId);
            assertThat(s.api("GET", "/admin/webhooks/failed", null).data().get("count").asInt()).isZero();
            assertThat(s.api("POST", "/admin/webhooks/replay", "{\"ids\":\"x\"}").status()).isEqualTo(422);
            assertThat(s.call("GET", "/admin/webhooks/failed", s.token(91), null).status()).isEqualTo(403);
        }
    }

    @Test
    void withoutWebhooks_theEndpointsAnswer409() {
        try (TestServer s = TestServer.start(Map.of())) {
            var r = s.api("GET", "/admin/webhooks/failed", null);
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.body()).contains("webhooks.url");
            assertThat(s.api("POST", "/admin/webhooks/replay", null).status()).isEqualTo(409);
        }
    }
}
