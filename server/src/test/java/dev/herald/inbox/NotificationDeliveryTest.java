package dev.herald.inbox;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.awaitPushedIds;
import static dev.herald.api.NotificationFixture.barrier;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.nextUnreadCount;
import static dev.herald.api.NotificationFixture.ofType;
import static dev.herald.api.NotificationFixture.ok;
import static dev.herald.api.NotificationFixture.pushedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.NotificationFixture;
import dev.herald.api.NotificationFixture.Opened;
import dev.herald.protocol.Json;
import dev.herald.store.Dialect;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Delivery of the inbox over real WebSocket connections (SPEC §3, §4): stored first, pushed with
 * the stored record, delivered only when acked, pushed again on connect, {@code sync} and by the
 * retry job, {@code read} frames, and {@code unread_count} on every connection of the user. Once per
 * database (H2, PostgreSQL, MariaDB).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Dialect.class)
class NotificationDeliveryTest {
    private static NotificationFixture fx;

    @Parameter
    Dialect dialect;

    @BeforeParameterizedClassInvocation
    static void startNode(Dialect dialect) {
        fx = NotificationFixture.start(dialect);
    }

    @AfterParameterizedClassInvocation
    static void stopNode() {
        if (fx != null) {
            fx.close();
            fx = null;
        }
    }

    private static JsonNode ack(WsClient ws, long... ids) {
        JsonNode r = ws.request("ack", Map.of("notification_ids", ids));
        assertThat(r.get("type").asText()).as("%s", r).isEqualTo("ack");
        return r.get("data");
    }

    private static JsonNode retry(int limit) {
        return ok(fx.post(BASE + "/retry-unsent?limit=" + limit, TestServer.API_KEY, null));
    }

    /** Waits until exactly {@code users} are online (earlier tests' connections are gone). */
    private static void awaitOnlineExactly(long... users) {
        Set<Long> want = new HashSet<>();
        for (long u : users) {
            want.add(u);
        }
        NotificationFixture.await("online users " + want, Duration.ofSeconds(10), () -> {
            JsonNode ids = ok(fx.get("/admin/websocket/online-users", TestServer.API_KEY)).get("user_ids");
            Set<Long> online = new HashSet<>();
            ids.forEach(i -> online.add(i.asLong()));
            return online.equals(want);
        });
    }

    // ------------------------------------------------------------------ push and ack

    @Test
    void onlineUser_receivesTheStoredRecordThenItsUnreadCount() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            long id = fx.sendOne(user, "Build failed", Map.of("content", "main is red", "type", "error",
                    "category", "task", "data", Map.of("build", 981, "branch", "main"),
                    "action_type", "link", "action_data", "https://ci.example/981"));

            JsonNode push = ws.next();
            assertThat(push.get("type").asText()).isEqualTo("notification");
            JsonNode n = push.get("data");
            assertThat(n.get("id").asLong()).isEqualTo(id);
            assertThat(n.get("title").asText()).isEqualTo("Build failed");
            assertThat(n.get("content").asText()).isEqualTo("main is red");
            assertThat(n.get("type").asText()).isEqualTo("error");
            assertThat(n.get("category").asText()).isEqualTo("task");
            assertThat(n.get("data")).isEqualTo(Json.MAPPER.valueToTree(Map.of("build", 981, "branch", "main")));
            assertThat(n.get("action_type").asText()).isEqualTo("link");
            assertThat(n.get("action_data").asText()).isEqualTo("https://ci.example/981");
            OffsetDateTime.parse(n.get("created_at").asText());

            JsonNode count = ws.next();
            assertThat(count.get("type").asText()).isEqualTo("unread_count");
            assertThat(count.at("/data/count").asLong()).isEqualTo(1);

