package dev.herald.api;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.error;
import static dev.herald.api.NotificationFixture.ids;
import static dev.herald.api.NotificationFixture.invalid;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.Dialect;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may see and change which notifications (SPEC §2): a user token only its own — another
 * user's id answers exactly like a missing one —, an admin token or the API key anyone's, and only
 * those two may send, retry and clean up.
 */
class NotificationPermissionTest {
    private static NotificationFixture fx;

    @BeforeAll
    static void startNode() {
        fx = NotificationFixture.start(Dialect.H2);
    }

    @AfterAll
    static void stopNode() {
        fx.close();
    }

    /** Alice and Bob, each with one notification. */
    private record Pair(long alice, long bob, long aliceNote, long bobNote) {
        String aliceToken() {
            return fx.userToken(alice);
        }
    }

    private static Pair pair() {
        long alice = newUser();
        long bob = newUser();
        return new Pair(alice, bob, fx.sendOne(alice, "alice's"), fx.sendOne(bob, "bob's"));
    }

    /** The envelope of a 404, for comparing "someone else's" with "missing". */
    private static JsonNode notFound(Response r) {
        return error(r, 404);
    }

    @Test
    void detail_ofAnotherUsersNotification_answersExactlyLikeAMissingOne() {
        Pair p = pair();
        long missing = p.bobNote + 1_000_000;
        Response others = fx.get(BASE + "/" + p.bobNote, p.aliceToken());
        Response absent = fx.get(BASE + "/" + missing, p.aliceToken());
        assertThat(notFound(others)).isEqualTo(notFound(absent));
        assertThat(others.body()).isEqualTo(absent.body()).doesNotContain("bob's");
        assertThat(fx.detail(p.bob, p.bobNote).get("title").asText()).isEqualTo("bob's");
    }

    @Test
    void markRead_ofAnotherUsersNotification_is404AndChangesNothing() {
        Pair p = pair();
        Response others = fx.post(BASE + "/" + p.bobNote + "/read", p.aliceToken(), null);
        Response absent = fx.post(BASE + "/" + (p.bobNote + 1_000_000) + "/read", p.aliceToken(), null);
        assertThat(notFound(others)).isEqualTo(notFound(absent));
        assertThat(fx.detail(p.bob, p.bobNote).get("is_read").asBoolean()).isFalse();
        assertThat(fx.unreadCount(p.bob)).isEqualTo(1);
    }

    @Test
    void delete_ofAnotherUsersNotification_is404AndChangesNothing() {
        Pair p = pair();
        Response others = fx.call("DELETE", BASE + "/" + p.bobNote, p.aliceToken(), null);
        Response absent = fx.call("DELETE", BASE + "/" + (p.bobNote + 1_000_000), p.aliceToken(), null);
        assertThat(notFound(others)).isEqualTo(notFound(absent));
        assertThat(fx.detail(p.bob, p.bobNote).get("title").asText()).isEqualTo("bob's");
        assertThat(fx.countRows("id = ? AND deleted_at IS NULL", p.bobNote)).isEqualTo(1);
    }

    @Test
    void batchRead_ignoresOtherUsersIds() {
        Pair p = pair();
        JsonNode r = ok(fx.post(BASE + "/batch-read", p.aliceToken(), Map.of("ids", List.of(p.aliceNote, p.bobNote))));
        assertThat(r.get("updated").asInt()).isEqualTo(1);
        assertThat(fx.detail(p.alice, p.aliceNote).get("is_read").asBoolean()).isTrue();
        assertThat(fx.detail(p.bob, p.bobNote).get("is_read").asBoolean()).isFalse();
        assertThat(ok(fx.post(BASE + "/batch-read", p.aliceToken(), Map.of("ids", List.of(p.bobNote))))
                .get("updated").asInt()).isZero();
    }

    @Test
    void batchDelete_ignoresOtherUsersIds() {
        Pair p = pair();
        JsonNode r = ok(fx.post(BASE + "/batch-delete", p.aliceToken(), Map.of("ids", List.of(p.bobNote, p.aliceNote))));
        assertThat(r.get("deleted").asInt()).isEqualTo(1);
        assertThat(fx.getOk(BASE, p.alice).get("total").asLong()).isZero();
        assertThat(ids(fx.getOk(BASE, p.bob).get("list"))).containsExactly(p.bobNote);
    }

