package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Client ids (bind flow) are 128 random bits: not derived from the public node id nor from a
 * counter, so they cannot be guessed and a node restarted with the same id does not hand out the
 * ids of its previous life again (a late bind for a connection from before the restart finds none).
 */
class ClientIdsTest {
    @Test
    void ids_are128BitsOfUrlSafeBase64_andDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ClientIds.next();
            assertThat(id).matches("[A-Za-z0-9_-]{22}");
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
            assertThat(seen.add(id)).as("id %s repeated", id).isTrue();
        }
    }

    @Test
    void aNodeRestartedWithTheSameNodeId_handsOutNewIds_andALateBindFindsNothing() {
        Map<String, String> settings = Map.of("node-id", "stable-node", "auth.allow-bind", "true");
        List<String> before = new ArrayList<>();
        Path dir;
        try (TestServer first = TestServer.start(settings)) {
            dir = first.dataDir();
            for (int i = 0; i < 3; i++) {
                try (WsClient c = WsClient.open("ws://127.0.0.1:" + first.port() + "/ws")) {
                    before.add(c.awaitType("init").at("/data/client_id").asText());
                }
            }
        }
        try (TestServer second = TestServer.startIn(dir, Map.of(), settings, UnaryOperator.identity());
             WsClient waiting = WsClient.open("ws://127.0.0.1:" + second.port() + "/ws")) {
            String now = waiting.awaitType("init").at("/data/client_id").asText();
            assertThat(before).doesNotContain(now);
            for (String old : before) {
                TestServer.Response r = second.api("POST", "/admin/websocket/bind",
                        "{\"client_id\":\"" + old + "\",\"user_id\":1301}");
                assertThat(r.status()).as("a bind for %s from before the restart", old).isEqualTo(404);
            }
            assertThat(waiting.answersPing()).isTrue();
            assertThat(second.herald().users().connectionsOf(1301)).isEmpty();
        }
    }
}
