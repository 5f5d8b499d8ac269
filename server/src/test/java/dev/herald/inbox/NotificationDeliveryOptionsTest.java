package dev.herald.inbox;

import static dev.herald.api.NotificationFixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.NotificationFixture;
import dev.herald.store.Dialect;
import dev.herald.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Delivery settings other than the defaults. */
class NotificationDeliveryOptionsTest {

    @Test
    void storeOfflineChatOff_chatToAnOfflineUserIsNeitherDeliveredNorKept() {
        try (NotificationFixture fx = NotificationFixture.start(Dialect.H2,
                Map.of("notifications.store-offline-chat", "false"))) {
            long sender = newUser();
            long recipient = newUser();
            try (WsClient ws = fx.openEmpty(sender)) {
                JsonNode ack = ws.request("chat", Map.of("to_user_id", recipient, "content", "lost"));
                assertThat(ack.at("/data/delivered").asBoolean()).isFalse();
                assertThat(ack.at("/data/stored").asBoolean()).isFalse();
            }
            assertThat(fx.countRows("user_id = ?", recipient)).isZero();
            try (WsClient ws = fx.openEmpty(recipient)) {
                assertThat(ws.request("ping", Map.of()).get("type").asText()).isEqualTo("pong");
            }
        }
    }
}
