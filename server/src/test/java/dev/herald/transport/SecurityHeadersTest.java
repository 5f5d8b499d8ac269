package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pages carry a Content-Security-Policy without inline script and may not be framed; no response
 * sends a Referer onwards (a page's ?token= would leak in it); /metrics needs a credential unless
 * metrics.access=public.
 */
class SecurityHeadersTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawSocket.HttpReply get(int port, String path, String bearer) {
        try (RawSocket s = RawSocket.open(port)) {
            return s.request("GET", path, bearer == null ? Map.of("Host", "push.example.com:8443")
                    : Map.of("Host", "push.example.com:8443", "Authorization", "Bearer " + bearer), null);
        }
    }

    private static void assertCommonHeaders(RawSocket.HttpReply r) {
        assertThat(r.headers()).containsEntry("x-frame-options", "DENY")
                .containsEntry("referrer-policy", "no-referrer")
                .containsEntry("x-content-type-options", "nosniff");
        assertThat(r.headers().get("content-security-policy")).contains("frame-ancestors 'none'");
    }

    @Test
    void pages_haveAStrictContentSecurityPolicy() {
        for (String page : new String[] {"/", "/admin", "/index.html"}) {
            RawSocket.HttpReply r = get(server.port(), page + "?token=abc", null);
            assertThat(r.status()).as(page).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("text/html");
            assertCommonHeaders(r);
            String csp = r.headers().get("content-security-policy");
            assertThat(csp).contains("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                    "connect-src 'self' ws://push.example.com:8443 wss://push.example.com:8443");
            assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(r.body()).as("no inline script or handler in " + page)
                    .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                    .doesNotContainPattern("\\son[a-z]+\\s*=");
        }
    }

    @Test
    void aHostHeaderThatIsNotAPlainHost_doesNotReachThePolicy() {
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply r = s.request("GET", "/", Map.of("Host", "evil.example; script-src *"), null);
            assertThat(r.headers().get("content-security-policy")).contains("connect-src 'self';").doesNotContain("evil");
        }
    }

    @Test
    void apiAnswersAndScripts_allowNothingAndAreNotFramed() {
        RawSocket.HttpReply health = get(server.port(), "/health", null);
        assertCommonHeaders(health);
        assertThat(health.headers().get("content-security-policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertCommonHeaders(get(server.port(), "/herald.js", null));
        assertCommonHeaders(get(server.port(), "/no/such/thing", null));
    }

    @Test
    void metrics_needAnApiKeyOrAdminToken_byDefault() {
        assertThat(get(server.port(), "/metrics", null).status()).isEqualTo(401);
        assertThat(get(server.port(), "/metrics", server.token(5)).status()).isEqualTo(403);
        RawSocket.HttpReply admin = get(server.port(), "/metrics", server.adminToken(5));
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body()).contains("herald_connections");
        assertThat(get(server.port(), "/metrics", TestServer.API_KEY).status()).isEqualTo(200);
    }

    @Test
    void metrics_arePublicWithMetricsAccessPublic() {
        try (TestServer open = TestServer.start(Map.of("metrics.access", "public"))) {
            RawSocket.HttpReply r = get(open.port(), "/metrics", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("text/plain");
        }
    }
}
