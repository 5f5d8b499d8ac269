package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void sendToUser_reachesEveryDeviceOfTheUser() {
        try (TestServer server = TestServer.start();
             WsClient phone = server.connect(1);
             WsClient laptop = server.connect(1)) {
            var r = server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":1,\"type\":\"notification\",\"data\":{\"title\":\"hi\"}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("is_online").asBoolean()).isTrue();
            assertThat(phone.awaitType("notification").at("/data/title").asText()).isEqualTo("hi");
            assertThat(laptop.awaitType("notification").at("/data/title").asText()).isEqualTo("hi");
            assertThat(phone.request("ping", Map.of()).get("type").asText()).isEqualTo("pong");
        }
    }
}
