package dev.herald.inbox;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.NotificationFixture;
import dev.herald.store.Dialect;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A chat to an offline user is kept only for a user Herald knows (in {@code known_users}), and
 * only within the per-sender and per-recipient quotas (docs/inbox.md, "Chat to an offline
 * user"). Real node and real clients, once per database.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Dialect.class)
class OfflineChatTest {
    private static final long MADE_UP = 9_007_199_254_740_991L;
    private static final int PER_SENDER = 3;
    private static final int PER_RECIPIENT = 2;
    private static NotificationFixture fx;

    @Parameter
    Dialect dialect;

    @BeforeParameterizedClassInvocation
    static void startNode(Dialect dialect) {
        fx = NotificationFixture.start(dialect, Map.of(
                "gateway.rate-limit", "100000",
                "notifications.offline-chats-per-sender-hour", String.valueOf(PER_SENDER),
                "notifications.offline-chats-per-recipient", String.valueOf(PER_RECIPIENT)));
    }

    @AfterParameterizedClassInvocation
    static void stopNode() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }

    private static long knownUsers(long userId) {
        return fx.scalar("SELECT COUNT(*) FROM known_users WHERE user_id = ?", userId);
    }

    /** A user who connected once and is offline now: known. */
    private static long knownOfflineUser() {
        long user = newUser();
        fx.openEmpty(user).close();
        fx.await("user " + user + " offline", Duration.ofSeconds(10), () -> !ok(fx.post(
                "/admin/websocket/check-online", TestServer.API_KEY, Map.of("user_id", user)))
                .get("is_online").asBoolean());
        return user;
    }

    private static JsonNode chat(WsClient ws, long to, String content) {
        return ws.request("chat", Map.of("to_user_id", to, "content", content));
    }

    private static void assertStored(JsonNode reply) {
        assertThat(reply.get("type").asText()).as("%s", reply).isEqualTo("ack");
        assertThat(reply.at("/data/delivered").asBoolean()).isFalse();
        assertThat(reply.at("/data/stored").asBoolean()).as("%s", reply).isTrue();
    }

    private static void assertError(JsonNode reply, String code) {
        assertThat(reply.get("type").asText()).as("%s", reply).isEqualTo("error");
        assertThat(reply.at("/data/code").asText()).as("%s", reply).isEqualTo(code);
        assertThat(reply.at("/data/message").asText()).isNotBlank();
    }

    @Test
    void chatToAUserNobodyKnows_isRefused_neitherStoredNorMadeKnown() {
        long sender = newUser();
        long never = newUser();
        try (WsClient ws = fx.openEmpty(sender)) {
            assertError(chat(ws, MADE_UP, "hello?"), "unknown_recipient");
            assertError(chat(ws, never, "hello?"), "unknown_recipient");
            assertThat(ws.answersPing()).as("the connection stays open").isTrue();
        }
        for (long user : new long[] {MADE_UP, never}) {
            assertThat(fx.countRows("user_id = ?", user)).as("rows of %s", user).isZero();
            assertThat(knownUsers(user)).as("known_users row of %s", user).isZero();
        }
        // a send to everyone therefore does not reach the made-up id
        long everyone = ok(fx.post(BASE + "/send", TestServer.API_KEY,
                Map.of("title", "to all", "content", "x"))).get("count").asLong();
        assertThat(everyone).isPositive();
        assertThat(fx.countRows("user_id = ?", MADE_UP)).isZero();
    }

    @Test
    void chatToAUserWhoConnectedBefore_isKept() {
        long sender = newUser();
        long recipient = knownOfflineUser();
        try (WsClient ws = fx.openEmpty(sender)) {
            assertStored(chat(ws, recipient, "see you"));
        }
        assertThat(fx.countRows("user_id = ? AND category = 'message'", recipient)).isEqualTo(1);
    }

    @Test
    void chatToAUserKnownOnlyToTheDatabase_isKept() {
        // as when another node of a cluster saw the user: this node never did
        long recipient = newUser();
        Object now = fx.dialect().timestamp(Instant.now());
        fx.update("INSERT INTO known_users (user_id, first_seen, last_seen) VALUES (?, ?, ?)", recipient, now, now);
        long sender = newUser();
        try (WsClient ws = fx.openEmpty(sender)) {
            assertStored(chat(ws, recipient, "from another node's user"));
        }
        assertThat(fx.countRows("user_id = ?", recipient)).isEqualTo(1);
    }

    @Test
    void chatToAUserNamedInAnEarlierSend_isKept() {
        long recipient = newUser();
        fx.sendOne(recipient, "welcome");
        long sender = newUser();
        try (WsClient ws = fx.openEmpty(sender)) {
            assertStored(chat(ws, recipient, "hi"));
        }
        assertThat(fx.countRows("user_id = ?", recipient)).isEqualTo(2);
    }

    @Test
    void aSendersOfflineChats_stopAtTheHourlyQuota_liveChatsDoNot() {
        long sender = newUser();
        long[] recipients = new long[PER_SENDER + 1];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = knownOfflineUser();
        }
        long online = newUser();
        try (WsClient ws = fx.openEmpty(sender); WsClient to = fx.openEmpty(online)) {
            for (int i = 0; i < PER_SENDER; i++) {
                assertStored(chat(ws, recipients[i], "note " + i));
            }
            assertError(chat(ws, recipients[PER_SENDER], "one too many"), "sender_quota_exceeded");
            JsonNode live = chat(ws, online, "still talking");
            assertThat(live.at("/data/delivered").asBoolean()).as("%s", live).isTrue();
            assertThat(to.awaitType("chat").at("/data/content").asText()).isEqualTo("still talking");
        }
        assertThat(fx.countRows("user_id = ?", recipients[PER_SENDER])).isZero();
        // another sender is not affected
        try (WsClient other = fx.openEmpty(newUser())) {
            assertStored(chat(other, recipients[PER_SENDER], "hello"));
        }
    }

    @Test
    void aRecipientsUnreadOfflineChats_stopAtTheQuota_untilTheyAreRead() {
        long recipient = knownOfflineUser();
        fx.sendOne(recipient, "an ordinary notification does not count");
        for (int i = 0; i < PER_RECIPIENT; i++) {
            try (WsClient ws = fx.openEmpty(newUser())) {
                assertStored(chat(ws, recipient, "message " + i));
            }
        }
        long late = newUser();
        try (WsClient ws = fx.openEmpty(late)) {
            assertError(chat(ws, recipient, "too late"), "recipient_quota_exceeded");
            assertThat(fx.countRows("user_id = ? AND category = 'message'", recipient)).isEqualTo(PER_RECIPIENT);
            ok(fx.post(BASE + "/read-all", fx.userToken(recipient), null));
            assertStored(chat(ws, recipient, "now there is room"));
        }
        assertThat(fx.countRows("user_id = ? AND category = 'message'", recipient)).isEqualTo(PER_RECIPIENT + 1);
    }
}
