package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything malformed a client can send over an open WebSocket: each gets an {@code error} frame and
 * the connection stays usable, except frames past the hard limit and protocol violations, which close
 * it with a code. A bystander connection and a fresh connection keep working after every case.
 */
class BadFramesTest {
    static final int SOFT = 16 * 1024;
    static final int HARD = 64 * 1024;
    static TestServer server;
    static WsClient bystander;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("gateway.rate-limit", "100000", "gateway.max-frame-bytes", "16KiB",
                "gateway.hard-frame-bytes", "64KiB", "gateway.max-channels", "100"));
        bystander = server.connectQuiet(499);
    }

    @AfterEach
    void othersAreUndisturbed() {
        assertThat(bystander.answersPing()).as("bystander still served").isTrue();
        var r = server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":499,\"type\":\"probe\",\"data\":{}}");
        assertThat(r.data().get("is_online").asBoolean()).isTrue();
        assertThat(bystander.awaitType("probe")).isNotNull();
        server.assertServesFreshConnection();
    }

    @AfterAll
    static void stop() {
        bystander.close();
        server.close();
    }

    private static JsonNode errorFor(WsClient c, String raw) {
        c.sendRaw(raw);
        JsonNode f = c.awaitType("error");
        assertThat(f.at("/data/message").asText()).isNotBlank();
        return f;
    }

    @Test
    void invalidJson_getsInvalidJsonAndTheConnectionStays() {
        try (WsClient c = server.connectQuiet(401)) {
            for (String raw : new String[] {"{", "hello", "{\"type\":\"ping\"", "{\"type\":\"ping\"}}", "{\"type\":'ping'}"}) {
                JsonNode err = errorFor(c, raw);
                assertThat(err.at("/data/code").asText()).as(raw).isEqualTo("invalid_json");
                assertThat(err.has("id")).isFalse();
            }
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void arrayStringOrNumberInsteadOfAnObject_getsInvalidFrame() {
        try (WsClient c = server.connectQuiet(402)) {
            for (String raw : new String[] {"[]", "[{\"type\":\"ping\",\"id\":\"1\"}]", "\"ping\"", "42", "null", ""}) {
                assertThat(errorFor(c, raw).at("/data/code").asText()).as(raw).isEqualTo("invalid_frame");
            }
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void missingFields_areNamedAndTheReplyCarriesTheId() {
        try (WsClient c = server.connectQuiet(403)) {
            JsonNode noType = errorFor(c, "{\"id\":\"m1\",\"data\":{}}");
            assertThat(noType.get("id").asText()).isEqualTo("m1");
            assertThat(noType.at("/data/code").asText()).isEqualTo("missing_field");
            assertThat(noType.at("/data/message").asText()).contains("type");
            JsonNode reply = c.request("subscribe", Map.of());
            assertThat(reply.at("/data/code").asText()).isEqualTo("missing_field");
            assertThat(reply.at("/data/message").asText()).contains("channel");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void wronglyTypedFields_getInvalidField() {
        try (WsClient c = server.connectQuiet(404)) {
            assertThat(c.requestError("subscribe", Map.of("channel", 5))).isEqualTo("invalid_field");
            assertThat(c.requestError("subscribe", Map.of("channel", Map.of("x", 1)))).isEqualTo("invalid_field");
            JsonNode typeNotString = errorFor(c, "{\"type\":7,\"id\":\"t\"}");
            assertThat(typeNotString.at("/data/code").asText()).isEqualTo("invalid_field");
            assertThat(typeNotString.get("id").asText()).isEqualTo("t");
            JsonNode dataArray = errorFor(c, "{\"type\":\"ping\",\"id\":\"d\",\"data\":[1,2]}");
            assertThat(dataArray.at("/data/code").asText()).isEqualTo("invalid_field");
            assertThat(dataArray.get("id").asText()).isEqualTo("d");
            assertThat(errorFor(c, "{\"type\":\"ping\",\"id\":{\"a\":1}}").at("/data/code").asText()).isEqualTo("invalid_field");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void unknownType_getsUnknownType() {
        try (WsClient c = server.connectQuiet(405)) {
            JsonNode err = c.request("teleport", Map.of());
            assertThat(err.at("/data/code").asText()).isEqualTo("unknown_type");
            assertThat(err.at("/data/message").asText()).contains("teleport");
            JsonNode weird = c.request("x\u0000\u001b[31m" + "y".repeat(500), Map.of());
            assertThat(weird.at("/data/code").asText()).isEqualTo("unknown_type");
            assertThat(weird.at("/data/message").asText()).doesNotContain("\u0000", "\u001b").hasSizeLessThan(200);
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void binaryFrame_getsBinaryNotSupported() {
        try (WsClient c = server.connectQuiet(406)) {
            c.sendBinary(new byte[] {1, 2, 3});
            assertThat(c.awaitType("error").at("/data/code").asText()).isEqualTo("binary_not_supported");
            c.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(c.awaitType("error").at("/data/code").asText()).isEqualTo("binary_not_supported");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void frameOverTheSoftLimit_getsFrameTooLargeAndTheConnectionStays() {
        try (WsClient c = server.connectQuiet(407)) {
            String big = "{\"type\":\"chat\",\"data\":{\"to_user_id\":2,\"content\":\"" + "x".repeat(SOFT) + "\"}}";
            assertThat(big.length()).isBetween(SOFT + 1, HARD - 1);
            c.sendRaw(big.replace("{\"type\"", "{\"id\":\"big-1\",\"type\""));
            JsonNode err = c.awaitReply("big-1");
            assertThat(err.get("type").asText()).isEqualTo("error");
            assertThat(err.at("/data/code").asText()).isEqualTo("frame_too_large");
            assertThat(err.at("/data/message").asText()).contains(Integer.toString(SOFT));
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void frameOverTheHardLimit_closesWith1009() {
        try (WsClient c = server.connectQuiet(408)) {
            c.sendRaw("{\"type\":\"ping\",\"data\":{\"pad\":\"" + "x".repeat(HARD + 10) + "\"}}");
            WsClient.Close close = c.awaitClose(Duration.ofSeconds(5));
            assertThat(close.code()).isEqualTo(1009);
        }
        Await.until("user 408 gone", () -> !server.isOnline(408));
    }

    @Test
    void fragmentedMessageOverTheHardLimit_closesWith1009() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(409))) {
            assertThat(s.readJson(Duration.ofSeconds(5)).get("type").asText()).isEqualTo("init");
            byte[] chunk = "x".repeat(HARD / 4).getBytes(StandardCharsets.UTF_8);
            s.sendFrame(RawSocket.TEXT, false, chunk);
            for (int i = 0; i < 5; i++) {
                s.sendFrame(0x0, false, chunk);
            }
            RawSocket.Frame close = s.awaitClose(Duration.ofSeconds(5));
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void fragmentedMessageWithinTheLimit_isReassembled() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(410))) {
            s.awaitType("unread_count", Duration.ofSeconds(5));
            s.sendFrame(RawSocket.TEXT, false, "{\"type\":\"pi".getBytes(StandardCharsets.UTF_8));
            s.sendFrame(RawSocket.PING, true, new byte[] {9});
            s.sendFrame(0x0, true, "ng\",\"id\":\"f\"}".getBytes(StandardCharsets.UTF_8));
            RawSocket.Frame pong = s.readFrame(Duration.ofSeconds(5));
            assertThat(pong.opcode()).as("control frames may interleave").isEqualTo(RawSocket.PONG);
            assertThat(pong.payload()).containsExactly(9);
            JsonNode reply = s.readJson(Duration.ofSeconds(5));
            assertThat(reply.get("type").asText()).isEqualTo("pong");
            assertThat(reply.get("id").asText()).isEqualTo("f");
        }
    }

    @Test
    void invalidUtf8_closesWith1007() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(411))) {
            s.readJson(Duration.ofSeconds(5));
            s.sendFrame(RawSocket.TEXT, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
            RawSocket.Frame close = s.awaitClose(Duration.ofSeconds(5));
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void unmaskedClientFrame_closesWithAProtocolError() {
        try (RawSocket s = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(412))) {
            s.readJson(Duration.ofSeconds(5));
            byte[] payload = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[2 + payload.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) payload.length;
            System.arraycopy(payload, 0, frame, 2, payload.length);
            try {
                s.writeRaw(frame);
            } catch (IOException ignored) {
                // the server may already be gone
            }
            RawSocket.Frame close = s.awaitClose(Duration.ofSeconds(5));
            assertThat(close).isNotNull();
            assertThat(close.closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void thousandChannels_pastTheLimitGetTooManyChannels() {
        try (WsClient c = server.connectQuiet(413)) {
            String[] ids = new String[1000];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.send("subscribe", Map.of("channel", "many-" + i));
            }
            int acks = 0;
            int refused = 0;
            for (String id : ids) {
                JsonNode reply = c.awaitReply(id);
                if (reply.get("type").asText().equals("ack")) {
                    acks++;
                } else {
                    assertThat(reply.at("/data/code").asText()).isEqualTo("too_many_channels");
                    refused++;
                }
            }
            assertThat(acks).isEqualTo(100);
            assertThat(refused).isEqualTo(900);
            assertThat(c.answersPing()).isTrue();
            assertThat(c.request("unsubscribe", Map.of("channel", "many-0")).at("/data/subscribed").asBoolean()).isTrue();
            assertThat(c.request("subscribe", Map.of("channel", "many-500")).get("type").asText())
                    .as("a freed slot can be used again").isEqualTo("ack");
            server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"many-99\",\"data\":{}}");
            assertThat(c.awaitType("message").get("channel").asText()).isEqualTo("many-99");
        }
    }

    @Test
    void channelNamesWithControlCharactersOrTooLong_areRefused() {
        try (WsClient c = server.connectQuiet(414)) {
            for (String name : new String[] {"a\u0000b", "line\nbreak", "bell\u0007", "tab\tbed", "sp ace", "star*", ""}) {
                JsonNode err = c.request("subscribe", Map.of("channel", name));
                assertThat(err.at("/data/code").asText()).as("channel %s", name).isEqualTo("invalid_field");
                assertThat(err.at("/data/message").asText()).doesNotContain("\u0000", "\u0007");
            }
            String tenKb = "c".repeat(10 * 1024);
            JsonNode err = c.request("subscribe", Map.of("channel", tenKb));
            assertThat(err.at("/data/code").asText()).isEqualTo("invalid_field");
            assertThat(err.at("/data/message").asText()).hasSizeLessThan(200);
            assertThat(c.requestError("unsubscribe", Map.of("channel", "x\u0001"))).isEqualTo("invalid_field");
            assertThat(c.answersPing()).isTrue();
        }
        var api = server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"a\\u0000b\",\"data\":{}}");
        assertThat(api.status()).isEqualTo(422);
        assertThat(api.data().at("/errors/channel").asText()).isNotBlank();
    }

    @Test
    void deeplyNestedJson_isRefusedWithoutHarm() {
        try (WsClient c = server.connectQuiet(415)) {
            String deep = "{\"type\":\"ping\",\"data\":{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}}";
            assertThat(errorFor(c, deep).at("/data/code").asText()).isEqualTo("invalid_json");
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void everyBadFrameWithAnId_getsExactlyOneReply() {
        try (WsClient c = server.connectQuiet(416)) {
            Map<String, Object> bad = new HashMap<>();
            bad.put("channel", null);
            String a = c.send("subscribe", bad);
            String b = c.send("nope", Map.of());
            String d = c.send("chat", Map.of("to_user_id", 0, "content", "x"));
            for (String id : new String[] {a, b, d}) {
                assertThat(c.awaitReply(id).get("type").asText()).isEqualTo("error");
            }
            c.expectNoFrame(Duration.ofMillis(200));
        }
    }
}
