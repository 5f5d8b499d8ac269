package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.auth.Principal;
import dev.herald.auth.TokenVerifier;
import dev.herald.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The start banner: the operator's own terminal is where a demo node shows its admin console link. */
class BannerTest {
    private static final Pattern ADMIN_LINK = Pattern.compile("(http://localhost:\\d+)/admin\\?token=(\\S+)");

    @Test
    void demoNode_printsAnAdminConsoleLinkThatTheNodeAccepts() throws Exception {
        try (TestServer server = TestServer.start(Map.of("auth.jwt-secret", "", "auth.api-keys", ""))) {
            String banner = Main.Serve.banner(server.herald());
            assertThat(banner).contains("DEMO MODE");
            Matcher m = ADMIN_LINK.matcher(banner);
            assertThat(m.find()).as("an admin console link in:%n%s", banner).isTrue();
            assertThat(m.group(1)).isEqualTo("http://localhost:" + server.port());
            Principal p = new TokenVerifier(server.herald().settings().auth().jwtSecret(), Optional.empty(),
                    Duration.ZERO, Clock.systemUTC()).verify(m.group(2));
            assertThat(p.admin()).isTrue();
            assertThat(server.call("GET", "/admin/websocket/online-count", m.group(2), null).status()).isEqualTo(200);
        }
    }

    @Test
    void productionNode_printsNoToken() {
        try (TestServer server = TestServer.start(Map.of())) {
            String banner = Main.Serve.banner(server.herald());
            assertThat(banner).doesNotContain("token=ey").doesNotContain("DEMO");
        }
    }
}
