package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API's rate limits with their defaults (100 requests a second per client address with a
 * burst of 200; 10,000 a second per API key) and the per-user WebSocket connect rate (60 a minute).
 */
class RateLimitsTest {
    /** SendTransaction {@code n} copies of {@code request} at once on one connection (written while the answers are read). */
    private static List<RawSocket.HttpReply> pipeline(TestServer server, int n, String request) throws IOException {
        List<RawSocket.HttpReply> replies = new ArrayList<>(n);
        try (RawSocket s = RawSocket.open(server.port())) {
            var writer = CompletableFuture.runAsync(() -> {
                try {
                    s.writeRaw(request.repeat(n).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (int i = 0; i < n; i++) {
                replies.add(s.readResponse());
            }
            writer.join();
        }
        return replies;
    }

    @Test
    void aBurstFromOneAddress_is429PastItsShare_butAnApiKeyIsCountedApart() throws IOException {
        try (TestServer server = TestServer.start(Map.of())) {
            String token = server.token(8801);
            List<RawSocket.HttpReply> replies = pipeline(server, 1000,
                    "GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n");
            List<RawSocket.HttpReply> refused = replies.stream().filter(r -> r.status() == 429).toList();
            assertThat(replies.stream().filter(r -> r.status() == 200).count()).as("the burst allowance").isGreaterThanOrEqualTo(200);
            assertThat(refused).as("1,000 at once is more than the burst (200) plus the refill").isNotEmpty();
            assertThat(refused.get(0).json().get("code").asInt()).isEqualTo(429);
            assertThat(refused.get(0).json().get("message").asText()).contains("100 a second");
            assertThat(replies).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));

            // a backend with its API key is not throttled by what this address did, nor at 2,000 at once
            List<RawSocket.HttpReply> backend = pipeline(server, 2000,
                    "GET /admin/websocket/online-count HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.API_KEY + "\r\n\r\n");
            assertThat(backend).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(server.metric("herald_refused_total{reason=\"rate_limit\"}")).isEqualTo(refused.size());
        }
    }

    @Test
    void unknownPathsAndBadCredentials_countToo() throws IOException {
        try (TestServer server = TestServer.start(Map.of())) {
            List<RawSocket.HttpReply> probes = pipeline(server, 1000, "GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(probes.stream().map(RawSocket.HttpReply::status).distinct()).containsExactlyInAnyOrder(404, 429);
        }
        try (TestServer server = TestServer.start(Map.of())) {
            List<RawSocket.HttpReply> replies = pipeline(server, 1000,
                    "GET /admin/websocket/online-count HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not.a.token\r\n\r\n");
            assertThat(replies.stream().map(RawSocket.HttpReply::status).distinct()).containsExactlyInAnyOrder(401, 429);
        }
    }

    @Test
    void guessingTokensOverTheWebSocketEndpoint_countsAgainstTheAddress() {
        try (TestServer server = TestServer.start(Map.of("http.rate-limit", "5"))) {
            int tooMany = 0;
            for (int i = 0; i < 60 && tooMany == 0; i++) {
                try (RawSocket s = RawSocket.open(server.port())) {
                    RawSocket.HttpReply r = s.upgrade("/ws?token=guess." + i + ".x", Map.of());
                    assertThat(r.status()).isIn(401, 429);
                    if (r.status() == 429) {
                        tooMany++;
                        assertThat(r.json().get("message").asText()).contains("too many requests from this address");
                    }
                }
            }
            assertThat(tooMany).as("a 429 after the burst of 10").isEqualTo(1);
            try (var c = server.connectQuiet(8804)) {
                assertThat(c.answersPing()).as("a valid token still connects from that address").isTrue();
            }
        }
    }

    @Test
    void aUserConnectingMoreThanSixtyTimesAMinute_isRefused429() {
        try (TestServer server = TestServer.start(Map.of())) {
            String token = server.token(8802);
            long started = System.nanoTime();
            RawSocket.HttpReply refused = null;
            int connected = 0;
            while (refused == null && connected < 200) {
                try (RawSocket s = RawSocket.open(server.port())) {
                    RawSocket.HttpReply r = s.upgrade("/ws?token=" + token, Map.of());
                    if (r.status() == 101) {
                        connected++;
                    } else {
                        refused = r;
                    }
                }
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertThat(connected).as("60 at once, then one a second").isBetween(60, 61 + (int) seconds);
            assertThat(refused).as("refused at last").isNotNull();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().get("content-type")).startsWith("application/json");
            assertThat(refused.json().get("message").asText()).contains("60");
            assertThat(server.metric("herald_refused_total{reason=\"connect_rate\"}")).isEqualTo(1);
            try (var other = server.connectQuiet(8803)) {
                assertThat(other.answersPing()).isTrue();
            }
        }
    }
}
