package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.testing.HeraldProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server API ({@code /admin/websocket/*}) against a real Herald. */
class ServerApiTest {
    static HeraldProcess herald;
    static HeraldClient client;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
        client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void onlineCountIsZeroWithNobodyConnected() {
        assertThat(client.onlineCount()).isZero();
    }
}
