package dev.herald.gateway;

import dev.herald.protocol.CloseCodes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebSocket control frames at the edges: a close frame without a status code, ping floods. */
class WebSocketEdgesTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "5", "gateway.rate-limit-grace", "2"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void closeFrameWithoutAStatusCode_isAnsweredWith1000() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(1201))) {
            assertThat(s.awaitType("init", Duration.ofSeconds(5))).isNotNull();
            s.sendFrame(RawSocket.CLOSE, true, new byte[0]);
            RawSocket.Frame close = s.awaitClose(Duration.ofSeconds(5));
            assertThat(close).as("the server answers with a close frame").isNotNull();
            assertThat(close.closeCode()).isEqualTo(CloseCodes.NORMAL);
            assertThat(s.awaitEof(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void closeFrameWithAStatusCode_isEchoed() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(1202))) {
            s.awaitType("init", Duration.ofSeconds(5));
            s.sendClose(1001, "going away");
            assertThat(s.awaitClose(Duration.ofSeconds(5)).closeCode()).isEqualTo(1001);
        }
    }

    @Test
    void pingFrames_countAgainstTheRateLimit() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(1203))) {
            s.awaitType("init", Duration.ofSeconds(5));
            // 5 per minute and 2 refusals of grace: the 8th ping is abuse
            for (int i = 0; i < 8; i++) {
                s.sendFrame(RawSocket.PING, true, new byte[] {(byte) i});
            }
            int pongs = 0;
            int rateLimited = 0;
            RawSocket.Frame f;
            while ((f = s.readFrame(Duration.ofSeconds(5))) != null && f.opcode() != RawSocket.CLOSE) {
                if (f.opcode() == RawSocket.PONG) {
                    pongs++;
                } else if (f.opcode() == RawSocket.TEXT && "rate_limited".equals(f.json().at("/data/code").asText())) {
                    rateLimited++;
                }
            }
            assertThat(f).as("closed with a close frame").isNotNull();
            assertThat(f.closeCode()).isEqualTo(CloseCodes.POLICY);
            assertThat(f.closeReason()).isEqualTo("rate limit exceeded");
            assertThat(pongs).as("pings within the limit are answered").isEqualTo(5);
            assertThat(rateLimited).isEqualTo(2);
        }
    }
}
