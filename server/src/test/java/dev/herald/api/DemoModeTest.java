package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Demo mode hands tokens to anyone, so it must never be on beside production credentials, must say
 * loudly that it is on, must sign with a key of its own, and hands out admin tokens only when asked to.
 */
class DemoModeTest {
    /** A node configured like the one-command start: no credential at all (TestServer's are removed). */
    private static TestServer demoNode(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of("auth.jwt-secret", "", "auth.api-keys", ""));
        settings.putAll(extra);
        return TestServer.start(settings);
    }

    private static Response demoToken(TestServer server, long user, boolean admin) {
        return server.call("POST", "/demo/token", null, "{\"user_id\":" + user + ",\"admin\":" + admin + "}");
    }

    @Test
    void productionCredentialsWithoutDatabaseOrRedis_leaveDemoModeOff() {
        try (TestServer server = TestServer.start(Map.of(), Map.of(), UnaryOperator.identity())) {
            assertThat(server.herald().settings().database().embedded()).isTrue();
            assertThat(server.herald().settings().redis().enabled()).isFalse();
            Response admin = demoToken(server, 1, true);
            assertThat(admin.status()).as("POST /demo/token: %s", admin.body()).isEqualTo(404);
            assertThat(server.call("GET", "/demo/users", null, null).status()).isEqualTo(404);
            assertThat(server.call("GET", "/health", null, null).data().get("demo").asBoolean()).isFalse();
        }
    }

    @Test
    void demoMode_saysSoOnHealthAndInTheLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(DemoApi.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (TestServer server = demoNode(Map.of())) {
            JsonNode health = server.call("GET", "/health", null, null).data();
            assertThat(health.get("demo").asBoolean()).isTrue();
            assertThat(health.get("warning").asText()).contains("demo mode").contains("/demo/token");
            assertThat(log.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("DEMO MODE");
            });
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void demoAdminTokens_needTheDemoAdminSetting() {
        try (TestServer server = demoNode(Map.of())) {
            Response admin = demoToken(server, 1, true);
            assertThat(admin.status()).as(admin.body()).isEqualTo(403);
            assertThat(admin.json().get("message").asText()).contains("demo.admin=true").contains("banner");
            assertThat(server.call("GET", "/demo/users", null, null).data().get("admin").asBoolean()).isFalse();

            Response user = demoToken(server, 2, false);
            assertThat(user.status()).as(user.body()).isEqualTo(200);
            String token = user.data().get("token").asText();
            assertThat(server.call("GET", "/admin/system/notifications/unread-count", token, null).status()).isEqualTo(200);
            try (WsClient ws = WsClient.open(server.wsUrl(token))) {
                assertThat(ws.awaitType("init").at("/data/user_id").asLong()).isEqualTo(2);
            }
        }
        try (TestServer server = demoNode(Map.of("demo.admin", "true"))) {
            assertThat(server.call("GET", "/demo/users", null, null).data().get("admin").asBoolean()).isTrue();
            Response admin = demoToken(server, 1, true);
            assertThat(admin.status()).as(admin.body()).isEqualTo(200);
            assertThat(server.call("GET", "/admin/websocket/online-count", admin.data().get("token").asText(), null).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void demoTokens_areWorthNothingOnceCredentialsAreConfigured() {
        String token;
        Path dir;
        try (TestServer demo = demoNode(Map.of())) {
            token = demoToken(demo, 3, false).data().get("token").asText();
            dir = demo.dataDir();
        }
        try (TestServer real = TestServer.startIn(dir, Map.of(), Map.of(), UnaryOperator.identity())) {
            assertThat(real.herald().settings().demo()).isFalse();
            assertThat(real.call("GET", "/admin/system/notifications/unread-count", token, null).status()).isEqualTo(401);
        }
    }
}
