package dev.herald.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import dev.herald.testing.SseClient;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real requests against a real server: the {@code message} of an envelope, the reasons in
 * {@code data.errors} and the {@code message} of an {@code error} frame follow Accept-Language;
 * {@code code}, field names and {@code data.code} do not.
 */
class AcceptLanguageTest {
    static TestServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "100000"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode call(String method, String path, String auth, String body, String acceptLanguage, int status)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", "Bearer " + auth);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (acceptLanguage != null) {
            b.header("Accept-Language", acceptLanguage);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void validationFailuresInBothLanguages() throws Exception {
        String body = "{\"user_ids\":[1],\"title\":\"" + "x".repeat(300) + "\",\"content\":\"\",\"type\":\"nope\"}";
        String path = "/admin/system/notifications/send";
        JsonNode en = call("POST", path, TestServer.API_KEY, body, "en-US,en;q=0.9", 422);
        JsonNode zh = call("POST", path, TestServer.API_KEY, body, "zh-CN,zh;q=0.9,en;q=0.8", 422);
        JsonNode none = call("POST", path, TestServer.API_KEY, body, null, 422);

        assertThat(en.get("message").asText()).isEqualTo("validation failed");
        assertThat(zh.get("message").asText()).isEqualTo("校验失败");
        assertThat(none).isEqualTo(en);
        assertThat(zh.get("code").asInt()).isEqualTo(422);
        assertThat(zh.at("/data/errors").fieldNames()).toIterable()
                .containsExactlyInAnyOrderElementsOf(() -> en.at("/data/errors").fieldNames());
        assertThat(en.at("/data/errors/title").asText()).isEqualTo("must be at most 255 characters");
        assertThat(zh.at("/data/errors/title").asText()).isEqualTo("最多 255 个字符");
        assertThat(en.at("/data/errors/content").asText()).isEqualTo("must not be empty");
        assertThat(zh.at("/data/errors/content").asText()).isEqualTo("不能为空");
        assertThat(zh.at("/data/errors/type").asText()).startsWith("必须是以下之一：").contains("info", "success", "system");
    }

    @Test
    void qValuesChooseTheLanguage() throws Exception {
        String path = "/no/such/endpoint";
        assertThat(call("GET", path, null, null, "en;q=0.4, zh-CN;q=0.8", 404).get("message").asText())
                .isEqualTo("没有这个接口：/no/such/endpoint");
        assertThat(call("GET", path, null, null, "zh-CN;q=0.3, en;q=0.8", 404).get("message").asText())
                .isEqualTo("no such endpoint: /no/such/endpoint");
        assertThat(call("GET", path, null, null, "fr-FR, de", 404).get("message").asText())
                .isEqualTo("no such endpoint: /no/such/endpoint");
    }

    @Test
    void authenticationAndNotFound() throws Exception {
        JsonNode zh = call("GET", "/admin/system/notifications/unread-count", "not-a-credential", null, "zh-CN", 401);
        assertThat(zh.get("message").asText()).isEqualTo("该凭据既不是已知的 API 密钥，也不是 JWT");
        JsonNode en = call("GET", "/admin/system/notifications/999999999", server.token(5), null, "en", 404);
        JsonNode zhMissing = call("GET", "/admin/system/notifications/999999999", server.token(5), null, "zh-CN", 404);
        assertThat(en.get("message").asText()).isEqualTo("notification not found");
        assertThat(zhMissing.get("message").asText()).isEqualTo("未找到通知");
    }

    @Test
    void errorFramesOnTheWebSocketFollowTheUpgradeRequest() {
        try (WsClient zh = WsClient.open(server.wsUrl(server.token(7)), Map.of("Accept-Language", "zh-CN,zh;q=0.9"));
             WsClient en = WsClient.open(server.wsUrl(server.token(8)), Map.of("Accept-Language", "en-GB"))) {
            zh.awaitType("init");
            en.awaitType("init");
            zh.sendRaw("{not json");
            en.sendRaw("{not json");
            JsonNode zhError = zh.awaitType("error");
            JsonNode enError = en.awaitType("error");
            assertThat(zhError.at("/data/code").asText()).isEqualTo("invalid_json").isEqualTo(enError.at("/data/code").asText());
            assertThat(enError.at("/data/message").asText()).isEqualTo("the frame is not valid JSON");
            assertThat(zhError.at("/data/message").asText()).isEqualTo("帧不是有效的 JSON");

            zh.sendRaw("{\"type\":\"subscribe\",\"data\":{}}");
            assertThat(zh.awaitType("error").at("/data/message").asText()).isEqualTo("channel 为必填项");
        }
    }

    @Test
    void refusedUpgradesAndStreamsToo() throws Exception {
        JsonNode zh = call("GET", "/ws", null, null, "zh-CN", 400);
        assertThat(zh.get("message").asText()).isEqualTo("这是 WebSocket 端点；请使用 WebSocket 客户端连接");
        try (SseClient sse = SseClient.open(server.port(), "/sse?token=" + server.token(9) + "&user_id=10",
                Map.of("Accept-Language", "zh-CN"))) {
            assertThat(sse.status()).isEqualTo(403);
            assertThat(sse.body().get("message").asText()).isEqualTo("user_id 与令牌的主体不一致");
        }
    }
}
