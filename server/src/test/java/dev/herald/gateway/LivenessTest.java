package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats, the idle cut-off and token expiry, with short timers: idle timeout 3 s (slack for a loaded CI machine), server pings
 * every second.
 */
class LivenessTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.idle-timeout", "3s", "gateway.heartbeat-interval", "1s",
                "gateway.rate-limit", "1000", "auth.clock-skew", "1s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void halfOpenClient_isClosedAfterTheIdleTimeout_whileLiveClientsStay() throws Exception {
        long start = System.nanoTime();
        try (WsClient pongingClient = server.connectQuiet(701);
             RawSocket silent = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(702));
             RawSocket jsonHeartbeats = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(703))) {
            assertThat(silent.readJson(Duration.ofSeconds(5)).get("type").asText()).isEqualTo("init");
            jsonHeartbeats.awaitType("unread_count", Duration.ofSeconds(5));
            assertThat(server.isOnline(702)).isTrue();

            Thread heartbeats = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    jsonHeartbeats.sendText("{\"type\":\"heartbeat\",\"data\":{\"timestamp\":1}}");
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            heartbeats.start();
            try {
                boolean pinged = false;
                RawSocket.Frame f;
                while ((f = silent.readFrame(Duration.ofSeconds(6))) != null && f.opcode() != RawSocket.CLOSE) {
                    pinged |= f.opcode() == RawSocket.PING;
                }
                assertThat(pinged).as("the server pinged before giving up").isTrue();
                assertThat(f).as("a close frame").isNotNull();
                assertThat(f.closeCode()).isEqualTo(1001);
                assertThat(f.closeReason()).isEqualTo("idle timeout");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
                assertThat(silent.awaitEof(Duration.ofSeconds(5))).isTrue();
                Await.until("presence removed", () -> !server.isOnline(702));

                Thread.sleep(1200);
                assertThat(pongingClient.isClosed()).as("a client answering pings stays").isFalse();
                assertThat(pongingClient.answersPing()).isTrue();
                assertThat(server.isOnline(703)).as("a client sending JSON heartbeats stays").isTrue();
            } finally {
                heartbeats.interrupt();
                heartbeats.join();
            }
            JsonNode echo = jsonHeartbeats.awaitType("heartbeat", Duration.ofSeconds(2));
            assertThat(echo.get("type").asText()).isEqualTo("heartbeat");
        }
        assertThat(server.metric("herald_disconnects_total{reason=\"idle_timeout\"}")).isGreaterThanOrEqualTo(1);
        server.assertServesFreshConnection();
    }

    @Test
    void expiringToken_getsTokenExpiredThenClose4002_unlessRefreshed() throws Exception {
        try (WsClient expiring = server.connectQuiet(server.token(704, false, List.of(), Duration.ofSeconds(2)));
             WsClient refreshed = server.connectQuiet(server.token(705, false, List.of(), Duration.ofSeconds(2)))) {
            JsonNode ack = refreshed.request("refresh", Map.of("token", server.token(705, false, List.of(), Duration.ofHours(1))));
            assertThat(ack.get("type").asText()).isEqualTo("ack");

            JsonNode err = expiring.awaitType("error");
            assertThat(err.at("/data/code").asText()).isEqualTo("token_expired");
            WsClient.Close close = expiring.awaitClose(Duration.ofSeconds(5));
            assertThat(close.code()).isEqualTo(4002);
            assertThat(close.reason()).isEqualTo("token expired");
            Await.until("presence removed", () -> !server.isOnline(704));

            Thread.sleep(1100); // past the next sweep after the old token's expiry
            assertThat(refreshed.isClosed()).isFalse();
            assertThat(refreshed.answersPing()).isTrue();
        }
    }

    @Test
    void serverPings_areAnsweredAndCountAsActivity() throws Exception {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(706))) {
            s.readJson(Duration.ofSeconds(5));
            long until = System.nanoTime() + Duration.ofMillis(3500).toNanos();
            int pings = 0;
            while (System.nanoTime() < until) {
                RawSocket.Frame f = s.readFrame(Duration.ofSeconds(3));
                assertThat(f).as("still open").isNotNull();
                assertThat(f.opcode()).isNotEqualTo(RawSocket.CLOSE);
                if (f.opcode() == RawSocket.PING) {
                    pings++;
                    s.sendPong(f.payload());
                }
            }
            assertThat(pings).isGreaterThanOrEqualTo(2);
            s.sendFrame(RawSocket.PING, true, new byte[] {7});
            RawSocket.Frame pong;
            do {
                pong = s.readFrame(Duration.ofSeconds(3));
            } while (pong.opcode() == RawSocket.PING);
            assertThat(pong.opcode()).as("a client ping is answered").isEqualTo(RawSocket.PONG);
            assertThat(pong.payload()).containsExactly(7);
        }
    }

    @Test
    void clientClose_isAnsweredAndPresenceRemoved() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(707))) {
            s.readJson(Duration.ofSeconds(5));
            assertThat(server.isOnline(707)).isTrue();
            s.sendClose(1000, "bye");
            RawSocket.Frame close = s.awaitClose(Duration.ofSeconds(5));
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(s.awaitEof(Duration.ofSeconds(5))).isTrue();
        }
        Await.until("presence removed", () -> !server.isOnline(707));
    }

    @Test
    void tcpConnectionsThatNeverCompleteARequest_areClosedAfterTheIdleTimeout() {
        try (RawSocket silent = RawSocket.open(server.port());
             RawSocket partial = RawSocket.open(server.port());
             RawSocket keepAlive = RawSocket.open(server.port())) {
            try {
                partial.writeRaw("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(keepAlive.request("GET", "/health", Map.of(), null).status()).isEqualTo(200);
            assertThat(silent.awaitEof(Duration.ofSeconds(8))).as("a socket that never sends a request").isTrue();
            assertThat(partial.awaitEof(Duration.ofSeconds(3))).as("a request whose headers never end").isTrue();
            assertThat(keepAlive.awaitEof(Duration.ofSeconds(3))).as("an idle keep-alive connection").isTrue();
        }
        server.assertServesFreshConnection();
    }

    @Test
    void tokenWithinTheClockSkew_isAcceptedAndKeptUntilTheSkewRunsOut() throws Exception {
        try (TestServer lenient = TestServer.start(Map.of("auth.clock-skew", "4s"));
             WsClient c = lenient.connectQuiet(lenient.token(708, false, List.of(), Duration.ofSeconds(-1)))) {
            // that the sweep keeps it until the skew runs out is LoopShardTest's, at the exact edge
            assertThat(c.isClosed()).as("accepted at upgrade").isFalse();
            assertThat(c.answersPing()).isTrue();
            assertThat(c.awaitType("error").at("/data/code").asText()).isEqualTo("token_expired");
            assertThat(c.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(4002);
        }
    }
}