    @Test
    void readAllAndClearRead_touchOnlyTheCallersInbox() {
        Pair p = pair();
        ok(fx.post(BASE + "/read-all", p.aliceToken(), null));
        assertThat(fx.unreadCount(p.bob)).isEqualTo(1);
        ok(fx.post(BASE + "/" + p.bobNote + "/read", fx.userToken(p.bob), null));
        assertThat(ok(fx.post(BASE + "/clear-read", p.aliceToken(), null)).get("deleted").asInt()).isEqualTo(1);
        assertThat(fx.getOk(BASE, p.bob).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void listAndCounts_ofAUserToken_showOnlyItsOwn() {
        Pair p = pair();
        assertThat(ids(fx.getOk(BASE, p.alice).get("list"))).containsExactly(p.aliceNote);
        assertThat(ids(fx.getOk(BASE + "/unread", p.alice).get("list"))).containsExactly(p.aliceNote);
        assertThat(fx.getOk(BASE + "/statistics", p.alice).get("total").asLong()).isEqualTo(1);
        assertThat(fx.unreadCount(p.alice)).isEqualTo(1);
    }

    @Test
    void userToken_namingAnotherUserId_is403() {
        Pair p = pair();
        String t = p.aliceToken();
        for (String path : List.of(BASE, BASE + "/unread", BASE + "/unread-count", BASE + "/statistics",
                BASE + "/" + p.bobNote)) {
            error(fx.get(path + "?user_id=" + p.bob, t), 403);
        }
        error(fx.post(BASE + "/" + p.bobNote + "/read?user_id=" + p.bob, t, null), 403);
        error(fx.call("DELETE", BASE + "/" + p.bobNote + "?user_id=" + p.bob, t, null), 403);
        error(fx.post(BASE + "/batch-read", t, Map.of("user_id", p.bob, "ids", List.of(p.bobNote))), 403);
        error(fx.post(BASE + "/batch-delete", t, Map.of("user_id", p.bob, "ids", List.of(p.bobNote))), 403);
        error(fx.post(BASE + "/read-all", t, Map.of("user_id", p.bob)), 403);
        error(fx.post(BASE + "/clear-read", t, Map.of("user_id", p.bob)), 403);
        assertThat(fx.unreadCount(p.bob)).isEqualTo(1);
        assertThat(fx.getOk(BASE, p.bob).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void userToken_namingItsOwnUserId_isAllowed() {
        Pair p = pair();
        assertThat(ok(fx.get(BASE + "?user_id=" + p.alice, p.aliceToken())).get("total").asLong()).isEqualTo(1);
        assertThat(ok(fx.post(BASE + "/read-all", p.aliceToken(), Map.of("user_id", p.alice))).get("updated").asInt())
                .isEqualTo(1);
    }

    @Test
    void userToken_onSendRetryAndCleanup_is403AndStoresNothing() {
        Pair p = pair();
        Map<String, Object> send = Map.of("user_ids", List.of(p.bob), "title", "spoof", "content", "x");
        error(fx.post(BASE + "/send", p.aliceToken(), send), 403);
        error(fx.post(BASE + "/send", p.aliceToken(), Map.of("user_ids", List.of(p.alice), "title", "self", "content", "x")), 403);
        error(fx.post(BASE + "/retry-unsent", p.aliceToken(), null), 403);
        error(fx.post(BASE + "/cleanup?days=1", p.aliceToken(), null), 403);
        assertThat(fx.countRows("title IN ('spoof', 'self')")).isZero();
    }

    @Test
    void apiKey_withoutUserId_isToldToNameOne() {
        String key = TestServer.API_KEY;
        for (String path : List.of(BASE, BASE + "/unread", BASE + "/unread-count", BASE + "/statistics", BASE + "/1")) {
            invalid(fx.get(path, key), "user_id");
        }
        invalid(fx.post(BASE + "/1/read", key, null), "user_id");
        invalid(fx.call("DELETE", BASE + "/1", key, null), "user_id");
        invalid(fx.post(BASE + "/read-all", key, null), "user_id");
        invalid(fx.post(BASE + "/clear-read", key, Map.of()), "user_id");
        invalid(fx.post(BASE + "/batch-read", key, Map.of("ids", List.of(1))), "user_id");
        invalid(fx.post(BASE + "/batch-delete", key, Map.of("ids", List.of(1))), "user_id");
    }

    @Test
    void anInvalidUserIdParameter_is422() {
        Pair p = pair();
        invalid(fx.get(BASE + "?user_id=abc", TestServer.API_KEY), "user_id");
        invalid(fx.get(BASE + "?user_id=0", TestServer.API_KEY), "user_id");
        invalid(fx.get(BASE + "?user_id=-3", TestServer.API_KEY), "user_id");
        invalid(fx.get(BASE + "?user_id=abc", p.aliceToken()), "user_id");
        invalid(fx.post(BASE + "/read-all", TestServer.API_KEY, Map.of("user_id", "7")), "user_id");
        invalid(fx.post(BASE + "/read-all", TestServer.API_KEY, Map.of("user_id", -7)), "user_id");
    }

    @Test
    void noOrBadCredentials_are401OnEveryEndpoint() {
        Pair p = pair();
        String expired = fx.server().token(p.alice, false, List.of(), Duration.ofSeconds(-120));
        for (String auth : new String[] {null, "not-a-token", "wrong-api-key", expired, fx.userToken(p.alice) + "x"}) {
            error(fx.get(BASE, auth), 401);
            error(fx.get(BASE + "/unread-count", auth), 401);
            error(fx.get(BASE + "/" + p.aliceNote, auth), 401);
            error(fx.post(BASE + "/" + p.aliceNote + "/read", auth, null), 401);
            error(fx.post(BASE + "/send", auth, Map.of("user_ids", List.of(p.alice), "title", "t", "content", "c")), 401);
            error(fx.post(BASE + "/retry-unsent", auth, null), 401);
        }
        assertThat(fx.unreadCount(p.alice)).isEqualTo(1);
        assertThat(fx.countRows("user_id = ?", p.alice)).isEqualTo(1);
    }

    @Test
    void adminToken_mayReadAndChangeAnyonesNotifications() {
        Pair p = pair();
        String admin = fx.adminToken(newUser());
        assertThat(ok(fx.get(BASE + "/" + p.bobNote + "?user_id=" + p.bob, admin)).get("title").asText()).isEqualTo("bob's");
        ok(fx.post(BASE + "/" + p.bobNote + "/read?user_id=" + p.bob, admin, null));
        assertThat(fx.unreadCount(p.bob)).isZero();
        // named user decides whose inbox: bob's id under alice's user_id is still not found
        error(fx.get(BASE + "/" + p.bobNote + "?user_id=" + p.alice, admin), 404);
    }
}
