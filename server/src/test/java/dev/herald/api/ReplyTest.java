package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.i18n.Language;
import dev.herald.i18n.Messages;
import dev.herald.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An error reply is written once, in the language it goes out in, and its bytes are exactly what
 * writing it in English and then translating the written JSON gave before (parse, replace
 * {@code message} and the reasons of {@code data.errors}, write again): for every message of the
 * catalogue, as a message and as a reason, in every language.
 */
class ReplyTest {
    private static final int[] STATUSES = {400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503};

    /** Every English message of the catalogue, its varying parts filled (with field names, numbers, text to escape). */
    private static List<String> messages() {
        List<String> out = new ArrayList<>();
        String nested = Messages.get().bundle(Language.EN).values().stream().filter(t -> !t.contains("{"))
                .findFirst().orElseThrow();
        for (String template : Messages.get().bundle(Language.EN).values()) {
            out.add(fill(template, "title", "255", "a \"quoted\" <b>&</b> 名字\n"));
            if (template.contains("{0}")) {
                out.add(fill(template, nested, "0", "x"));
            }
        }
        out.add("a message no template has");
        return out;
    }

    private static String fill(String template, String... parts) {
        String s = template;
        for (int i = 0; i < 10; i++) {
            s = s.replace("{" + i + "}", parts[Math.min(i, parts.length - 1)]);
        }
        return s;
    }

    /** The reply as written before: the envelope in English, all at once (a map, by the mapper). */
    private static byte[] english(int status, String message, Object data) throws Exception {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("code", status);
        envelope.put("message", message);
        envelope.put("data", data);
        return Json.MAPPER.writeValueAsBytes(envelope);
    }

    /** What {@code Reply.in} made of the English bytes before: read back, translated, written again. */
    private static byte[] translatedAfterwards(byte[] english, Language language) throws Exception {
        if (language == Language.EN) {
            return english;
        }
        JsonNode root = Json.MAPPER.readTree(english);
        if (!(root instanceof ObjectNode envelope) || !envelope.path("message").isTextual()) {
            return english;
        }
        envelope.put("message", Messages.localize(envelope.get("message").asText(), language));
        if (envelope.path("data").path("errors") instanceof ObjectNode errors) {
            errors.properties().forEach(e -> {
                if (e.getValue().isTextual()) {
                    e.setValue(errors.textNode(Messages.localize(e.getValue().asText(), language)));
                }
            });
        }
        return Json.MAPPER.writeValueAsBytes(envelope);
    }

    private static void assertSameAsBefore(Reply reply, int status, String message, Object data) throws Exception {
        byte[] english = english(status, message, data);
        for (Language language : Language.values()) {
            Reply localized = reply.in(language);
            assertThat(localized.status()).isEqualTo(status);
            assertThat(localized.contentType()).isEqualTo(Reply.JSON);
            assertThat(new String(localized.body(), StandardCharsets.UTF_8))
                    .as("%d %s in %s", status, message, language)
                    .isEqualTo(new String(translatedAfterwards(english, language), StandardCharsets.UTF_8));
        }
        assertThat(reply.body()).as("the English body, asked for again").isEqualTo(english);
    }

    @Test
    void everyMessage_asTheMessage_isTheSameBytesAsBefore_inEveryLanguage() throws Exception {
        List<String> messages = messages();
        assertThat(messages).hasSizeGreaterThan(150);
        int i = 0;
        for (String message : messages) {
            int status = STATUSES[i++ % STATUSES.length];
            assertSameAsBefore(Reply.error(new ApiException(status, message)), status, message, null);
        }
    }

    @Test
    void everyMessage_asAReason_isTheSameBytesAsBefore_inEveryLanguage() throws Exception {
        Map<String, String> reasons = new LinkedHashMap<>();
        int field = 0;
        for (String message : messages()) {
            reasons.put("field_" + field++, message);
        }
        ApiException e = new ApiException(422, "validation failed", reasons);
        assertSameAsBefore(Reply.error(e), 422, "validation failed", Map.of("errors", e.errors()));
    }

    @Test
    void otherEnvelopes_areTheSameBytesAsBefore() throws Exception {
        Map<String, Object> notReady = new LinkedHashMap<>();
        notReady.put("status", "not_ready");
        notReady.put("not_ready", List.of("database", "redis 10.0.0.12:6379/0"));
        assertSameAsBefore(Reply.envelope(503, "not ready: database", notReady), 503, "not ready: database", notReady);
        Map<String, Object> notAMap = new LinkedHashMap<>();
        notAMap.put("errors", List.of("validation failed"));
        assertSameAsBefore(Reply.envelope(422, "validation failed", notAMap), 422, "validation failed", notAMap);
        assertSameAsBefore(Reply.envelope(400, null, Map.of("errors", Map.of("a", "must not be empty"))), 400, null,
                Map.of("errors", Map.of("a", "must not be empty")));
        Map<String, Object> ok = Map.of("status", "validation failed");
        assertSameAsBefore(Reply.ok(ok), 200, "success", ok);
    }

    @Test
    void anErrorReply_isWrittenOnce_inTheLanguageItGoesOutIn() {
        AtomicInteger written = new AtomicInteger();
        Object data = new Object() {
            @JsonValue
            Map<String, Object> value() {
                written.incrementAndGet();
                return Map.of("status", "not_ready");
            }
        };
        Reply zh = Reply.envelope(503, "validation failed", data);
        assertThat(written).as("written before its language is known").hasValue(0);
        Reply out = zh.in(Language.ZH_CN);
        out.body();
        out.body();
        assertThat(written).as("written once, in Chinese").hasValue(1);
        assertThat(new String(out.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":503,\"message\":\"校验失败\",\"data\":{\"status\":\"not_ready\"}}");

        written.set(0);
        Reply en = Reply.envelope(503, "validation failed", data).in(Language.EN);
        en.body();
        en.body();
        assertThat(written).as("written once, in English").hasValue(1);
    }

    @Test
    void aChineseReply_isChinese() {
        Reply zh = Reply.error(new ApiException(422, "validation failed", Map.of("content", "must not be empty")))
                .in(Language.ZH_CN);
        assertThat(new String(zh.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"code\":422,\"message\":\"校验失败\",\"data\":{\"errors\":{\"content\":\"不能为空\"}}}");
    }
}
