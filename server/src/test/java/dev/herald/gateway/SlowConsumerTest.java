package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that completes the handshake and never reads: the server must not buffer for it without
 * bound. Past {@code gateway.max-outbound-bytes} of queued output it is disconnected (1008 {@code slow
 * consumer}); other connections keep getting their pushes.
 */
class SlowConsumerTest {
    static final int PAYLOAD = 200 * 1024;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.max-outbound-bytes", "256KiB", "gateway.rate-limit", "1000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void clientThatNeverReads_isDisconnectedWithinABoundAndOthersAreUnaffected() {
        String filler = "x".repeat(PAYLOAD);
        String bigPush = "{\"user_id\":901,\"type\":\"bulk\",\"data\":{\"blob\":\"" + filler + "\"}}";
        double slowBefore = server.metric("herald_disconnects_total{reason=\"slow_consumer\"}");
        try (WsClient healthy = server.connectQuiet(902);
             RawSocket slow = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(901), 4096)) {
            Await.until("slow consumer registered", () -> server.isOnline(901));
            long pushed = 0;
            int probes = 0;
            while (server.isOnline(901)) {
                assertThat(pushed).as("disconnected before this much was pushed to it").isLessThan(16L * 1024 * 1024);
                TestServer.Response r = server.api("POST", "/admin/websocket/send-to-user", bigPush);
                assertThat(r.status()).isEqualTo(200);
                pushed += PAYLOAD;
                server.api("POST", "/admin/websocket/send-to-user",
                        "{\"user_id\":902,\"type\":\"probe\",\"data\":{\"n\":" + probes + "}}");
                probes++;
            }
            for (int i = 0; i < probes; i++) {
                assertThat(healthy.awaitType("probe").at("/data/n").asInt()).as("healthy client got every push in order").isEqualTo(i);
            }
            assertThat(healthy.answersPing()).isTrue();
            assertThat(server.metric("herald_disconnects_total{reason=\"slow_consumer\"}")).isEqualTo(slowBefore + 1);
            assertThat(server.herald().users().connectionsOf(901)).isEmpty();
            assertThat(slow.awaitEof(Duration.ofSeconds(10))).as("the TCP connection is closed").isTrue();
        }
        server.assertServesFreshConnection();
    }

    @Test
    void broadcastsToASlowConsumer_disconnectItToo() {
        String filler = "y".repeat(PAYLOAD);
        try (WsClient healthy = server.connectQuiet(904);
             RawSocket slow = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(903), 4096)) {
            Await.until("slow consumer registered", () -> server.isOnline(903));
            int sent = 0;
            while (server.isOnline(903)) {
                assertThat(sent).isLessThan(240);
                server.api("POST", "/admin/websocket/broadcast", "{\"type\":\"bulk\",\"data\":{\"blob\":\"" + filler + "\",\"n\":" + sent + "}}");
                sent++;
            }
            for (int i = 0; i < sent; i++) {
                assertThat(healthy.awaitType("bulk").at("/data/n").asInt()).isEqualTo(i);
            }
        }
        server.assertServesFreshConnection();
    }

    @Test
    void pingFloodFromAClientThatNeverReads_isDisconnectedNotBuffered() throws Exception {
        try (RawSocket flooder = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(905), 4096);
             WsClient healthy = server.connectQuiet(906)) {
            Await.until("flooder registered", () -> server.isOnline(905));
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            byte[] payload = new byte[125];
            for (int i = 0; i < 20_000; i++) {
                burst.write(RawSocket.encodeFrame(RawSocket.PING, true, payload));
            }
            byte[] bytes = burst.toByteArray();
            long sent = 0;
            while (server.isOnline(905)) {
                assertThat(sent).as("disconnected before this much was flooded").isLessThan(64L * 1024 * 1024);
                try {
                    flooder.writeRaw(bytes);
                } catch (IOException closed) {
                    break;
                }
                sent += bytes.length;
                for (var c : server.herald().users().connectionsOf(905)) {
                    var pending = c.channel().unsafe().outboundBuffer();
                    if (pending != null) {
                        assertThat(pending.totalPendingWriteBytes()).as("queued pongs stay bounded").isLessThan(8L * 1024 * 1024);
                    }
                }
            }
            Await.until("flooder disconnected", () -> !server.isOnline(905));
            assertThat(healthy.answersPing()).isTrue();
        }
        server.assertServesFreshConnection();
    }
}
