package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Requests a parser chokes on are answered 400 in the JSON envelope, never with a reset, and the
 * tokens they carry never reach a log line. Log lines are checked as the configured layout
 * (logback.xml's STDERR encoder) writes them.
 */
class MalformedRequestTest {
    static final String SECRET = "sEcReT-tOkEn-4711";
    static TestServer server;
    ListAppender<ILoggingEvent> captured;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void capture() {
        captured = new ListAppender<>();
        captured.start();
        root().addAppender(captured);
    }

    @AfterEach
    void release() {
        root().detachAppender(captured);
    }

    private static Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Every captured event as the real appender would write it. */
    private String logged() {
        @SuppressWarnings("unchecked")
        var stderr = (OutputStreamAppender<ILoggingEvent>) root().getAppender("STDERR");
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : captured.list) {
            all.append(new String(stderr.getEncoder().encode(e), StandardCharsets.UTF_8));
        }
        return all.toString();
    }

    private static void assertBadRequest(RawSocket.HttpReply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        assertThat(r.json().get("code").asInt()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isNotBlank();
    }

    private static RawSocket.HttpReply get(String pathAndQuery, Map<String, String> headers) {
        try (RawSocket s = RawSocket.open(server.port())) {
            return s.request("GET", pathAndQuery, headers, null);
        }
    }

    @Test
    void badPercentEscapes_are400WithTheEnvelope() {
        assertBadRequest(get("/health?x=%zz", Map.of()));
        assertBadRequest(get("/health?token=" + SECRET + "&x=%zz", Map.of()));
        assertBadRequest(get("/ws?token=%", Map.of()));
        assertBadRequest(get("/ws?token=" + SECRET + "%", Map.of("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13")));
        assertBadRequest(get("/admin/system/notifications%zz?token=" + SECRET, Map.of()));
        assertThat(logged()).doesNotContain(SECRET);
    }

    @Test
    void upgradeWithoutKey_is400_andTheSeatIsGivenBack() {
        String token = server.token(4711);
        for (int i = 0; i < 25; i++) {
            RawSocket.HttpReply r = get("/ws?token=" + token, Map.of("Upgrade", "websocket", "Connection", "Upgrade",
                    "Sec-WebSocket-Version", "13"));
            assertBadRequest(r);
        }
        assertThat(server.herald().users().connectionsOf(4711)).isEmpty();
        try (var c = server.connectQuiet(4711)) {
            assertThat(c.answersPing()).isTrue();
        }
        assertThat(logged()).doesNotContain(token);
    }

    @Test
    void aTokenInALogMessageOrStackTrace_isRedacted() {
        org.slf4j.Logger log = LoggerFactory.getLogger(MalformedRequestTest.class);
        log.warn("failed on GET /ws?user_id=1&token={} from somewhere", SECRET);
        log.warn("request failed", new IllegalArgumentException("invalid hex byte 'zz' at index 9 of '/ws?token=" + SECRET + "&a=%zz'",
                new IllegalStateException("Authorization: Bearer " + SECRET)));
        String text = logged();
        assertThat(text).contains("user_id=1&token=[redacted] from somewhere", "/ws?token=[redacted]&a=%zz",
                "IllegalStateException", "Bearer [redacted]");
        assertThat(text).doesNotContain(SECRET);
        List<String> lines = text.lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("at dev.herald.transport.MalformedRequestTest"));
    }
}
