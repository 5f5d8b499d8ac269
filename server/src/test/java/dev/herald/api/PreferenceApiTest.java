package dev.herald.api;

import static dev.herald.api.NotificationFixture.barrier;
import static dev.herald.api.NotificationFixture.error;
import static dev.herald.api.NotificationFixture.invalid;
import static dev.herald.api.NotificationFixture.json;
import static dev.herald.api.NotificationFixture.ofType;
import static dev.herald.api.NotificationFixture.ok;
import static dev.herald.api.NotificationFixture.pushedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.WsClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Preferences over HTTP on a real node (SPEC §7): a user edits its own, an API key names
 * user_id; merged PUT; 422 naming the field (nothing changed); quiet ones are stored and counted
 * but never pushed; off ones are skipped and counted in {@code skipped}; {@code force} ignores them.
 */
class PreferenceApiTest {
    private static final String BASE = NotificationFixture.BASE;
    private static final AtomicLong USERS = new AtomicLong(70_000);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Response put(long user, Object body) {
        return server.call("PUT", BASE + "/preferences", server.token(user), json(body));
    }

    private JsonNode get(long user) {
        return ok(server.call("GET", BASE + "/preferences", server.token(user), null));
    }

    private JsonNode send(List<Long> users, Map<String, ?> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", users);
        body.put("title", "t");
        body.put("content", "c");
        body.put("category", "task");
        body.put("type", "warning");
        body.putAll(extra);
        return ok(server.api("POST", BASE + "/send", json(body)));
    }

    @Test
    void userEditsItsOwn_mergedSubsets_apiKeyNamesUserId() {
        long me = USERS.incrementAndGet();
        JsonNode empty = get(me);
        assertThat(empty.get("categories").isEmpty()).isTrue();
        assertThat(empty.get("email").isNull()).isTrue();

        ok(put(me, Map.of("categories", Map.of("task", "quiet"), "email", "me@example.com")));
        JsonNode merged = ok(put(me, Map.of("types", Map.of("error", "off"))));
        assertThat(merged.at("/categories/task").asText()).isEqualTo("quiet");
        assertThat(merged.at("/types/error").asText()).isEqualTo("off");
        assertThat(merged.get("email").asText()).isEqualTo("me@example.com");
        JsonNode cleared = ok(put(me, Map.of("categories", Map.of("task", "on"))));
        assertThat(cleared.get("categories").size()).as(cleared.toString()).isZero();

        JsonNode viaKey = ok(server.api("GET", BASE + "/preferences?user_id=" + me, null));
        assertThat(viaKey.at("/types/error").asText()).isEqualTo("off");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", me);
        body.put("email", null);
        assertThat(ok(server.api("PUT", BASE + "/preferences", json(body))).get("email").isNull()).isTrue();

        long other = USERS.incrementAndGet();
        error(server.call("GET", BASE + "/preferences?user_id=" + other, server.token(me), null), 403);
    }

    @Test
    void badInput_422NamingTheField_nothingChanged() {
        long me = USERS.incrementAndGet();
        ok(put(me, Map.of("categories", Map.of("task", "quiet"))));
        invalid(put(me, Map.of("categories", Map.of("task", "loud"))), "categories.task");
        invalid(put(me, Map.of("categories", Map.of("nope", "off"))), "categories.nope");
        invalid(put(me, Map.of("types", Map.of("info", 1))), "types.info");
        invalid(put(me, Map.of("types", "off")), "types");
        invalid(put(me, Map.of("email", "not-an-address")), "email");
        invalid(put(me, Map.of("email", "a b@example.com")), "email");
        invalid(put(me, Map.of("colour", "red", "categories", Map.of("task", "off"))), "colour");
        JsonNode now = get(me);
        assertThat(now.at("/categories/task").asText()).as("nothing half-done").isEqualTo("quiet");
        assertThat(now.get("email").isNull()).isTrue();
    }

    @Test
    void quietStoredCountedNotPushed_offSkipped_forceIgnoresThem() {
        long on = USERS.incrementAndGet();
        long quiet = USERS.incrementAndGet();
        long off = USERS.incrementAndGet();
        ok(put(quiet, Map.of("categories", Map.of("task", "quiet"))));
        ok(put(off, Map.of("types", Map.of("warning", "off"))));
        try (WsClient wsOn = server.connect(on); WsClient wsQuiet = server.connect(quiet)) {
            wsOn.awaitType("unread_count");
            wsQuiet.awaitType("unread_count");
            JsonNode r = send(List.of(on, quiet, off), Map.of());
            assertThat(r.get("count").asInt()).isEqualTo(2);
            assertThat(r.get("skipped").asInt()).isEqualTo(1);
            assertThat(r.get("pushed").asInt()).isEqualTo(1);

            assertThat(wsOn.awaitType("notification").at("/data/user_id").asLong()).isEqualTo(on);
            assertThat(wsQuiet.awaitType("unread_count").at("/data/count").asLong()).as("the badge moves").isEqualTo(1);
            List<JsonNode> later = barrier(wsQuiet);
            assertThat(pushedIds(later)).as("a quiet one is never pushed").isEmpty();
            assertThat(ok(server.call("GET", BASE + "/unread-count", server.token(off), null)).get("count").asLong()).isZero();

            JsonNode forced = send(List.of(quiet, off), Map.of("force", true));
            assertThat(forced.get("count").asInt()).isEqualTo(2);
            assertThat(forced.get("skipped").asInt()).isZero();
            assertThat(wsQuiet.awaitType("notification").at("/data/user_id").asLong()).isEqualTo(quiet);
            assertThat(ofType(barrier(wsOn), "notification")).isEmpty();
        }
        invalid(server.api("POST", BASE + "/send", json(Map.of("user_ids", List.of(on), "title", "t", "content", "c",
                "force", "yes"))), "force");
    }
}
