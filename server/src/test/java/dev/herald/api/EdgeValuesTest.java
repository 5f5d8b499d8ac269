package dev.herald.api;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.enc;
import static dev.herald.api.NotificationFixture.invalid;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.Dialect;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.WsClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Values some database cannot store or compare — a NUL character (PostgreSQL refuses it in text),
 * dates outside what every supported database holds (MariaDB's DATETIME spans years 1000–9999, and
 * {@code -999999999-01-01T00:00:00+18:00} is not even a Java instant) — answer 422 naming the field
 * on every database, are never stored, and never become a 500. Runs once per database on a real node.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Dialect.class)
class EdgeValuesTest {
    private static final String NUL = "\u0000";
    private static NotificationFixture fx;
    private long user;

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

    @BeforeEach
    void oneUserWithOneNotification() {
        user = newUser();
        fx.sendOne(user, "existing");
    }

    @AfterEach
    void nothingElseWasStored() {
        assertThat(fx.countRows("user_id = ?", user)).as("rows of the user").isEqualTo(1);
    }

    private Response send(String field, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(user));
        body.put("title", "t");
        body.put("content", "c");
        body.put(field, value);
        return fx.post(BASE + "/send", TestServer.API_KEY, body);
    }

    private Response list(String query) {
        return fx.get(BASE + "?" + query, fx.userToken(user));
    }

    @Test
    void nulInTitleOrContent_is422() {
        assertThat(invalid(send("title", "a" + NUL + "b"), "title")).contains("U+0000");
        assertThat(invalid(send("content", NUL), "content")).contains("U+0000");
        invalid(send("content", "line one\n" + NUL + "line two"), "content");
    }

    @Test
    void nulAnywhereInData_is422() {
        assertThat(invalid(send("data", Map.of("k", "v" + NUL)), "data")).contains("U+0000");
        invalid(send("data", Map.of("k" + NUL, "v")), "data");
        invalid(send("data", Map.of("deep", List.of(1, Map.of("x", List.of("ok", NUL))))), "data");
    }

    @Test
    void nulInOtherStoredStrings_is422() {
        invalid(send("action_type", "link" + NUL), "action_type");
        invalid(send("action_data", "/path" + NUL), "action_data");
        invalid(send("action_data", Map.of("url", NUL)), "action_data");
        invalid(send("idempotency_key", "k" + NUL), "idempotency_key");
    }

    @Test
    void nulInTheKeywordFilter_is422() {
        assertThat(invalid(list("keyword=" + enc("a" + NUL)), "keyword")).contains("U+0000");
        invalid(list("keyword=%00"), "keyword");
    }

    @Test
    void datesNoJavaInstantCanHold_are422() {
        invalid(list("start_date=" + enc("-999999999-01-01T00:00:00+18:00")), "start_date");
        invalid(list("end_date=" + enc("-999999999-01-01T00:00:00+18:00")), "end_date");
        invalid(list("start_date=" + enc("+999999999-12-31T23:59:59-18:00")), "start_date");
        invalid(list("end_date=" + enc("+999999999-12-31T23:59:59-18:00")), "end_date");
        invalid(list("end_date=" + enc("+999999999-12-31")), "end_date");
    }

    @Test
    void datesOutsideTheCommonRange_are422() {
        for (String day : List.of("0001-01-01", "0999-12-31", "1969-12-31", "9999-12-31", "1969-12-31T23:59:59Z")) {
            assertThat(invalid(list("start_date=" + enc(day)), "start_date")).as(day).contains("1970-01-01").contains("9999-12-30");
            invalid(list("end_date=" + enc(day)), "end_date");
        }
    }

    @Test
    void theFirstAndLastAcceptedDays_workOnEveryDatabase() {
        JsonNode all = ok(list("start_date=1970-01-01&end_date=9999-12-30"));
        assertThat(all.get("total").asLong()).isEqualTo(1);
        assertThat(ok(list("start_date=9999-12-30")).get("total").asLong()).isZero();
        assertThat(ok(list("end_date=1970-01-01")).get("total").asLong()).isZero();
        assertThat(ok(list("end_date=" + enc("9999-12-30T23:59:59-00:00"))).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void nulInChatContent_isAnInvalidFieldFrame() {
        try (WsClient ws = fx.server().connectQuiet(newUser())) {
            JsonNode reply = ws.request("chat", Map.of("to_user_id", user, "content", "hi" + NUL));
            assertThat(reply.get("type").asText()).as(reply.toString()).isEqualTo("error");
            assertThat(reply.at("/data/code").asText()).isEqualTo("invalid_field");
            assertThat(reply.at("/data/message").asText()).contains("content").contains("U+0000");
        }
    }
}
