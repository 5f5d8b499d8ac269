package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: stop accepting, tell every client to reconnect elsewhere (1012), exit. */
class ShutdownTest {
    @Test
    void shutdown_closesEveryClientWith1012AndStopsAccepting() throws Exception {
        TestServer server = TestServer.start(Map.of());
        int port = server.port();
        WsClient a = server.connectQuiet(1001);
        WsClient b = server.connectQuiet(1001);
        WsClient admin = server.connectQuiet(server.adminToken(1002));
        a.request("subscribe", Map.of("channel", "news"));
        RawSocket raw = RawSocket.connectWs(port, "/ws?token=" + server.token(1003));
        raw.readJson(Duration.ofSeconds(5));
        try {
            server.close();
            for (WsClient c : new WsClient[] {a, b, admin}) {
                WsClient.Close close = c.awaitClose(Duration.ofSeconds(5));
                assertThat(close.code()).isEqualTo(1012);
                assertThat(close.reason()).isEqualTo("server restarting");
            }
            RawSocket.Frame close = raw.awaitClose(Duration.ofSeconds(5));
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1012);
            assertThat(server.herald().connections().count()).isZero();
            assertThatThrownBy(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                    if (s.getInputStream().read() == -1) {
                        throw new IOException("closed without a response");
                    }
                }
            }).isInstanceOf(IOException.class);
        } finally {
            a.close();
            b.close();
            admin.close();
            raw.close();
        }
    }

    @Test
    void shutdown_completesEvenWhenAClientNeverAnswers() {
        TestServer server = TestServer.start(Map.of());
        RawSocket silent = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(1004));
        try {
            server.close();
            assertThat(silent.awaitEof(Duration.ofSeconds(10))).isTrue();
        } finally {
            silent.close();
        }
    }

    @Test
    void health_isUpBeforeAndUnreachableAfterShutdown() {
        TestServer server = TestServer.start(Map.of());
        int port = server.port();
        try {
            assertThat(server.call("GET", "/health", null, null).data().get("status").asText()).isEqualTo("up");
        } finally {
            server.close();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }
}