            JsonNode stored = fx.detail(user, id);
            assertThat(n).as("the push is the stored record").isEqualTo(stored);
            assertThat(stored.get("sent_via_websocket").asBoolean()).as("not delivered before the ack").isFalse();
            assertThat(stored.get("sent_at").isNull()).isTrue();
        }
    }

    @Test
    void ack_marksTheNotificationDeliveredOnce() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            long id = fx.sendOne(user, "ack me");
            assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);

            JsonNode r = ack(ws, id);
            assertThat(r.get("type").asText()).isEqualTo("ack");
            assertThat(r.get("acknowledged").asInt()).isEqualTo(1);
            JsonNode n = fx.detail(user, id);
            assertThat(n.get("sent_via_websocket").asBoolean()).isTrue();
            OffsetDateTime sentAt = OffsetDateTime.parse(n.get("sent_at").asText());
            assertThat(sentAt).isAfterOrEqualTo(OffsetDateTime.parse(n.get("created_at").asText()));
            assertThat(n.get("is_read").asBoolean()).as("delivered is not read").isFalse();

            assertThat(ack(ws, id, id).get("acknowledged").asInt()).as("second ack").isZero();
            assertThat(fx.detail(user, id).get("sent_at").asText()).as("first ack wins").isEqualTo(n.get("sent_at").asText());
        }
    }

    @Test
    void ack_ofAnotherUsersOrUnknownIds_changesNothing() {
        long user = newUser();
        long other = newUser();
        long theirs = fx.sendOne(other, "not yours");
        try (WsClient ws = fx.openEmpty(user)) {
            assertThat(ack(ws, theirs, 987_654_321L).get("acknowledged").asInt()).isZero();
        }
        assertThat(fx.detail(other, theirs).get("sent_via_websocket").asBoolean()).isFalse();
    }

    @Test
    void send_toSeveralOnlineUsers_givesEachItsOwnRecord() {
        long a = newUser();
        long b = newUser();
        try (WsClient wa = fx.openEmpty(a); WsClient wb = fx.openEmpty(b)) {
            JsonNode sent = fx.send(Map.of("user_ids", List.of(a, b), "title", "for both", "content", "x"));
            assertThat(sent.get("pushed").asInt()).isEqualTo(2);
            JsonNode na = wa.awaitType("notification").get("data");
            JsonNode nb = wb.awaitType("notification").get("data");
            assertThat(na.get("user_id").asLong()).isEqualTo(a);
            assertThat(nb.get("user_id").asLong()).isEqualTo(b);
            assertThat(na.get("id").asLong()).isNotEqualTo(nb.get("id").asLong());
            List<Long> sentIds = new ArrayList<>();
            sent.get("ids").forEach(i -> sentIds.add(i.asLong()));
            assertThat(List.of(na.get("id").asLong(), nb.get("id").asLong())).containsExactlyInAnyOrderElementsOf(sentIds);
            assertThat(nextUnreadCount(wa)).isEqualTo(1);
            assertThat(nextUnreadCount(wb)).isEqualTo(1);
        }
    }

    @Test
    void everyDeviceOfAUser_getsThePushAndOneAckDeliversIt() {
        long user = newUser();
        try (WsClient phone = fx.openEmpty(user); WsClient laptop = fx.openEmpty(user)) {
            long id = fx.sendOne(user, "both devices");
            assertThat(phone.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);
            assertThat(laptop.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);
            assertThat(nextUnreadCount(phone)).isEqualTo(1);
            assertThat(nextUnreadCount(laptop)).isEqualTo(1);
            assertThat(ack(laptop, id).get("acknowledged").asInt()).isEqualTo(1);
            assertThat(ack(phone, id).get("acknowledged").asInt()).as("the other device's ack is a no-op").isZero();
        }
    }

    @Test
    void levelNormal_pushesNoNotificationButTheNewUnreadCount() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            fx.send(Map.of("user_ids", List.of(user), "title", "quiet", "content", "x", "level", "normal"));
            assertThat(nextUnreadCount(ws)).isEqualTo(1);
            assertThat(pushedIds(barrier(ws))).isEmpty();
        }
    }

    @Test
    void levelNormal_isNeverPushed_notOnConnectNorSyncNorRetry() {
        long user = newUser();
        long quiet = fx.sendOne(user, "store only", Map.of("level", "normal"));
        long loud = fx.sendOne(user, "store and push");

        Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(pushedIds(o.notifications())).as("on connect").containsExactly(loud);
            assertThat(o.unreadCount()).as("the badge counts both").isEqualTo(2);

            JsonNode sync = ws.request("sync", Map.of());
            assertThat(sync.at("/data/synced").asInt()).as("sync").isEqualTo(1);
            assertThat(sync.at("/data/count").asLong()).isEqualTo(2);
            barrier(ws);

            awaitOnlineExactly(user);
            assertThat(retry(100).get("count").asInt()).as("retry").isEqualTo(1);
            assertThat(awaitPushedIds(ws, 1)).containsExactly(loud);
        }
        JsonNode stored = fx.detail(user, quiet);
        assertThat(stored.get("level").asText()).isEqualTo("normal");
        assertThat(stored.get("retry_count").asInt()).isZero();
        assertThat(stored.get("sent_via_websocket").asBoolean()).isFalse();
        assertThat(fx.detail(user, loud).get("level").asText()).isEqualTo("urgent");
    }

    // ------------------------------------------------------------------ connect and sync

    @Test
    void offlineUser_getsUndeliveredNotificationsOnConnectOldestFirst() {
        long user = newUser();
        long first = fx.sendOne(user, "first");
        long second = fx.sendOne(user, "second");
        long third = fx.sendOne(user, "third");
        ok(fx.post(BASE + "/" + second + "/read", fx.userToken(user), null)); // read, yet never delivered

        Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(o.notifications()).extracting(f -> f.at("/data/id").asLong()).containsExactly(first, second, third);
            assertThat(o.notifications().get(0).get("data")).isEqualTo(fx.detail(user, first));
            assertThat(o.unreadCount()).isEqualTo(2);
        }
    }

    @Test
    void backlogLargerThanTheOutboundLimit_arrivesWhole_onConnectAndOnSync() {
        long user = newUser();
        String big = "x".repeat(60 * 1024);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // 200 x 60 KiB = 12 MiB, twelve times gateway.max-outbound-bytes
            ids.add(fx.sendOne(user, "big " + i, Map.of("content", big)));
        }
        Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(pushedIds(o.notifications())).as("on connect").containsExactlyElementsOf(ids);
            assertThat(o.notifications().get(199).at("/data/content").asText()).isEqualTo(big);
            assertThat(o.unreadCount()).isEqualTo(200);

            // a sync holds at most gateway.backlog-push-bytes (1 MiB): the client asks again from the
            // last id it got, as herald.js does, until a sync brings none
            List<JsonNode> frames = new ArrayList<>();
            long since = 0;
            int syncs = 0;
            while (true) {
                String id = ws.send("sync", since == 0 ? Map.of() : Map.of("since_id", since));
                syncs++;
                List<JsonNode> page = new ArrayList<>();
                JsonNode f;
                while (!id.equals((f = ws.next()).path("id").asText())) {
                    page.add(f);
                }
                assertThat(f.at("/data/synced").asInt()).isEqualTo(pushedIds(page).size());
                if (page.isEmpty()) {
                    break;
                }
                frames.addAll(page);
                since = pushedIds(page).get(page.size() - 1);
            }
            assertThat(pushedIds(frames)).as("on sync").containsExactlyElementsOf(ids);
            assertThat(syncs).as("12 MiB in syncs of at most 1 MiB").isGreaterThan(12);
            assertThat(barrier(ws)).as("still open, nothing else pending").isEmpty();
        }
    }

    @Test
    void backlogOfMoreThanOnePage_isPushedWholeOnConnect() {
        long user = newUser();
        int total = InboxLimits.SYNC_LIMIT + 20;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            ids.add(fx.sendOne(user, "n" + i));
        }
        Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(pushedIds(o.notifications())).as("every page, oldest first").containsExactlyElementsOf(ids);
            assertThat(o.unreadCount()).isEqualTo(total);
        }
    }

    @Test
    void unackedNotifications_arePushedAgainOnReconnect_ackedOnesAreNot() {
        long user = newUser();
        long a = fx.sendOne(user, "a");
        long b = fx.sendOne(user, "b");
        long c = fx.sendOne(user, "c");
        Opened o1 = fx.open(user);
        try (WsClient ws = o1.ws()) {
            assertThat(pushedIds(o1.notifications())).containsExactly(a, b, c);
            ack(ws, a, c);
        }
        Opened o2 = fx.open(user);
        try (WsClient ws = o2.ws()) {
            assertThat(pushedIds(o2.notifications())).as("at least once: b again").containsExactly(b);
            ack(ws, b);
        }
        Opened o3 = fx.open(user);
        try (WsClient ws = o3.ws()) {
            assertThat(o3.notifications()).isEmpty();
            assertThat(o3.unreadCount()).isEqualTo(3);
        }
    }

    @Test
    void deletedNotifications_areNotPushedOnConnect() {
        long user = newUser();
        long gone = fx.sendOne(user, "gone");
        long kept = fx.sendOne(user, "kept");
        ok(fx.call("DELETE", BASE + "/" + gone, fx.userToken(user), null));
        Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(pushedIds(o.notifications())).containsExactly(kept);
        }
    }

    @Test
    void sync_pushesUndeliveredNewerThanSinceIdThenAcksWithTheUnreadCount() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            long a = fx.sendOne(user, "a");
            long b = fx.sendOne(user, "b");
            long c = fx.sendOne(user, "c");
            assertThat(awaitPushedIds(ws, 3)).as("the live pushes").containsExactly(a, b, c);
            ack(ws, b);

            String id = ws.send("sync", Map.of("since_id", a));
            List<JsonNode> before = new ArrayList<>();
            JsonNode reply;
            while (true) {
                JsonNode f = ws.next();
                if (id.equals(f.path("id").asText())) {
                    reply = f;
                    break;
                }
                before.add(f);
            }
            assertThat(pushedIds(before)).as("b was acked, a is not newer").containsExactly(c);
            assertThat(reply.get("type").asText()).isEqualTo("ack");
            assertThat(reply.at("/data/type").asText()).isEqualTo("sync");
            assertThat(reply.at("/data/synced").asInt()).isEqualTo(1);
            assertThat(reply.at("/data/count").asLong()).as("unread count").isEqualTo(3);
        }
    }

    @Test
    void sync_withoutSinceId_pushesEveryUndeliveredOldestFirst() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            long a = fx.sendOne(user, "a");
            long b = fx.sendOne(user, "b");
            assertThat(awaitPushedIds(ws, 2)).as("the live pushes").containsExactly(a, b);
            String id = ws.send("sync", Map.of());
            List<JsonNode> frames = new ArrayList<>();
            JsonNode f;
            while (!id.equals((f = ws.next()).path("id").asText())) {
                frames.add(f);
            }
            assertThat(pushedIds(frames)).containsExactly(a, b);
            assertThat(f.at("/data/synced").asInt()).isEqualTo(2);
            ack(ws, a, b);
            JsonNode empty = ws.request("sync", Map.of("since_id", 0));
            assertThat(empty.at("/data/synced").asInt()).isZero();
            assertThat(empty.at("/data/count").asLong()).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ retry

    @Test
    void retryUnsent_rePushesUnackedToOnlineUsersUpToThreeTimes() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            long id = fx.sendOne(user, "keep trying");
            assertThat(ws.awaitType("notification").at("/data/id").asLong()).isEqualTo(id);
            barrier(ws);
            awaitOnlineExactly(user);
            for (int round = 1; round <= 3; round++) {
                assertThat(retry(100).get("count").asInt()).as("round %d", round).isEqualTo(1);
                assertThat(awaitPushedIds(ws, 1)).as("round %d", round).containsExactly(id);
                assertThat(fx.detail(user, id).get("retry_count").asInt()).isEqualTo(round);
            }
            assertThat(retry(100).get("count").asInt()).as("after three retries").isZero();
            assertThat(pushedIds(barrier(ws))).isEmpty();
            assertThat(fx.detail(user, id).get("retry_count").asInt()).isEqualTo(3);
            assertThat(fx.detail(user, id).get("sent_via_websocket").asBoolean()).isFalse();

            // still delivered when the user syncs or reconnects
            JsonNode sync = ws.request("sync", Map.of());
            assertThat(sync.at("/data/synced").asInt()).isEqualTo(1);
        }
    }

    @Test
    void retryUnsent_skipsAcknowledgedOnesAndOfflineUsers() {
        long online = newUser();
        long offline = newUser();
        long offlineNote = fx.sendOne(offline, "waits");
        try (WsClient ws = fx.openEmpty(online)) {
            long acked = fx.sendOne(online, "acked");
            long unacked = fx.sendOne(online, "unacked");
            assertThat(awaitPushedIds(ws, 2)).as("the live pushes").containsExactly(acked, unacked);
            ack(ws, acked);
            awaitOnlineExactly(online);
            assertThat(retry(100).get("count").asInt()).isEqualTo(1);
            assertThat(awaitPushedIds(ws, 1)).containsExactly(unacked);
        }
        assertThat(fx.detail(offline, offlineNote).get("retry_count").asInt()).isZero();
    }

    @Test
    void retryUnsent_reachesOnlineUsersBehindABacklogForOfflineUsers() {
        long offline = newUser();
        for (int i = 0; i < 5; i++) {
            fx.sendOne(offline, "backlog " + i);
        }
        long online = newUser();
        try (WsClient ws = fx.openEmpty(online)) {
            long id = fx.sendOne(online, "newest, online");
            assertThat(awaitPushedIds(ws, 1)).as("the live push").containsExactly(id);
            awaitOnlineExactly(online);
            assertThat(retry(3).get("count").asInt()).isEqualTo(1);
            assertThat(awaitPushedIds(ws, 1)).containsExactly(id);
        }
    }

    @Test
    void retryUnsent_respectsTheLimit() {
        long user = newUser();
        try (WsClient ws = fx.openEmpty(user)) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(fx.sendOne(user, "n" + i));
            }
            assertThat(awaitPushedIds(ws, 4)).as("the live pushes").containsExactlyElementsOf(ids);
            awaitOnlineExactly(user);
            assertThat(retry(3).get("count").asInt()).isEqualTo(3);
            assertThat(awaitPushedIds(ws, 3)).as("oldest first").containsExactlyElementsOf(ids.subList(0, 3));
        }
    }

    // ------------------------------------------------------------------ read frames and unread_count

    @Test
    void readFrame_withIds_marksReadAndPushesTheCountToEveryConnection() {
        long user = newUser();
        long a = fx.sendOne(user, "a");
        long b = fx.sendOne(user, "b");
        long other = fx.sendOne(newUser(), "someone else's");
        try (WsClient tab1 = fx.open(user).ws(); WsClient tab2 = fx.open(user).ws()) {
            JsonNode r = tab1.request("read", Map.of("ids", List.of(a, a, other)));
            assertThat(r.get("type").asText()).isEqualTo("ack");
            assertThat(r.at("/data/type").asText()).isEqualTo("read");
            assertThat(r.at("/data/updated").asInt()).isEqualTo(1);
            assertThat(nextUnreadCount(tab1)).isEqualTo(1);
            assertThat(nextUnreadCount(tab2)).isEqualTo(1);
            assertThat(fx.detail(user, a).get("is_read").asBoolean()).isTrue();
            assertThat(fx.detail(user, b).get("is_read").asBoolean()).isFalse();
        }
    }

    @Test
    void readFrame_all_marksEverythingRead() {
        long user = newUser();
        fx.sendOne(user, "a");
        fx.sendOne(user, "b");
        try (WsClient ws = fx.open(user).ws()) {
            assertThat(ws.request("read", Map.of("all", true)).at("/data/updated").asInt()).isEqualTo(2);
            assertThat(nextUnreadCount(ws)).isZero();
            assertThat(fx.unreadCount(user)).isZero();
            assertThat(ws.request("read", Map.of("all", true)).at("/data/updated").asInt()).isZero();
        }
    }

    @Test
    void readFrame_ofAnotherUsersIds_changesNothing() {
        long user = newUser();
        long other = newUser();
        long theirs = fx.sendOne(other, "theirs");
        try (WsClient ws = fx.openEmpty(user)) {
            assertThat(ws.request("read", Map.of("ids", List.of(theirs))).at("/data/updated").asInt()).isZero();
            assertThat(ofType(barrier(ws), "unread_count")).as("nothing changed, nothing pushed").isEmpty();
        }
        assertThat(fx.unreadCount(other)).isEqualTo(1);
    }

    @Test
    void everyChangeOverHttp_pushesTheNewUnreadCountToAllConnectionsOfTheUser() {
        long user = newUser();
        long bystander = newUser();
        try (WsClient phone = fx.openEmpty(user); WsClient laptop = fx.openEmpty(user);
             WsClient other = fx.openEmpty(bystander)) {
            String token = fx.userToken(user);
            List<Long> ids = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                ids.add(fx.sendOne(user, "n" + i));
                assertThat(nextUnreadCount(phone)).isEqualTo(i);
                assertThat(nextUnreadCount(laptop)).isEqualTo(i);
            }
            ok(fx.post(BASE + "/" + ids.get(0) + "/read", token, null));
            assertBoth(phone, laptop, 5);
            ok(fx.post(BASE + "/batch-read", token, Map.of("ids", ids.subList(1, 3))));
            assertBoth(phone, laptop, 3);
            ok(fx.call("DELETE", BASE + "/" + ids.get(3), token, null));
            assertBoth(phone, laptop, 2);
            ok(fx.post(BASE + "/batch-delete", token, Map.of("ids", List.of(ids.get(4)))));
            assertBoth(phone, laptop, 1);
            ok(fx.post(BASE + "/read-all", token, null));
            assertBoth(phone, laptop, 0);
            assertThat(ofType(barrier(other), "unread_count")).as("another user's connection").isEmpty();
        }
    }

    private static void assertBoth(WsClient a, WsClient b, long count) {
        assertThat(nextUnreadCount(a)).isEqualTo(count);
        assertThat(nextUnreadCount(b)).isEqualTo(count);
    }

    @Test
    void aChangeThatChangesNothing_pushesNothing() {
        long user = newUser();
        long id = fx.sendOne(user, "read already");
        ok(fx.post(BASE + "/" + id + "/read", fx.userToken(user), null));
        Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(pushedIds(o.notifications())).containsExactly(id);
            ack(ws, id);
            ok(fx.post(BASE + "/" + id + "/read", fx.userToken(user), null));
            ok(fx.post(BASE + "/read-all", fx.userToken(user), null));
            assertThat(ofType(barrier(ws), "unread_count")).isEmpty();
        }
    }

    // ------------------------------------------------------------------ offline chat

    @Test
    void chatToAnOfflineUser_isKeptAsAMessageNotificationAndShownOnTheirNextConnect() {
        long sender = newUser();
        long recipient = newUser();
        fx.openEmpty(recipient).close(); // known (chats to unknown ids are refused), then offline
        try (WsClient ws = fx.openEmpty(sender)) {
            awaitOnlineExactly(sender);
            JsonNode ack = ws.request("chat", Map.of("to_user_id", recipient, "content", "are you there?"));
            assertThat(ack.at("/data/delivered").asBoolean()).isFalse();
            assertThat(ack.at("/data/stored").asBoolean()).isTrue();
        }
        Opened o = fx.open(recipient);
        try (WsClient ws = o.ws()) {
            assertThat(o.notifications()).hasSize(1);
            JsonNode n = o.notifications().get(0).get("data");
            assertThat(n.get("category").asText()).isEqualTo("message");
            assertThat(n.get("content").asText()).isEqualTo("are you there?");
            assertThat(n.get("title").asText()).contains(String.valueOf(sender));
            assertThat(n.at("/data/from_user_id").asLong()).isEqualTo(sender);
            assertThat(o.unreadCount()).isEqualTo(1);
            ack(ws, n.get("id").asLong());
        }
        assertThat(fx.getOk(BASE + "?category=message", recipient).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void chatToAnOnlineUser_isDeliveredLiveAndNotStored() {
        long sender = newUser();
        long recipient = newUser();
        try (WsClient from = fx.openEmpty(sender); WsClient to = fx.openEmpty(recipient)) {
            JsonNode ack = from.request("chat", Map.of("to_user_id", recipient, "content", "hi"));
            assertThat(ack.at("/data/delivered").asBoolean()).isTrue();
            assertThat(ack.at("/data/stored").asBoolean()).isFalse();
            assertThat(to.awaitType("chat").at("/data/content").asText()).isEqualTo("hi");
        }
        assertThat(fx.countRows("user_id = ?", recipient)).isZero();
    }
}
