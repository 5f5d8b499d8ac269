package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-connection inbound rate limit (defaults: 60 frames a minute, 10 refusals of grace). */
class RateLimitTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "60", "gateway.rate-limit-grace", "10"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void burstOfTenThousandFrames_getsErrorsThenClose1008_andOthersKeepWorking() throws Exception {
        try (WsClient other = server.connectQuiet(502);
             RawSocket abuser = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(501))) {
            assertThat(abuser.readJson(Duration.ofSeconds(5)).get("type").asText()).isEqualTo("init");
            abuser.awaitType("unread_count", Duration.ofSeconds(5));
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                burst.write(RawSocket.encodeFrame(RawSocket.TEXT, true,
                        ("{\"type\":\"ping\",\"id\":\"" + i + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            try {
                abuser.writeRaw(burst.toByteArray());
            } catch (IOException closedMidway) {
                // the server may close before it has read the whole burst
            }
            int pongs = 0;
            int rateLimited = 0;
            RawSocket.Frame close = null;
            while (true) {
                RawSocket.Frame f = abuser.readFrame(Duration.ofSeconds(5));
                if (f == null || f.opcode() == RawSocket.CLOSE) {
                    close = f;
                    break;
                }
                if (f.opcode() != RawSocket.TEXT) {
                    continue;
                }
                JsonNode frame = f.json();
                if (frame.get("type").asText().equals("pong")) {
                    pongs++;
                } else {
                    assertThat(frame.at("/data/code").asText()).isEqualTo("rate_limited");
                    assertThat(frame.at("/data/message").asText()).contains("60");
                    rateLimited++;
                }
            }
            assertThat(pongs).as("the allowance is served").isEqualTo(60);
            assertThat(rateLimited).as("error frames during the grace").isEqualTo(10);
            assertThat(close).as("a close frame, not a bare reset").isNotNull();
            assertThat(close.closeCode()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("rate limit exceeded");
            assertThat(abuser.awaitEof(Duration.ofSeconds(5))).isTrue();

            assertThat(other.answersPing()).isTrue();
            server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":502,\"type\":\"probe\",\"data\":{}}");
            assertThat(other.awaitType("probe")).isNotNull();
        }
        Await.until("abuser offline", () -> !server.isOnline(501));
        assertThat(server.metric("herald_disconnects_total{reason=\"rate_limit_exceeded\"}")).isGreaterThanOrEqualTo(1);
        assertThat(server.metric("herald_errors_total{code=\"rate_limited\"}")).isGreaterThanOrEqualTo(10);
        server.assertServesFreshConnection();
    }

    @Test
    void slightlyOverTheLimit_getsErrorsButStaysOpenAndRecovers() throws Exception {
        try (WsClient c = server.connectQuiet(503)) {
            String[] ids = new String[65];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.send("ping", Map.of());
            }
            int pongs = 0;
            int errors = 0;
            for (String id : ids) {
                JsonNode f = c.awaitReply(id);
                if (f.get("type").asText().equals("pong")) {
                    pongs++;
                } else {
                    assertThat(f.at("/data/code").asText()).isEqualTo("rate_limited");
                    errors++;
                }
            }
            assertThat(pongs).isEqualTo(60);
            assertThat(errors).isEqualTo(5);
            assertThat(c.isClosed()).isFalse();
            Thread.sleep(1100); // one token a second at 60 a minute; polling sooner would itself be refused
            assertThat(c.answersPing()).as("served again once a token refilled").isTrue();
        }
    }
}
