package dev.herald.api;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.enc;
import static dev.herald.api.NotificationFixture.error;
import static dev.herald.api.NotificationFixture.ids;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import dev.herald.store.Dialect;
import dev.herald.testing.Concurrently;
import dev.herald.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * Every endpoint of {@code /admin/system/notifications…} over real HTTP against a real node, once
 * per database (embedded H2, PostgreSQL, MariaDB; one fresh database and node per run of the class).
 * Each test works on users no other test touched.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Dialect.class)
class NotificationApiTest {
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

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ send

    @Test
    void send_toOneUser_storesTheRecordWithEveryField() {
        long user = newUser();
        JsonNode sent = fx.send(body("user_ids", List.of(user), "title", "Export ready", "content", "Click to download",
                "type", "success", "category", "task", "data", Map.of("task_id", 42, "tags", List.of("a", "b")),
                "action_type", "link", "action_data", "/exports/42"));
        assertThat(sent.get("count").asInt()).isEqualTo(1);
        assertThat(sent.get("duplicate").asBoolean()).isFalse();
        assertThat(sent.get("pushed").asInt()).as("recipient offline").isZero();
        long id = sent.get("ids").get(0).asLong();

        JsonNode n = fx.detail(user, id);
        assertThat(n.get("id").asLong()).isEqualTo(id);
        assertThat(n.get("user_id").asLong()).isEqualTo(user);
        assertThat(n.get("title").asText()).isEqualTo("Export ready");
        assertThat(n.get("content").asText()).isEqualTo("Click to download");
        assertThat(n.get("type").asText()).isEqualTo("success");
        assertThat(n.get("category").asText()).isEqualTo("task");
        assertThat(n.get("data")).isEqualTo(Json.MAPPER.valueToTree(Map.of("task_id", 42, "tags", List.of("a", "b"))));
        assertThat(n.get("action_type").asText()).isEqualTo("link");
        assertThat(n.get("action_data").asText()).isEqualTo("/exports/42");
        assertThat(n.get("is_read").asBoolean()).isFalse();
        assertThat(n.get("read_at").isNull()).isTrue();
        assertThat(n.get("sent_via_websocket").asBoolean()).isFalse();
        assertThat(n.get("sent_at").isNull()).isTrue();
        assertThat(n.get("retry_count").asInt()).isZero();
        OffsetDateTime created = OffsetDateTime.parse(n.get("created_at").asText());
        assertThat(created.toInstant()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(5));
        assertThat(OffsetDateTime.parse(n.get("updated_at").asText())).isEqualTo(created);
        assertThat(n.has("deleted_at")).isFalse();
    }

    @Test
    void send_withoutTypeOrCategory_defaultsToInfoAndSystem() {
        long user = newUser();
        long id = fx.sendOne(user, "plain");
        JsonNode n = fx.detail(user, id);
        assertThat(n.get("type").asText()).isEqualTo("info");
        assertThat(n.get("category").asText()).isEqualTo("system");
        assertThat(n.get("data").isNull()).isTrue();
        assertThat(n.get("action_type").isNull()).isTrue();
        assertThat(n.get("action_data").isNull()).isTrue();
    }

    @Test
    void send_everyTypeAndCategory_isAccepted() {
        long user = newUser();
        for (String type : List.of("info", "success", "warning", "error", "task", "system")) {
            for (String category : List.of("system", "task", "message", "reminder", "announcement")) {
                fx.sendOne(user, type + "/" + category, Map.of("type", type, "category", category));
            }
        }
        JsonNode stats = fx.getOk(BASE + "/statistics", user);
        assertThat(stats.get("total").asLong()).isEqualTo(30);
        stats.get("by_type").forEach(v -> assertThat(v.asLong()).isEqualTo(5));
        assertThat(stats.get("by_type").size()).isEqualTo(6);
        stats.get("by_category").forEach(v -> assertThat(v.asLong()).isEqualTo(6));
        assertThat(stats.get("by_category").size()).isEqualTo(5);
    }

    @Test
    void send_actionDataAsJsonObject_isKeptAsItsJsonText() {
        long user = newUser();
        long id = fx.sendOne(user, "open order", Map.of("action_type", "route",
                "action_data", Map.of("path", "/orders/7")));
        JsonNode n = fx.detail(user, id);
        assertThat(n.get("action_type").asText()).isEqualTo("route");
        JsonNode expected = Json.MAPPER.valueToTree(Map.of("path", "/orders/7"));
        assertThat(readTree(n.get("action_data").asText())).isEqualTo(expected);
    }

