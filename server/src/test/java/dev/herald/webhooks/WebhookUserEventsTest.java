package dev.herald.webhooks;

import static dev.herald.webhooks.WebhookDeliveryTest.hooked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import org.junit.jupiter.api.Test;

/**
 * user.online / user.offline on a real node and receiver (grace 1 s; WebhookPresenceTest covers the
 * same rules with a test clock on every database): two devices are one online, a page reload is no
 * offline, leaving is one offline after the grace.
 */
class WebhookUserEventsTest {

    @Test
    void twoDevices_aReload_thenLeaving() throws Exception {
        try (Receiver receiver = Receiver.start();
             TestServer s = TestServer.start(hooked(receiver, "webhooks.offline-grace", "1s"))) {
            WsClient phone = s.connect(71);
            WsClient laptop = s.connect(71);
            receiver.await("user.online", 10, h -> h.stream().anyMatch(x -> x.type().equals("user.online")));
            phone.close();
            laptop.close();
            s.connect(71).close(); // a reload: gone for a moment only
            WsClient back = s.connect(71);
            Thread.sleep(2_000); // twice the grace
            assertThat(receiver.hits("user.offline")).as("a reload is no offline").isEmpty();
            assertThat(receiver.hits("user.online")).as("one online for two devices and a reload").hasSize(1);
            back.close();
            var hits = receiver.await("user.offline", 10, h -> h.stream().anyMatch(x -> x.type().equals("user.offline")));
            Receiver.Hit offline = hits.stream().filter(x -> x.type().equals("user.offline")).findFirst().orElseThrow();
            assertThat(offline.event().at("/data/user_id").asLong()).isEqualTo(71);
            assertThat(offline.signatureValid()).isTrue();
            Thread.sleep(500);
            assertThat(receiver.hits("user.offline")).hasSize(1);
            assertThat(receiver.hits("user.online")).hasSize(1);
        }
    }
}
