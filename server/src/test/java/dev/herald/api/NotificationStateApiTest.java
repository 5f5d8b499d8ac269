package dev.herald.api;

import static dev.herald.api.NotificationFixture.barrier;
import static dev.herald.api.NotificationFixture.error;
import static dev.herald.api.NotificationFixture.ids;
import static dev.herald.api.NotificationFixture.invalid;
import static dev.herald.api.NotificationFixture.json;
import static dev.herald.api.NotificationFixture.ofType;
import static dev.herald.api.NotificationFixture.ok;
import static dev.herald.api.NotificationFixture.pushedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.inbox.InboxLimits;
import dev.herald.testing.TestClock;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inbox 2.0 states and actions over HTTP on a real node whose inbox clock the test moves
 * (SPEC §7): archive, unarchive, batch-archive, snooze (woken by the job's use case and pushed
 * again), mark unread, take action; the unread_count push on every change; 404 for another
 * user's notification on every new endpoint; 422 naming the field.
 */
class NotificationStateApiTest {
    private static final String BASE = NotificationFixture.BASE;
    private static final AtomicLong USERS = new AtomicLong(50_000);
    private static final TestClock CLOCK = new TestClock();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(CLOCK, Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long newUser() {
        return USERS.incrementAndGet();
    }

    private Response post(long user, String path, Object body) {
        return server.call("POST", BASE + path, server.token(user), body == null ? null : json(body));
    }

    private JsonNode get(long user, String path) {
        return ok(server.call("GET", BASE + path, server.token(user), null));
    }

    private long sendOne(long user, String title, Map<String, ?> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(user));
        body.put("title", title);
        body.put("content", "c");
        body.putAll(extra);
        JsonNode data = ok(server.api("POST", BASE + "/send", json(body)));
        return data.get("ids").get(0).asLong();
    }

    private long unread(long user) {
        return get(user, "/unread-count").get("count").asLong();
    }

    private static long nextCount(WsClient ws) {
        return ws.awaitType("unread_count").at("/data/count").asLong();
    }

    private WsClient connect(long user) {
        WsClient ws = server.connect(user);
        ws.awaitType("unread_count");
        return ws;
    }

    @Test
    void archiveUnarchiveBatchArchive_moveTheListCountsAndStatistics_andPushUnreadCount() {
        long me = newUser();
        long a = sendOne(me, "a", Map.of());
        long b = sendOne(me, "b", Map.of());
        long c = sendOne(me, "c", Map.of());
        try (WsClient ws = connect(me)) {
            JsonNode r = ok(post(me, "/" + a + "/archive", null));
            assertThat(r.get("updated").asInt()).isEqualTo(1);
            assertThat(r.get("archived").asBoolean()).isTrue();
            assertThat(nextCount(ws)).isEqualTo(2);
            assertThat(ok(post(me, "/" + a + "/archive", null)).get("updated").asInt()).isZero();

            assertThat(ids(get(me, "").get("list"))).containsExactly(c, b);
            assertThat(ids(get(me, "?archived=true").get("list"))).containsExactly(a);
            assertThat(ids(get(me, "?archived=all").get("list"))).containsExactly(c, b, a);
            JsonNode stats = get(me, "/statistics");
            assertThat(stats.get("total").asLong()).isEqualTo(2);
            assertThat(stats.get("unread").asLong()).isEqualTo(2);
            assertThat(stats.get("archived").asLong()).isEqualTo(1);
            assertThat(get(me, "/" + a).get("archived").asBoolean()).isTrue();

            assertThat(ok(post(me, "/batch-archive", Map.of("ids", List.of(b, c, a)))).get("updated").asInt()).isEqualTo(2);
            assertThat(nextCount(ws)).isZero();
            assertThat(unread(me)).isZero();

            assertThat(ok(post(me, "/" + b + "/unarchive", null)).get("updated").asInt()).isEqualTo(1);
            assertThat(nextCount(ws)).isEqualTo(1);
            assertThat(ids(get(me, "/unread").get("list"))).containsExactly(b);
        }
    }