    @Test
    void send_toManyUsers_storesOnePerDistinctRecipient() {
        long a = newUser();
        long b = newUser();
        long c = newUser();
        JsonNode sent = fx.send(body("user_ids", List.of(a, b, c, a, b), "title", "team", "content", "standup"));
        assertThat(sent.get("count").asInt()).isEqualTo(3);
        assertThat(sent.get("ids")).hasSize(3);
        for (long u : List.of(a, b, c)) {
            JsonNode list = fx.getOk(BASE, u).get("list");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("title").asText()).isEqualTo("team");
            assertThat(sent.get("ids").toString()).contains(list.get(0).get("id").asText());
        }
    }

    @Test
    void send_withEmptyUserIds_reachesEveryKnownUser() {
        long connectedOnly = newUser();
        fx.open(connectedOnly).ws().close(); // known by connecting, never a recipient before
        long recipient = newUser();
        fx.sendOne(recipient, "makes the recipient known");
        long known = fx.scalar("SELECT COUNT(*) FROM known_users");
        long before = fx.countRows("title = ?", "to everyone");

        JsonNode sent = fx.send(body("user_ids", List.of(), "title", "to everyone", "content", "maintenance tonight",
                "category", "announcement"));

        assertThat(sent.get("count").asLong()).isEqualTo(known);
        assertThat(fx.countRows("title = ?", "to everyone") - before).isEqualTo(known);
        assertThat(fx.scalar("SELECT COUNT(DISTINCT user_id) FROM system_notifications WHERE title = ?", "to everyone"))
                .isEqualTo(known);
        for (long u : List.of(connectedOnly, recipient)) {
            assertThat(fx.getOk(BASE + "?category=announcement", u).get("total").asLong()).isEqualTo(1);
        }

        JsonNode absent = fx.send(body("title", "to everyone again", "content", "no user_ids at all"));
        assertThat(absent.get("count").asLong()).as("absent user_ids = every known user").isEqualTo(known);
    }

    @Test
    void send_levelNormal_isStoredButNotPushed() {
        long user = newUser();
        try (var ws = fx.openEmpty(user)) {
            JsonNode sent = fx.send(body("user_ids", List.of(user), "title", "quiet", "content", "x", "level", "normal"));
            assertThat(sent.get("count").asInt()).isEqualTo(1);
            assertThat(sent.get("pushed").asInt()).isZero();
            assertThat(NotificationFixture.pushedIds(NotificationFixture.barrier(ws))).isEmpty();
            assertThat(fx.unreadCount(user)).isEqualTo(1);
        }
    }

    @Test
    void send_levelUrgent_reportsTheOnlineRecipientsPushedTo() {
        long online = newUser();
        long offline = newUser();
        try (var ws = fx.openEmpty(online)) {
            JsonNode sent = fx.send(body("user_ids", List.of(online, offline), "title", "loud", "content", "x",
                    "level", "urgent"));
            assertThat(sent.get("count").asInt()).isEqualTo(2);
            assertThat(sent.get("pushed").asInt()).isEqualTo(1);
            assertThat(ws.awaitType("notification").at("/data/title").asText()).isEqualTo("loud");
        }
    }

    @Test
    void send_byAdminToken_isAllowed() {
        long user = newUser();
        JsonNode sent = ok(fx.post(BASE + "/send", fx.adminToken(newUser()),
                body("user_ids", List.of(user), "title", "from an admin", "content", "x")));
        assertThat(sent.get("count").asInt()).isEqualTo(1);
        assertThat(fx.unreadCount(user)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void send_idempotencyKeyReplayed_returnsTheFirstResultAsDuplicateAndStoresNothing() {
        long a = newUser();
        long b = newUser();
        String key = "order-7-shipped-" + dialect + "-" + a;
        JsonNode first = fx.send(body("user_ids", List.of(a, b), "title", "shipped", "content", "x",
                "idempotency_key", key));
        assertThat(first.get("duplicate").asBoolean()).isFalse();
        assertThat(first.get("count").asInt()).isEqualTo(2);

        JsonNode again = fx.send(body("user_ids", List.of(a, b), "title", "shipped", "content", "x",
                "idempotency_key", key));
        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.get("count").asInt()).isEqualTo(2);
        assertThat(again.get("ids")).isEqualTo(first.get("ids"));
        assertThat(again.get("pushed").asInt()).isZero();

        // even with other recipients and content, a replay stores nothing new
        long c = newUser();
        JsonNode changed = fx.send(body("user_ids", List.of(c), "title", "different", "content", "y",
                "idempotency_key", key));
        assertThat(changed.get("duplicate").asBoolean()).isTrue();
        assertThat(changed.get("ids")).isEqualTo(first.get("ids"));
        assertThat(fx.countRows("user_id IN (?, ?, ?)", a, b, c)).isEqualTo(2);
    }

    @Test
    void send_idempotencyKeys_areCaseSensitiveAndIndependent() {
        long user = newUser();
        fx.sendOne(user, "one", Map.of("idempotency_key", "Key-" + user));
        fx.sendOne(user, "two", Map.of("idempotency_key", "key-" + user));
        fx.sendOne(user, "three", Map.of("idempotency_key", "other-" + user));
        fx.sendOne(user, "no key");
        fx.sendOne(user, "no key");
        assertThat(fx.countRows("user_id = ?", user)).isEqualTo(5);
    }

    @Test
    void send_sameIdempotencyKeyConcurrently_storesExactlyOneNotification() throws Exception {
        int threads = 8;
        for (int round = 0; round < 3; round++) {
            long user = newUser();
            String key = "concurrent-" + user;
            String payload = NotificationFixture.json(body("user_ids", List.of(user), "title", "once",
                    "content", "x", "idempotency_key", key));
            List<TestServer.Response> responses = Concurrently.call(threads,
                    i -> fx.server().api("POST", BASE + "/send", payload));
            int originals = 0;
            Set<String> idLists = new HashSet<>();
            for (TestServer.Response response : responses) {
                JsonNode data = ok(response);
                assertThat(data.get("count").asInt()).isEqualTo(1);
                idLists.add(data.get("ids").toString());
                if (!data.get("duplicate").asBoolean()) {
                    originals++;
                }
            }
            assertThat(originals).as("calls that stored").isEqualTo(1);
            assertThat(idLists).as("every call reports the same notification").hasSize(1);
            assertThat(fx.countRows("user_id = ?", user)).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ list and filters

    /** Six notifications of one user: types, categories, read states and texts to filter on. */
    private record Inbox(long user, long welcome, long invoice, long report, long reminder, long alert, long chat) {}

    private static Inbox inbox() {
        long u = newUser();
        long welcome = fx.sendOne(u, "Welcome aboard", Map.of("content", "Glad to have you", "type", "success",
                "category", "system"));
        long invoice = fx.sendOne(u, "Invoice #12 paid", Map.of("content", "Amount 100% settled", "type", "info",
                "category", "task"));
        long report = fx.sendOne(u, "Weekly report", Map.of("content", "file_name: report_v2.pdf", "type", "task",
                "category", "task"));
        long reminder = fx.sendOne(u, "Meeting at 10", Map.of("content", "Don't be late", "type", "warning",
                "category", "reminder"));
        long alert = fx.sendOne(u, "Disk almost FULL", Map.of("content", "95 percent used", "type", "error",
                "category", "system"));
        long chat = fx.sendOne(u, "Message from Ann", Map.of("content", "see the \"quoted\" part", "type", "info",
                "category", "message"));
        ok(fx.post(BASE + "/batch-read", fx.userToken(u), Map.of("ids", List.of(welcome, report))));
        return new Inbox(u, welcome, invoice, report, reminder, alert, chat);
    }

    private static JsonNode list(long user, String query) {
        return fx.getOk(BASE + (query.isEmpty() ? "" : "?" + query), user);
    }

    @Test
    void list_withoutFilters_returnsEverythingNewestFirstWithTotalAndPaging() {
        Inbox in = inbox();
        JsonNode page = list(in.user, "");
        assertThat(page.get("total").asLong()).isEqualTo(6);
        assertThat(page.get("page").asInt()).isEqualTo(1);
        assertThat(page.get("page_size").asInt()).isEqualTo(20);
        assertThat(ids(page.get("list"))).containsExactly(in.chat, in.alert, in.reminder, in.report, in.invoice, in.welcome);
    }

    @Test
    void list_pageAndPageSize_slicePagesAndKeepTheTotal() {
        Inbox in = inbox();
        JsonNode p1 = list(in.user, "page=1&page_size=4");
        JsonNode p2 = list(in.user, "page=2&page_size=4");
        JsonNode p3 = list(in.user, "page=3&page_size=4");
        assertThat(ids(p1.get("list"))).containsExactly(in.chat, in.alert, in.reminder, in.report);
        assertThat(ids(p2.get("list"))).containsExactly(in.invoice, in.welcome);
        assertThat(p3.get("list")).isEmpty();
        for (JsonNode p : List.of(p1, p2, p3)) {
            assertThat(p.get("total").asLong()).isEqualTo(6);
            assertThat(p.get("page_size").asInt()).isEqualTo(4);
        }
        assertThat(p2.get("page").asInt()).isEqualTo(2);
        assertThat(list(in.user, "page_size=100").get("list")).hasSize(6);
        assertThat(list(in.user, "page_size=1&page=6").get("list").get(0).get("id").asLong()).isEqualTo(in.welcome);
    }

    @Test
    void list_isReadFilter_splitsReadAndUnread() {
        Inbox in = inbox();
        JsonNode read = list(in.user, "is_read=true");
        assertThat(ids(read.get("list"))).containsExactly(in.report, in.welcome);
        assertThat(read.get("total").asLong()).isEqualTo(2);
        read.get("list").forEach(n -> assertThat(n.get("read_at").isNull()).isFalse());
        assertThat(ids(list(in.user, "is_read=false").get("list")))
                .containsExactly(in.chat, in.alert, in.reminder, in.invoice);
        assertThat(ids(list(in.user, "is_read=1").get("list"))).containsExactly(in.report, in.welcome);
        assertThat(list(in.user, "is_read=0").get("total").asLong()).isEqualTo(4);
    }

    @Test
    void list_typeAndCategoryFilters_matchExactlyAndCombine() {
        Inbox in = inbox();
        assertThat(ids(list(in.user, "type=info").get("list"))).containsExactly(in.chat, in.invoice);
        assertThat(ids(list(in.user, "category=task").get("list"))).containsExactly(in.report, in.invoice);
        assertThat(ids(list(in.user, "category=system&type=error").get("list"))).containsExactly(in.alert);
        assertThat(ids(list(in.user, "category=task&is_read=false").get("list"))).containsExactly(in.invoice);
        assertThat(list(in.user, "type=system").get("total").asLong()).isZero();
        assertThat(list(in.user, "category=announcement").get("list")).isEmpty();
    }

    @Test
    void list_keyword_matchesTitleOrContentIgnoringCase() {
        Inbox in = inbox();
        assertThat(ids(list(in.user, "keyword=report").get("list"))).containsExactly(in.report);
        assertThat(ids(list(in.user, "keyword=FULL").get("list"))).containsExactly(in.alert);
        assertThat(ids(list(in.user, "keyword=full").get("list"))).containsExactly(in.alert);
        assertThat(ids(list(in.user, "keyword=glad").get("list"))).containsExactly(in.welcome);
        assertThat(ids(list(in.user, "keyword=" + enc("e")).get("list"))).hasSize(6);
        assertThat(list(in.user, "keyword=nothing-like-this").get("total").asLong()).isZero();
        assertThat(ids(list(in.user, "keyword=" + enc("   ")).get("list"))).as("blank = no keyword").hasSize(6);
        assertThat(ids(list(in.user, "keyword=report&is_read=false").get("list"))).isEmpty();
    }

    @Test
    void list_keywordWithWildcardsAndQuotes_matchesLiterallyAndInjectsNothing() {
        Inbox in = inbox();
        // % and _ are ordinary characters
        assertThat(ids(list(in.user, "keyword=" + enc("100%")).get("list"))).containsExactly(in.invoice);
        assertThat(list(in.user, "keyword=" + enc("%")).get("total").asLong()).isEqualTo(1);
        assertThat(ids(list(in.user, "keyword=" + enc("file_name")).get("list"))).containsExactly(in.report);
        assertThat(ids(list(in.user, "keyword=" + enc("_")).get("list"))).containsExactly(in.report);
        assertThat(list(in.user, "keyword=" + enc("Amount 100_")).get("total").asLong()).as("_ is not any character").isZero();
        assertThat(list(in.user, "keyword=" + enc("Amount%settled")).get("total").asLong()).as("% is not any text").isZero();
        // quotes, escape characters and SQL are text
        assertThat(ids(list(in.user, "keyword=" + enc("Don't")).get("list"))).containsExactly(in.reminder);
        assertThat(ids(list(in.user, "keyword=" + enc("\"quoted\"")).get("list"))).containsExactly(in.chat);
        for (String attack : List.of("' OR '1'='1", "x'; DROP TABLE system_notifications; --", "\\", "\\%", "!", "!%",
                "' OR 1=1 --", "\") OR (\"\"=\"", "%' OR user_id > 0 OR title LIKE '%")) {
            JsonNode page = list(in.user, "keyword=" + enc(attack));
            assertThat(page.get("total").asLong()).as("keyword %s", attack).isZero();
        }
        assertThat(list(in.user, "").get("total").asLong()).as("table still there").isEqualTo(6);
        assertThat(fx.scalar("SELECT COUNT(*) FROM system_notifications WHERE user_id = ?", in.user)).isEqualTo(6);
    }

    @Test
    void list_keywordWithSpecialCharacters_findsTitlesContainingThem() {
        long u = newUser();
        long pct = fx.sendOne(u, "50% off", Map.of("content", "sale"));
        long under = fx.sendOne(u, "snake_case name", Map.of("content", "code"));
        long quote = fx.sendOne(u, "O'Brien's note", Map.of("content", "x"));
        long bang = fx.sendOne(u, "Wow!", Map.of("content", "x"));
        long slash = fx.sendOne(u, "C:\\path\\file", Map.of("content", "x"));
        fx.sendOne(u, "500 off", Map.of("content", "snakeXcase"));
        assertThat(ids(list(u, "keyword=" + enc("50%")).get("list"))).containsExactly(pct);
        assertThat(ids(list(u, "keyword=" + enc("e_c")).get("list"))).containsExactly(under);
        assertThat(ids(list(u, "keyword=" + enc("O'Brien's")).get("list"))).containsExactly(quote);
        assertThat(ids(list(u, "keyword=" + enc("!")).get("list"))).containsExactly(bang);
        assertThat(ids(list(u, "keyword=" + enc("\\path\\")).get("list"))).containsExactly(slash);
    }

    @Test
    void list_dateRange_includesWholeUtcDaysOnCreatedAt() {
        long u = newUser();
        long jan10 = fx.sendOne(u, "jan 10");
        long jan15 = fx.sendOne(u, "jan 15");
        long jan15late = fx.sendOne(u, "jan 15 late");
        long jan20 = fx.sendOne(u, "jan 20");
        fx.backdate(jan10, Instant.parse("2024-01-10T12:00:00Z"));
        fx.backdate(jan15, Instant.parse("2024-01-15T00:00:00Z"));
        fx.backdate(jan15late, Instant.parse("2024-01-15T23:59:59.999Z"));
        fx.backdate(jan20, Instant.parse("2024-01-20T08:00:00Z"));

        assertThat(ids(list(u, "start_date=2024-01-15&end_date=2024-01-15").get("list")))
                .containsExactly(jan15late, jan15);
        assertThat(ids(list(u, "start_date=2024-01-11").get("list"))).containsExactly(jan20, jan15late, jan15);
        assertThat(ids(list(u, "end_date=2024-01-14").get("list"))).containsExactly(jan10);
        assertThat(ids(list(u, "start_date=2024-01-10&end_date=2024-01-20").get("list"))).hasSize(4);
        assertThat(list(u, "start_date=2024-01-16&end_date=2024-01-19").get("total").asLong()).isZero();
        // an ISO time with offset counts as its UTC day: 2024-01-16T01:00+08:00 is 2024-01-15 UTC
        assertThat(ids(list(u, "start_date=" + enc("2024-01-16T01:00:00+08:00") + "&end_date=2024-01-15")
                .get("list"))).containsExactly(jan15late, jan15);
        assertThat(ids(list(u, "start_date=2024-01-15&end_date=2024-01-15&keyword=late").get("list")))
                .containsExactly(jan15late);
    }

    // ------------------------------------------------------------------ unread, count, statistics, detail

    @Test
    void unread_listsOnlyUnreadNewestFirstUpToLimit() {
        Inbox in = inbox();
        JsonNode all = list(in.user, "").get("list");
        assertThat(all).hasSize(6);
        assertThat(ids(fx.getOk(BASE + "/unread", in.user).get("list")))
                .containsExactly(in.chat, in.alert, in.reminder, in.invoice);
        assertThat(ids(fx.getOk(BASE + "/unread?limit=2", in.user).get("list"))).containsExactly(in.chat, in.alert);
        assertThat(ids(fx.getOk(BASE + "/unread?limit=100", in.user).get("list"))).hasSize(4);
        fx.getOk(BASE + "/unread", in.user).get("list")
                .forEach(n -> assertThat(n.get("is_read").asBoolean()).isFalse());
    }

    @Test
    void unread_defaultLimitIsTen() {
        long u = newUser();
        for (int i = 0; i < 12; i++) {
            fx.sendOne(u, "n" + i);
        }
        assertThat(fx.getOk(BASE + "/unread", u).get("list")).hasSize(10);
        assertThat(fx.unreadCount(u)).isEqualTo(12);
    }

    @Test
    void unreadCount_countsUnreadNotDeleted() {
        Inbox in = inbox();
        assertThat(fx.unreadCount(in.user)).isEqualTo(4);
        ok(fx.call("DELETE", BASE + "/" + in.alert, fx.userToken(in.user), null));
        assertThat(fx.unreadCount(in.user)).isEqualTo(3);
        assertThat(fx.unreadCount(newUser())).isZero();
    }

    @Test
    void statistics_countTotalsReadUnreadByTypeAndByCategory() {
        Inbox in = inbox();
        JsonNode s = fx.getOk(BASE + "/statistics", in.user);
        assertThat(s.get("total").asLong()).isEqualTo(6);
        assertThat(s.get("unread").asLong()).isEqualTo(4);
        assertThat(s.get("read").asLong()).isEqualTo(2);
        assertThat(s.get("by_type")).isEqualTo(Json.MAPPER.valueToTree(
                Map.of("success", 1, "info", 2, "task", 1, "warning", 1, "error", 1)));
        assertThat(s.get("by_category")).isEqualTo(Json.MAPPER.valueToTree(
                Map.of("system", 2, "task", 2, "reminder", 1, "message", 1)));

        JsonNode empty = fx.getOk(BASE + "/statistics", newUser());
        assertThat(empty.get("total").asLong()).isZero();
        assertThat(empty.get("by_type")).isEmpty();
        assertThat(empty.get("by_category")).isEmpty();
    }

    @Test
    void detail_ofAMissingOrDeletedId_is404() {
        long u = newUser();
        long id = fx.sendOne(u, "soon gone");
        assertThat(fx.detail(u, id).get("title").asText()).isEqualTo("soon gone");
        ok(fx.call("DELETE", BASE + "/" + id, fx.userToken(u), null));
        error(fx.get(BASE + "/" + id, fx.userToken(u)), 404);
        error(fx.get(BASE + "/999999999", fx.userToken(u)), 404);
        error(fx.get(BASE + "/not-a-number", fx.userToken(u)), 404);
        error(fx.get(BASE + "/-5", fx.userToken(u)), 404);
    }

    // ------------------------------------------------------------------ changes

    @Test
    void markRead_one_setsReadAtAndLowersTheCount() {
        long u = newUser();
        long id = fx.sendOne(u, "read me");
        fx.sendOne(u, "other");
        JsonNode r = ok(fx.post(BASE + "/" + id + "/read", fx.userToken(u), null));
        assertThat(r.get("id").asLong()).isEqualTo(id);
        assertThat(r.get("is_read").asBoolean()).isTrue();
        assertThat(r.get("updated").asInt()).isEqualTo(1);
        JsonNode n = fx.detail(u, id);
        assertThat(n.get("is_read").asBoolean()).isTrue();
        Instant readAt = OffsetDateTime.parse(n.get("read_at").asText()).toInstant();
        assertThat(readAt).isAfterOrEqualTo(OffsetDateTime.parse(n.get("created_at").asText()).toInstant());
        assertThat(fx.unreadCount(u)).isEqualTo(1);

        JsonNode again = ok(fx.post(BASE + "/" + id + "/read", fx.userToken(u), null));
        assertThat(again.get("updated").asInt()).as("already read").isZero();
        assertThat(fx.detail(u, id).get("read_at").asText()).as("first read time kept").isEqualTo(n.get("read_at").asText());
        error(fx.post(BASE + "/999999999/read", fx.userToken(u), null), 404);
    }

    @Test
    void batchRead_marksTheListedOnesCountingEachOnce() {
        long u = newUser();
        long a = fx.sendOne(u, "a");
        long b = fx.sendOne(u, "b");
        long c = fx.sendOne(u, "c");
        JsonNode r = ok(fx.post(BASE + "/batch-read", fx.userToken(u), Map.of("ids", List.of(a, b, a, 999999999L))));
        assertThat(r.get("updated").asInt()).isEqualTo(2);
        assertThat(fx.detail(u, a).get("is_read").asBoolean()).isTrue();
        assertThat(fx.detail(u, c).get("is_read").asBoolean()).isFalse();
        assertThat(ok(fx.post(BASE + "/batch-read", fx.userToken(u), Map.of("ids", List.of(a, b, c))))
                .get("updated").asInt()).isEqualTo(1);
        assertThat(fx.unreadCount(u)).isZero();
    }

    @Test
    void batchRead_thousandIds_isAccepted() {
        long u = newUser();
        long id = fx.sendOne(u, "among many");
        List<Long> ids = new ArrayList<>();
        ids.add(id);
        for (long i = 1; ids.size() < 1000; i++) {
            ids.add(900_000_000L + i);
        }
        assertThat(ok(fx.post(BASE + "/batch-read", fx.userToken(u), Map.of("ids", ids))).get("updated").asInt())
                .isEqualTo(1);
        assertThat(ok(fx.post(BASE + "/batch-delete", fx.userToken(u), Map.of("ids", ids))).get("deleted").asInt())
                .isEqualTo(1);
    }

    @Test
    void readAll_marksEveryUnreadOfTheUserOnly() {
        long u = newUser();
        long other = newUser();
        for (int i = 0; i < 5; i++) {
            fx.sendOne(u, "n" + i);
        }
        fx.sendOne(other, "not mine");
        assertThat(ok(fx.post(BASE + "/read-all", fx.userToken(u), null)).get("updated").asInt()).isEqualTo(5);
        assertThat(fx.unreadCount(u)).isZero();
        assertThat(fx.unreadCount(other)).isEqualTo(1);
        assertThat(ok(fx.post(BASE + "/read-all", fx.userToken(u), Map.of())).get("updated").asInt()).isZero();
    }

    @Test
    void delete_one_hidesItEverywhereAndKeepsTheRowSoftDeleted() {
        long u = newUser();
        long id = fx.sendOne(u, "bye");
        long keep = fx.sendOne(u, "stay");
        JsonNode r = ok(fx.call("DELETE", BASE + "/" + id, fx.userToken(u), null));
        assertThat(r.get("id").asLong()).isEqualTo(id);
        assertThat(r.get("deleted").asInt()).isEqualTo(1);
        assertThat(ids(list(u, "").get("list"))).containsExactly(keep);
        assertThat(ids(fx.getOk(BASE + "/unread", u).get("list"))).containsExactly(keep);
        assertThat(fx.getOk(BASE + "/statistics", u).get("total").asLong()).isEqualTo(1);
        assertThat(fx.countRows("id = ? AND deleted_at IS NOT NULL", id)).as("soft delete").isEqualTo(1);
        error(fx.call("DELETE", BASE + "/" + id, fx.userToken(u), null), 404);
        error(fx.post(BASE + "/" + id + "/read", fx.userToken(u), null), 404);
    }

    @Test
    void batchDelete_deletesTheListedOnesCountingEachOnce() {
        long u = newUser();
        long a = fx.sendOne(u, "a");
        long b = fx.sendOne(u, "b");
        long c = fx.sendOne(u, "c");
        JsonNode r = ok(fx.post(BASE + "/batch-delete", fx.userToken(u), Map.of("ids", List.of(a, b, b, 999999999L))));
        assertThat(r.get("deleted").asInt()).isEqualTo(2);
        assertThat(ids(list(u, "").get("list"))).containsExactly(c);
        assertThat(ok(fx.post(BASE + "/batch-delete", fx.userToken(u), Map.of("ids", List.of(a, b))))
                .get("deleted").asInt()).isZero();
    }

    @Test
    void clearRead_deletesOnlyReadOnes() {
        Inbox in = inbox();
        JsonNode r = ok(fx.post(BASE + "/clear-read", fx.userToken(in.user), null));
        assertThat(r.get("deleted").asInt()).isEqualTo(2);
        assertThat(ids(list(in.user, "").get("list"))).containsExactly(in.chat, in.alert, in.reminder, in.invoice);
        assertThat(fx.unreadCount(in.user)).isEqualTo(4);
        assertThat(ok(fx.post(BASE + "/clear-read", fx.userToken(in.user), null)).get("deleted").asInt()).isZero();
    }

    // ------------------------------------------------------------------ admin: acting for a user

    @Test
    void apiKeyAndAdminToken_actOnTheNamedUser() {
        Inbox in = inbox();
        String key = TestServer.API_KEY;
        String admin = fx.adminToken(newUser());
        for (String auth : List.of(key, admin)) {
            assertThat(ok(fx.get(BASE + "?user_id=" + in.user, auth)).get("total").asLong()).isEqualTo(6);
            assertThat(ok(fx.get(BASE + "/unread-count?user_id=" + in.user, auth)).get("count").asLong()).isEqualTo(4);
            assertThat(ok(fx.get(BASE + "/unread?user_id=" + in.user, auth)).get("list")).hasSize(4);
            assertThat(ok(fx.get(BASE + "/statistics?user_id=" + in.user, auth)).get("total").asLong()).isEqualTo(6);
            assertThat(ok(fx.get(BASE + "/" + in.alert + "?user_id=" + in.user, auth)).get("id").asLong()).isEqualTo(in.alert);
        }
        ok(fx.post(BASE + "/" + in.alert + "/read?user_id=" + in.user, key, null));
        assertThat(ok(fx.post(BASE + "/batch-read", key, Map.of("user_id", in.user, "ids", List.of(in.chat))))
                .get("updated").asInt()).isEqualTo(1);
        assertThat(fx.unreadCount(in.user)).isEqualTo(2);
        assertThat(ok(fx.post(BASE + "/read-all", admin, Map.of("user_id", in.user))).get("updated").asInt()).isEqualTo(2);
        assertThat(ok(fx.post(BASE + "/batch-delete", key, Map.of("user_id", in.user, "ids", List.of(in.welcome))))
                .get("deleted").asInt()).isEqualTo(1);
        assertThat(ok(fx.call("DELETE", BASE + "/" + in.report + "?user_id=" + in.user, admin, null))
                .get("deleted").asInt()).isEqualTo(1);
        assertThat(ok(fx.post(BASE + "/clear-read", key, Map.of("user_id", in.user))).get("deleted").asInt()).isEqualTo(4);
        assertThat(fx.getOk(BASE, in.user).get("total").asLong()).isZero();
    }

    @Test
    void adminToken_withoutUserId_actsOnItsOwnInbox() {
        long adminUser = newUser();
        fx.sendOne(adminUser, "for the admin");
        assertThat(ok(fx.get(BASE, fx.adminToken(adminUser))).get("total").asLong()).isEqualTo(1);
        assertThat(ok(fx.get(BASE + "/unread-count", fx.adminToken(adminUser))).get("count").asLong()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ jobs on demand

    @Test
    void retryUnsent_withNobodyOnline_pushesNothingAndCountsNoRetry() {
        long u = newUser();
        long id = fx.sendOne(u, "waits for the user");
        JsonNode r = ok(fx.post(BASE + "/retry-unsent?limit=100", TestServer.API_KEY, null));
        assertThat(r.get("count").isIntegralNumber()).isTrue();
        assertThat(fx.detail(u, id).get("retry_count").asInt()).as("offline: not pushed, not counted").isZero();
        assertThat(ok(fx.post(BASE + "/retry-unsent", fx.adminToken(newUser()), null)).has("count")).isTrue();
    }

    @Test
    void cleanup_removesReadNotificationsOlderThanTheGivenDays() {
        long u = newUser();
        long oldRead = fx.sendOne(u, "old read");
        long oldUnread = fx.sendOne(u, "old unread");
        long newRead = fx.sendOne(u, "new read");
        long oldDeleted = fx.sendOne(u, "old deleted");
        long newUnread = fx.sendOne(u, "new unread");
        ok(fx.post(BASE + "/batch-read", fx.userToken(u), Map.of("ids", List.of(oldRead, newRead))));
        ok(fx.call("DELETE", BASE + "/" + oldDeleted, fx.userToken(u), null));
        Instant old = Instant.now().minus(Duration.ofDays(45));
        fx.backdate(oldRead, old);
        fx.backdate(oldUnread, old);
        fx.update("UPDATE system_notifications SET deleted_at = ? WHERE id = ?", fx.dialect().timestamp(old), oldDeleted);
        fx.backdate(oldDeleted, old);
        long totalBefore = fx.scalar("SELECT COUNT(*) FROM system_notifications");

        JsonNode r = ok(fx.post(BASE + "/cleanup?days=30", TestServer.API_KEY, null));

        assertThat(r.get("days").asInt()).isEqualTo(30);
        long totalAfter = fx.scalar("SELECT COUNT(*) FROM system_notifications");
        assertThat(r.get("count").asLong()).isEqualTo(totalBefore - totalAfter);
        assertThat(fx.countRows("id = ?", oldRead)).as("old read: removed for good").isZero();
        assertThat(fx.countRows("id = ?", oldDeleted)).as("old soft-deleted: removed for good").isZero();
        assertThat(fx.countRows("id = ?", oldUnread)).as("unread is never removed").isEqualTo(1);
        assertThat(fx.countRows("id = ?", newRead)).as("recent read is kept").isEqualTo(1);
        assertThat(fx.countRows("id = ?", newUnread)).isEqualTo(1);
        assertThat(ok(fx.post(BASE + "/cleanup?days=30", TestServer.API_KEY, null)).get("count").asLong()).isZero();
        assertThat(ok(fx.post(BASE + "/cleanup", TestServer.API_KEY, null)).get("days").asInt()).as("default").isEqualTo(30);
    }

    private static JsonNode readTree(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }
}
