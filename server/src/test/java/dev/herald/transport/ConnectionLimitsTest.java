package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Caps on connections: per client address and in all (counted at accept, 429 in the envelope), and
 * the request read deadline that cuts a slow-loris client which is never quite silent.
 */
class ConnectionLimitsTest {
    private static final String GET_IMAGE = "GET /assets/img/bell.svg HTTP/1.1\r\nHost: x\r\n\r\n";

    private static void send(RawSocket s, String request) {
        try {
            s.writeRaw(request.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int status(RawSocket s) {
        try {
            return s.readResponse().status();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void connectionsFromOneAddressPastTheDefaultCap_are429() throws Exception {
        int cap = 1000; // server.max-connections-per-ip default
        try (TestServer server = TestServer.start(Map.of())) {
            List<RawSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < cap + 5; i++) {
                    sockets.add(RawSocket.open(server.port()));
                }
                sockets.forEach(s -> send(s, GET_IMAGE));
                int ok = 0;
                List<RawSocket.HttpReply> refused = new ArrayList<>();
                for (RawSocket s : sockets) {
                    RawSocket.HttpReply r = s.readResponse();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        refused.add(r);
                    }
                }
                assertThat(ok).isEqualTo(cap);
                assertThat(refused).hasSize(5).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(429);
                    assertThat(r.json().get("code").asInt()).isEqualTo(429);
                    assertThat(r.json().get("message").asText()).contains("1000");
                });
                // places are given back on close
                for (int i = 0; i < 10; i++) {
                    sockets.remove(0).close();
                }
                Await.until("a place is free", () -> {
                    try (RawSocket again = RawSocket.open(server.port())) {
                        send(again, GET_IMAGE);
                        return status(again) == 200;
                    }
                });
                assertThat(server.metric("herald_refused_total{reason=\"connections_per_ip\"}")).isGreaterThanOrEqualTo(5);
            } finally {
                sockets.forEach(RawSocket::close);
            }
        }
    }

    @Test
    void connectionsPastTheGlobalCap_are429_andWebSocketsCountToo() {
        try (TestServer server = TestServer.start(Map.of("server.max-connections", "3"))) {
            try (var a = server.connectQuiet(1); var b = server.connectQuiet(2); RawSocket c = RawSocket.open(server.port())) {
                send(c, GET_IMAGE);
                assertThat(status(c)).isEqualTo(200);
                try (RawSocket d = RawSocket.open(server.port())) {
                    RawSocket.HttpReply r = d.upgrade("/ws?token=" + server.token(4), Map.of());
                    assertThat(r.status()).isEqualTo(429);
                    assertThat(r.json().get("message").asText()).contains("maximum of 3 connections");
                }
            }
            Await.until("places given back", () -> {
                try (RawSocket again = RawSocket.open(server.port())) {
                    send(again, GET_IMAGE);
                    return status(again) == 200;
                }
            });
            assertThat(server.metric("herald_refused_total{reason=\"connections\"}")).isGreaterThanOrEqualTo(1);
            server.assertServesFreshConnection();
        }
    }

    /**
     * Slow loris: a request head trickled a byte at a time, never silent for the idle timeout (60 s),
     * is cut with 408 by the read deadline (http.read-timeout, 10 s by default).
     */
    @Test
    void aRequestHeadTrickledByteByByte_isCutAtTheReadDeadline() throws Exception {
        try (TestServer server = TestServer.start(Map.of()); RawSocket loris = RawSocket.open(server.port())) {
            OutputStream out = loris.socket().getOutputStream();
            InputStream in = loris.socket().getInputStream();
            byte[] head = ("GET /health HTTP/1.1\r\nHost: x\r\n" + "X-Padding: " + "a".repeat(4000)).getBytes(StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < head.length && System.nanoTime() - started < Duration.ofSeconds(40).toNanos(); i++) {
                try {
                    out.write(head[i]);
                    out.flush();
                } catch (IOException closed) {
                    cut = true;
                    break;
                }
                if (in.available() > 0) {
                    cut = true;
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(cut).as("the server cut the connection").isTrue();
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertThat(seconds).as("cut by the read deadline, not the idle timeout").isLessThan(30);
            RawSocket.HttpReply r = loris.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.json().get("code").asInt()).isEqualTo(408);
            assertThat(loris.awaitEof(Duration.ofSeconds(5))).isTrue();
            assertThat(server.metric("herald_refused_total{reason=\"read_timeout\"}")).isEqualTo(1);
            server.assertServesFreshConnection();
        }
    }
}
