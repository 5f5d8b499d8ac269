package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behind a trusted reverse proxy, limits count the client named in X-Forwarded-For; from anyone else the header is ignored. */
class TrustedProxiesTest {
    private static InetSocketAddress peer(String ip) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(ip), 40000);
    }

    @Test
    void theClientIsTheRightMostAddressThatIsNotATrustedProxy() throws IOException {
        TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "127.0.0.1", "fd00::/8"));
        assertThat(proxies.clientKey(peer("10.1.2.3"), "1.1.1.1, 2.2.2.2")).isEqualTo("2.2.2.2");
        assertThat(proxies.clientKey(peer("10.1.2.3"), "6.6.6.6, 2.2.2.2, 10.9.9.9")).as("a second proxy hop").isEqualTo("2.2.2.2");
        assertThat(proxies.clientKey(peer("127.0.0.1"), "2001:db8:1:2::5")).isEqualTo("2001:db8:1:2::/64");
        assertThat(proxies.clientKey(peer("10.1.2.3"), null)).as("no header: the proxy itself").isEqualTo("10.1.2.3");
        assertThat(proxies.clientKey(peer("10.1.2.3"), "evil.example, 2.2.2.2")).isEqualTo("2.2.2.2");
        assertThat(proxies.clientKey(peer("10.1.2.3"), "2.2.2.2, not-an-address")).as("stops at garbage").isEqualTo("10.1.2.3");
        assertThat(proxies.clientKey(peer("11.0.0.1"), "2.2.2.2")).as("not a trusted proxy: header ignored").isEqualTo("11.0.0.1");
        assertThat(TrustedProxies.NONE.clientKey(peer("10.1.2.3"), "2.2.2.2")).isEqualTo("10.1.2.3");
        assertThat(proxies.contains(InetAddress.getByName("10.255.0.1"))).isTrue();
        assertThat(proxies.contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(proxies.contains(InetAddress.getByName("fe00::1"))).isFalse();
        assertThat(TrustedProxies.of(List.of("192.168.1.0/25")).contains(InetAddress.getByName("192.168.1.128"))).isFalse();
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.local"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }

    private static int okCount(TestServer server, String forwardedFor, int n) throws IOException {
        String request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + forwardedFor + "\r\n\r\n";
        int ok = 0;
        try (RawSocket s = RawSocket.open(server.port())) {
            s.writeRaw(request.repeat(n).getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < n; i++) {
                if (s.readResponse().status() == 200) {
                    ok++;
                }
            }
        }
        return ok;
    }

    @Test
    void behindATrustedProxy_eachForwardedClientHasItsOwnRate_elsewhereTheHeaderIsIgnored() throws IOException {
        Map<String, String> limited = Map.of("http.rate-limit", "1", "http.max-in-flight", "16");
        try (TestServer proxied = TestServer.start(Map.of("http.rate-limit", "1", "server.trusted-proxies", "127.0.0.0/8"))) {
            // a burst of 2, plus at most one refilled on a slow machine; one shared bucket would give ≤ 1 to the second
            assertThat(okCount(proxied, "203.0.113.7", 8)).as("one client's burst (2)").isBetween(2, 3);
            assertThat(okCount(proxied, "203.0.113.8", 8)).as("another client behind the same proxy").isBetween(2, 3);
        }
        try (TestServer direct = TestServer.start(limited)) {
            assertThat(okCount(direct, "203.0.113.7", 8)).isBetween(2, 3);
            assertThat(okCount(direct, "203.0.113.8", 8)).as("a made-up header buys nothing").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aTrustedProxyIsNotHeldToThePerAddressConnectionCap() throws Exception {
        try (TestServer server = TestServer.start(Map.of("server.max-connections-per-ip", "2", "server.trusted-proxies", "127.0.0.1"));
             RawSocket a = RawSocket.open(server.port()); RawSocket b = RawSocket.open(server.port());
             RawSocket c = RawSocket.open(server.port())) {
            assertThat(c.request("GET", "/health", Map.of(), null).status()).isEqualTo(200);
        }
    }
}
