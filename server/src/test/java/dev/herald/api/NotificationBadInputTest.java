package dev.herald.api;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.enc;
import static dev.herald.api.NotificationFixture.error;
import static dev.herald.api.NotificationFixture.invalid;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.Dialect;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.WsClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the inbox API and frames: each case answers a clear 4xx naming the field (422 with
 * {@code data.errors}) or 400 for a body that is not a JSON object — and stores or changes nothing.
 */
class NotificationBadInputTest {
    private static NotificationFixture fx;
    private long user;
    private long note;

    @BeforeAll
    static void startNode() {
        fx = NotificationFixture.start(Dialect.H2);
    }

    @AfterAll
    static void stopNode() {
        fx.close();
    }

    @BeforeEach
    void oneUserWithOneNotification() {
        user = newUser();
        note = fx.sendOne(user, "existing");
    }

    @AfterEach
    void nothingChanged() {
        assertThat(fx.countRows("user_id = ?", user)).as("rows of the user").isEqualTo(1);
        assertThat(fx.countRows("user_id = ? AND (is_read = TRUE OR deleted_at IS NOT NULL)", user))
                .as("read or deleted rows").isZero();
    }

    private Map<String, Object> valid() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_ids", List.of(user));
        m.put("title", "new");
        m.put("content", "body");
        return m;
    }

    private Map<String, Object> with(String field, Object value) {
        Map<String, Object> m = valid();
        m.put(field, value);
        return m;
    }

    private Response send(Object body) {
        return fx.post(BASE + "/send", TestServer.API_KEY, body);
    }

    private Response batchRead(Object body) {
        return fx.post(BASE + "/batch-read", fx.userToken(user), body);
    }

    private Response batchDelete(Object body) {
        return fx.post(BASE + "/batch-delete", fx.userToken(user), body);
    }

    private Response list(String query) {
        return fx.get(BASE + "?" + query, fx.userToken(user));
    }

    // ------------------------------------------------------------------ send

    @Test
    void send_unknownType_is422NamingType() {
        assertThat(invalid(send(with("type", "critical")), "type")).contains("info");
    }

    @Test
    void send_unknownCategory_is422NamingCategory() {
        assertThat(invalid(send(with("category", "spam")), "category")).contains("announcement");
    }

    @Test
    void send_typeInWrongCase_is422() {
        invalid(send(with("type", "INFO")), "type");
    }

    @Test
    void send_unknownLevel_is422NamingLevel() {
        invalid(send(with("level", "critical")), "level");
    }

    @Test
    void send_emptyTitle_is422NamingTitle() {
        invalid(send(with("title", "")), "title");
    }

    @Test
    void send_blankTitle_is422NamingTitle() {
        invalid(send(with("title", "   ")), "title");
    }

    @Test
    void send_missingTitle_is422NamingTitle() {
        Map<String, Object> m = valid();
        m.remove("title");
        invalid(send(m), "title");
    }

    @Test
    void send_titleOf256Characters_is422NamingTitle() {
        assertThat(invalid(send(with("title", "t".repeat(256))), "title")).contains("255");
    }

    @Test
    void send_titleOf255Characters_isAccepted() {
        long other = newUser();
        JsonNode r = ok(send(Map.of("user_ids", List.of(other), "title", "界".repeat(255), "content", "x")));
        assertThat(fx.detail(other, r.get("ids").get(0).asLong()).get("title").asText()).isEqualTo("界".repeat(255));
    }

    @Test
    void send_contentOver64KiB_is422NamingContent() {
        invalid(send(with("content", "c".repeat(64 * 1024 + 1))), "content");
    }

    @Test
    void send_contentOver64KiBOfUtf8_is422NamingContent() {
        // 30,000 three-byte characters: 90,000 bytes, well over 64 KiB although fewer characters
        invalid(send(with("content", "界".repeat(30_000))), "content");
    }

    @Test
    void send_contentOfExactly64KiB_isAccepted() {
        long other = newUser();
        String content = "c".repeat(64 * 1024);
        JsonNode r = ok(send(Map.of("user_ids", List.of(other), "title", "big", "content", content)));
        assertThat(fx.detail(other, r.get("ids").get(0).asLong()).get("content").asText()).isEqualTo(content);
    }

    @Test
    void send_titleAndTypeWrongKinds_are422NamingEachField() {
        Map<String, Object> m = valid();
        m.put("title", 12);
        m.put("type", List.of("info"));
        m.put("category", true);
        m.put("data", "not an object");
        Response r = send(m);
        invalid(r, "title");
        invalid(r, "type");
        invalid(r, "category");
        invalid(r, "data");
    }

    @Test
    void send_userIdsWithStrings_is422NamingUserIds() {
        invalid(send(with("user_ids", List.of(String.valueOf(user)))), "user_ids");
    }

    @Test
    void send_userIdsNegativeOrZero_is422NamingUserIds() {
        invalid(send(with("user_ids", List.of(user, -1))), "user_ids");
        invalid(send(with("user_ids", List.of(0))), "user_ids");
    }

    @Test
    void send_userIdsNotAnArray_is422NamingUserIds() {
        invalid(send(with("user_ids", user)), "user_ids");
    }

    @Test
    void send_userIdsWithDuplicates_storesOnePerUser() {
        long other = newUser();
        JsonNode r = ok(send(Map.of("user_ids", List.of(other, other, other), "title", "t", "content", "c")));
        assertThat(r.get("count").asInt()).isEqualTo(1);
        assertThat(fx.countRows("user_id = ?", other)).isEqualTo(1);
    }

    @Test
    void send_moreRecipientsThanAllowed_is422NamingUserIds() {
        List<Long> ids = new ArrayList<>();
        for (long i = 1; i <= 10_001; i++) {
            ids.add(5_000_000L + i);
        }
        invalid(send(with("user_ids", ids)), "user_ids");
        assertThat(fx.countRows("user_id > 5000000")).isZero();
    }

    @Test
    void send_actionTypeOver50Characters_is422() {
        invalid(send(with("action_type", "a".repeat(51))), "action_type");
    }

    @Test
    void send_idempotencyKeyTooLongOrEmpty_is422() {
        invalid(send(with("idempotency_key", "k".repeat(129))), "idempotency_key");
        invalid(send(with("idempotency_key", "")), "idempotency_key");
    }

    @Test
    void send_everyBadFieldAtOnce_isNamedTogether() {
        Response r = send(Map.of("user_ids", List.of("x"), "title", "", "content", "c", "type", "nope",
                "category", "nope", "level", "nope"));
        for (String f : List.of("user_ids", "title", "type", "category", "level")) {
            invalid(r, f);
        }
    }

    @Test
    void send_malformedJson_is400() {
        error(send("{\"user_ids\": [1], \"title\": "), 400);
        error(send("{'single': 'quotes'}"), 400);
    }

    @Test
    void send_bodyThatIsAnArray_is400() {
        error(send("[{\"user_ids\":[1],\"title\":\"t\",\"content\":\"c\"}]"), 400);
    }

    @Test
    void send_bodyThatIsAScalar_is400() {
        error(send("\"title\""), 400);
        error(send("42"), 400);
        error(send("null"), 400);
    }

    @Test
    void send_bodyOverTheHttpLimit_is413() {
        error(send(with("content", "c".repeat(1024 * 1024 + 10))), 413);
    }

    // ------------------------------------------------------------------ ids

    @Test
    void batchRead_idsWithStrings_is422NamingIds() {
        invalid(batchRead(Map.of("ids", List.of(String.valueOf(note)))), "ids");
        invalid(batchRead(Map.of("ids", List.of(note, "2"))), "ids");
    }

    @Test
    void batchDelete_idsWithStrings_is422NamingIds() {
        invalid(batchDelete(Map.of("ids", List.of("abc"))), "ids");
    }

    @Test
    void batchRead_negativeOrZeroIds_is422NamingIds() {
        invalid(batchRead(Map.of("ids", List.of(note, -1))), "ids");
        invalid(batchRead(Map.of("ids", List.of(0))), "ids");
    }

    @Test
    void batchDelete_negativeIds_is422NamingIds() {
        invalid(batchDelete(Map.of("ids", List.of(-note))), "ids");
    }

    @Test
    void batchRead_fractionalOrHugeIds_is422NamingIds() {
        invalid(batchRead("{\"ids\": [1.5]}"), "ids");
        invalid(batchRead("{\"ids\": [99999999999999999999999]}"), "ids");
    }

    @Test
    void batchRead_1001Ids_is422NamingIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(note);
        for (long i = 1; ids.size() < 1001; i++) {
            ids.add(800_000_000L + i);
        }
        assertThat(invalid(batchRead(Map.of("ids", ids)), "ids")).contains("1000");
    }

    @Test
    void batchDelete_1001Ids_is422NamingIds() {
        List<Long> ids = new ArrayList<>();
        ids.add(note);
        for (long i = 1; ids.size() < 1001; i++) {
            ids.add(800_000_000L + i);
        }
        invalid(batchDelete(Map.of("ids", ids)), "ids");
    }

    @Test
    void batchRead_missingEmptyOrNonArrayIds_is422NamingIds() {
        invalid(batchRead(Map.of()), "ids");
        invalid(batchRead(Map.of("ids", List.of())), "ids");
        invalid(batchRead(Map.of("ids", note)), "ids");
        invalid(batchRead(Map.of("ids", Map.of("0", note))), "ids");
    }

    @Test
    void batchRead_duplicateIds_areCountedOnce() {
        long other = fx.sendOne(user, "second");
        try {
            JsonNode r = ok(batchRead(Map.of("ids", List.of(other, other, other))));
            assertThat(r.get("updated").asInt()).isEqualTo(1);
        } finally {
            fx.update("DELETE FROM system_notifications WHERE id = ?", other); // keep the per-test check simple
        }
    }

    @Test
    void batchDelete_duplicateIds_areCountedOnce() {
        long other = fx.sendOne(user, "second");
        try {
            assertThat(ok(batchDelete(Map.of("ids", List.of(other, other)))).get("deleted").asInt()).isEqualTo(1);
        } finally {
            fx.update("DELETE FROM system_notifications WHERE id = ?", other);
        }
    }

    @Test
    void batchRead_malformedJson_is400() {
        error(batchRead("{\"ids\": [1,"), 400);
    }

    @Test
    void batchDelete_bodyThatIsAnArray_is400() {
        error(batchDelete("[" + note + "]"), 400);
    }

    @Test
    void readAll_bodyThatIsAnArray_is400() {
        error(fx.post(BASE + "/read-all", fx.userToken(user), "[]"), 400);
    }

    // ------------------------------------------------------------------ list parameters

    @Test
    void list_pageSizeZero_is422NamingPageSize() {
        invalid(list("page_size=0"), "page_size");
    }

    @Test
    void list_pageSize10000_is422NamingPageSize() {
        assertThat(invalid(list("page_size=10000"), "page_size")).contains("100");
    }

    @Test
    void list_pageSize101_is422AndPageSize100IsAccepted() {
        invalid(list("page_size=101"), "page_size");
        assertThat(ok(list("page_size=100")).get("page_size").asInt()).isEqualTo(100);
    }

    @Test
    void list_pageSizeNotANumber_is422NamingPageSize() {
        invalid(list("page_size=ten"), "page_size");
        invalid(list("page_size=-1"), "page_size");
        invalid(list("page_size=1.5"), "page_size");
    }

    @Test
    void list_pageZeroOrNegative_is422NamingPage() {
        invalid(list("page=0"), "page");
        invalid(list("page=-2"), "page");
        invalid(list("page=x"), "page");
    }

    @Test
    void list_malformedStartDate_is422NamingStartDate() {
        invalid(list("start_date=2024-13-01"), "start_date");
        invalid(list("start_date=yesterday"), "start_date");
        invalid(list("start_date=2024-02-30"), "start_date");
        invalid(list("start_date=01%2F02%2F2024"), "start_date");
    }

    @Test
    void list_malformedEndDate_is422NamingEndDate() {
        invalid(list("end_date=2024-1-5"), "end_date");
        invalid(list("end_date=" + enc("2024-01-31T25:00:00Z")), "end_date");
        invalid(list("end_date=20240131"), "end_date");
    }

    @Test
    void list_startDateAfterEndDate_is422NamingStartDate() {
        invalid(list("start_date=2024-02-01&end_date=2024-01-31"), "start_date");
    }

    @Test
    void list_unknownTypeOrCategoryFilter_is422NamingIt() {
        invalid(list("type=critical"), "type");
        invalid(list("category=spam"), "category");
    }

    @Test
    void list_isReadNotABoolean_is422NamingIsRead() {
        invalid(list("is_read=maybe"), "is_read");
    }

    @Test
    void list_keywordOver100Characters_is422NamingKeyword() {
        invalid(list("keyword=" + "k".repeat(101)), "keyword");
    }

    @Test
    void list_severalBadParameters_areNamedTogether() {
        Response r = list("page=0&page_size=0&is_read=x&type=x&category=x&start_date=x&end_date=y");
        for (String f : List.of("page", "page_size", "is_read", "type", "category", "start_date", "end_date")) {
            invalid(r, f);
        }
    }

    @Test
    void unread_limitOutOfRange_is422NamingLimit() {
        invalid(fx.get(BASE + "/unread?limit=0", fx.userToken(user)), "limit");
        invalid(fx.get(BASE + "/unread?limit=101", fx.userToken(user)), "limit");
        invalid(fx.get(BASE + "/unread?limit=abc", fx.userToken(user)), "limit");
    }

    @Test
    void retryUnsent_limitOutOfRange_is422NamingLimit() {
        invalid(fx.post(BASE + "/retry-unsent?limit=0", TestServer.API_KEY, null), "limit");
        invalid(fx.post(BASE + "/retry-unsent?limit=many", TestServer.API_KEY, null), "limit");
    }

    @Test
    void cleanup_daysOutOfRange_is422NamingDays() {
        invalid(fx.post(BASE + "/cleanup?days=0", TestServer.API_KEY, null), "days");
        invalid(fx.post(BASE + "/cleanup?days=-30", TestServer.API_KEY, null), "days");
    }

    @Test
    void unknownMethodOnAnInboxPath_is405() {
        error(fx.call("PUT", BASE + "/" + note, fx.userToken(user), "{}"), 405);
        error(fx.call("GET", BASE + "/send", fx.userToken(user), null), 404);
    }

    // ------------------------------------------------------------------ frames

    @Test
    void frames_badIdsInAckAndRead_getErrorFramesAndTheConnectionStaysOpen() {
        try (WsClient ws = fx.open(user).ws()) {
            assertError(ws.request("ack", Map.of("notification_ids", List.of("1"))), "invalid_field", "notification_ids");
            assertError(ws.request("ack", Map.of()), "missing_field", "notification_ids");
            assertError(ws.request("ack", Map.of("notification_ids", List.of(-1))), "invalid_field", "notification_ids");
            List<Long> many = new ArrayList<>();
            for (long i = 1; i <= 1001; i++) {
                many.add(i);
            }
            assertError(ws.request("ack", Map.of("notification_ids", many)), "invalid_field", "notification_ids");
            assertError(ws.request("read", Map.of("ids", List.of("x"))), "invalid_field", "ids");
            assertError(ws.request("read", Map.of()), "missing_field", "ids");
            assertError(ws.request("read", Map.of("all", "yes")), "invalid_field", "all");
            assertError(ws.request("sync", Map.of("since_id", -1)), "invalid_field", "since_id");
            assertError(ws.request("sync", Map.of("since_id", "5")), "invalid_field", "since_id");
            assertThat(ws.request("ping", Map.of()).get("type").asText()).isEqualTo("pong");
            assertThat(ws.isClosed()).isFalse();
        }
        assertThat(fx.detail(user, note).get("sent_via_websocket").asBoolean()).isFalse();
    }

    private static void assertError(JsonNode frame, String code, String field) {
        assertThat(frame.get("type").asText()).as("%s", frame).isEqualTo("error");
        assertThat(frame.at("/data/code").asText()).isEqualTo(code);
        assertThat(frame.at("/data/message").asText()).contains(field);
    }
}
