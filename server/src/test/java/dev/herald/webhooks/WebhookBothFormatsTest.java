package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.pusher.PusherClient;
import dev.herald.pusher.PusherHookReceiver;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Herald's webhooks and Pusher's from one node and one outbox: each event reaches its own receiver,
 * signed its own way ({@code Herald-Signature} / {@code X-Pusher-Signature}), and neither receiver
 * gets the other's.
 */
class WebhookBothFormatsTest {
    static final String KEY = "both-key";
    static final String SECRET = "both-secret-0123456789";

    @Test
    void oneOutbox_twoFormats_eachToItsReceiver() throws Exception {
        try (Receiver herald = Receiver.start(); PusherHookReceiver pusher = PusherHookReceiver.start(SECRET, 1)) {
            Map<String, String> settings = new HashMap<>(WebhookDeliveryTest.hooked(herald, "webhooks.offline-grace", "200ms"));
            settings.put("pusher.apps", "3:" + KEY + ":" + SECRET);
            settings.put("pusher.webhooks", "3=" + pusher.url());
            try (TestServer server = TestServer.start(settings)) {
                WsClient ws = server.connect(41);
                try (PusherClient p = PusherClient.connect(server, KEY)) {
                    p.subscribe("news", null, null);
                    herald.await("user.online", 10, r -> r.stream().anyMatch(h -> h.type().equals("user.online")));
                    pusher.await("channel_occupied", Duration.ofSeconds(10),
                            () -> pusher.delivered("channel_occupied", "news").size() == 1);
                }
                ws.close();
                herald.await("user.offline", 10, r -> r.stream().anyMatch(h -> h.type().equals("user.offline")));
                pusher.await("channel_vacated", Duration.ofSeconds(10),
                        () -> pusher.delivered("channel_vacated", "news").size() == 1);
            }
            assertThat(herald.hits()).allMatch(Receiver.Hit::signatureValid)
                    .extracting(Receiver.Hit::type).containsOnly("user.online", "user.offline");
            assertThat(pusher.hits()).allMatch(PusherHookReceiver.Hit::signatureValid)
                    .allMatch(h -> KEY.equals(h.key()) && h.json().has("time_ms"))
                    .extracting(PusherHookReceiver.Hit::name).containsOnly("channel_occupied", "channel_vacated");
            assertThat(pusher.hits()).filteredOn(h -> h.answered() == 500).hasSize(1);
        }
    }
}