    @Test
    void markUnread_readOneCountsAgain_andPushesTheCount() {
        long me = newUser();
        long a = sendOne(me, "a", Map.of());
        ok(post(me, "/" + a + "/read", null));
        try (WsClient ws = connect(me)) {
            JsonNode r = ok(post(me, "/" + a + "/unread", null));
            assertThat(r.get("updated").asInt()).isEqualTo(1);
            assertThat(r.get("is_read").asBoolean()).isFalse();
            assertThat(nextCount(ws)).isEqualTo(1);
            assertThat(get(me, "/" + a).get("is_read").asBoolean()).isFalse();
        }
    }

    @Test
    void snooze_hidesUntilTheWakeJob_thenPushesItAgainAsNew() {
        long me = newUser();
        try (WsClient ws = connect(me)) {
            long a = sendOne(me, "a", Map.of());
            long b = sendOne(me, "b", Map.of());
            assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(a);
            assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(b);
            ws.request("ack", Map.of("notification_ids", List.of(a, b)));
            barrier(ws);
            Instant until = CLOCK.instant().plus(Duration.ofHours(2));
            JsonNode r = ok(post(me, "/" + a + "/snooze", Map.of("until", until.toString())));
            assertThat(Instant.parse(r.get("snoozed_until").asText())).isEqualTo(until.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            assertThat(nextCount(ws)).isEqualTo(1);
            assertThat(ids(get(me, "?archived=all").get("list"))).containsExactly(b);
            assertThat(get(me, "/statistics").get("snoozed").asLong()).isEqualTo(1);
            assertThat(get(me, "/" + a).get("snoozed_until").asText()).isNotEmpty();

            assertThat(server.herald().inbox().wakeSnoozed(100).toCompletableFuture().join()).as("not due").isZero();
            CLOCK.advance(Duration.ofHours(2));
            assertThat(server.herald().inbox().wakeSnoozed(100).toCompletableFuture().join()).isEqualTo(1);

            JsonNode pushed = ws.awaitType("notification");
            assertThat(pushed.at("/data/id").asLong()).isEqualTo(a);
            assertThat(pushed.at("/data/snoozed_until").isNull()).isTrue();
            assertThat(nextCount(ws)).isEqualTo(2);
            assertThat(ids(get(me, "").get("list"))).containsExactly(a, b);
            assertThat(server.herald().inbox().wakeSnoozed(100).toCompletableFuture().join()).as("woken once").isZero();
            assertThat(pushedIds(barrier(ws))).isEmpty();
        }
    }

    @Test
    void takeAction_answersTheRecord_then409_unknownAction404_andPushesTheCount() {
        long me = newUser();
        long a = sendOne(me, "a", Map.of("actions", List.of(
                Map.of("id", "approve", "label", "Approve", "url", "https://example.com/a", "style", "primary"),
                Map.of("id", "deny", "label", "Deny", "url", "/deny"))));
        JsonNode shown = get(me, "/" + a);
        assertThat(shown.get("actions").size()).isEqualTo(2);
        assertThat(shown.get("action_taken").isNull()).isTrue();
        try (WsClient ws = connect(me)) {
            error(post(me, "/" + a + "/actions/nope", null), 404);
            JsonNode r = ok(post(me, "/" + a + "/actions/approve", null));
            assertThat(r.get("id").asLong()).isEqualTo(a);
            assertThat(r.at("/action_taken/id").asText()).isEqualTo("approve");
            assertThat(r.get("is_read").asBoolean()).isTrue();
            assertThat(nextCount(ws)).isZero();
            error(post(me, "/" + a + "/actions/deny", null), 409);
            error(post(me, "/" + a + "/actions/approve", null), 409);
        }
    }

    @Test
    void everyNewEndpoint_onAnotherUsersNotification_answers404_andChangesNothing() {
        long owner = newUser();
        long intruder = newUser();
        long a = sendOne(owner, "a", Map.of("actions", List.of(Map.of("id", "ok", "label", "OK"))));
        String until = CLOCK.instant().plus(Duration.ofHours(1)).toString();
        error(post(intruder, "/" + a + "/archive", null), 404);
        error(post(intruder, "/" + a + "/unarchive", null), 404);
        error(post(intruder, "/" + a + "/unread", null), 404);
        error(post(intruder, "/" + a + "/snooze", Map.of("until", until)), 404);
        error(post(intruder, "/" + a + "/actions/ok", null), 404);
        error(post(intruder, "/999999999/archive", null), 404);
        assertThat(ok(post(intruder, "/batch-archive", Map.of("ids", List.of(a)))).get("updated").asInt()).isZero();
        JsonNode n = get(owner, "/" + a);
        assertThat(n.get("archived").asBoolean()).isFalse();
        assertThat(n.get("snoozed_until").isNull()).isTrue();
        assertThat(n.get("action_taken").isNull()).isTrue();
        assertThat(unread(owner)).isEqualTo(1);
    }

    @Test
    void badInput_answers422NamingTheField_andStoresNothing() {
        long me = newUser();
        long a = sendOne(me, "a", Map.of());
        Instant now = CLOCK.instant();
        invalid(post(me, "/" + a + "/snooze", Map.of("until", now.minusSeconds(1).toString())), "until");
        invalid(post(me, "/" + a + "/snooze", Map.of("until", now.plus(Duration.ofDays(31)).toString())), "until");
        invalid(post(me, "/" + a + "/snooze", Map.of("until", "tomorrow")), "until");
        invalid(post(me, "/" + a + "/snooze", Map.of()), "until");
        invalid(server.call("GET", BASE + "?archived=maybe", server.token(me), null), "archived");
        assertThat(get(me, "/" + a).get("snoozed_until").isNull()).isTrue();

        Map<String, Object> action = Map.of("id", "x", "label", "X");
        assertBadSend(me, Map.of("actions", List.of(action, Map.of("id", "y", "label", "Y"), Map.of("id", "z", "label", "Z"),
                Map.of("id", "w", "label", "W"))), "actions");
        assertBadSend(me, Map.of("actions", "nope"), "actions");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "x".repeat(InboxLimits.ACTION_ID_MAX + 1), "label", "X"))), "actions[0].id");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "", "label", "X"))), "actions[0].id");
        assertBadSend(me, Map.of("actions", List.of(action, action)), "actions[1].id");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "x"))), "actions[0].label");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "x", "label", "X", "url", "javascript:alert(1)"))), "actions[0].url");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "x", "label", "X", "url", "//evil.example"))), "actions[0].url");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "x", "label", "X", "style", "loud"))), "actions[0].style");
        assertBadSend(me, Map.of("actions", List.of(Map.of("id", "x", "label", "X", "colour", "red"))), "actions[0].colour");
        assertBadSend(me, Map.of("group_key", ""), "group_key");
        assertBadSend(me, Map.of("group_key", "k".repeat(InboxLimits.GROUP_KEY_MAX + 1)), "group_key");
        assertBadSend(me, Map.of("group_key", "k", "group_window", 0), "group_window");
        assertBadSend(me, Map.of("group_key", "k", "group_window", InboxLimits.GROUP_WINDOW_MAX + 1), "group_window");
        assertBadSend(me, Map.of("group_key", "k", "group_window", 1.5), "group_window");
        assertThat(get(me, "?archived=all").get("total").asLong()).as("nothing stored").isEqualTo(1);
    }

    private void assertBadSend(long user, Map<String, ?> extra, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(user));
        body.put("title", "bad");
        body.put("content", "c");
        body.putAll(extra);
        invalid(server.api("POST", BASE + "/send", json(body)), field);
    }

    @SuppressWarnings("unused")
    private static List<JsonNode> counts(List<JsonNode> frames) {
        return ofType(frames, "unread_count");
    }
}
