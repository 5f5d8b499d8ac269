package dev.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundFramesTest {
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void push_hasTypeThenData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("a", 1);
        data.put("b", "é");
        assertThat(text(OutboundFrames.push("notification", data))).isEqualTo("{\"type\":\"notification\",\"data\":{\"a\":1,\"b\":\"é\"}}");
        assertThat(text(OutboundFrames.push("x", null))).isEqualTo("{\"type\":\"x\",\"data\":{}}");
    }

    @Test
    void init_andUnreadCount_areWhatTheGeneralEncodingWrites() {
        Map<String, Object> bound = new LinkedHashMap<>();
        bound.put("client_id", "c\"1");
        bound.put("user_id", 42L);
        bound.put("heartbeat_interval", 25000L);
        bound.put("server_time", 1700000000123L);
        assertThat(text(OutboundFrames.init("c\"1", 42, 25000, 1700000000123L))).isEqualTo(text(OutboundFrames.push("init", bound)));
        Map<String, Object> unbound = new LinkedHashMap<>(bound);
        unbound.remove("user_id");
        assertThat(text(OutboundFrames.init("c\"1", 0, 25000, 1700000000123L))).isEqualTo(text(OutboundFrames.push("init", unbound)));
        for (long count : new long[] {0, 7, Long.MAX_VALUE}) {
            assertThat(text(OutboundFrames.unreadCount(count))).isEqualTo(text(OutboundFrames.push("unread_count", Map.of("count", count))));
        }
    }

    @Test
    void reply_echoesTheIdWhenThereIsOne() {
        assertThat(text(OutboundFrames.reply("pong", "c1", Map.of("timestamp", 5)))).isEqualTo("{\"type\":\"pong\",\"id\":\"c1\",\"data\":{\"timestamp\":5}}");
        assertThat(text(OutboundFrames.reply("pong", null, Map.of()))).isEqualTo("{\"type\":\"pong\",\"data\":{}}");
    }

    @Test
    void publication_carriesChannelAndOffsetAtTopLevel() {
        assertThat(text(OutboundFrames.publication("data_update", "orders", 17, Map.of("k", "v"))))
                .isEqualTo("{\"type\":\"data_update\",\"channel\":\"orders\",\"offset\":17,\"data\":{\"k\":\"v\"}}");
    }

    @Test
    void error_hasCodeAndMessage() throws Exception {
        assertThat(Json.MAPPER.readTree(OutboundFrames.error("i", ErrorCode.UNKNOWN_TYPE, "nope")))
                .isEqualTo(Json.MAPPER.readTree("{\"type\":\"error\",\"id\":\"i\",\"data\":{\"code\":\"unknown_type\",\"message\":\"nope\"}}"));
        assertThat(text(OutboundFrames.error("i", ErrorCode.UNKNOWN_TYPE, "nope"))).startsWith("{\"type\":\"error\",\"id\":\"i\",\"data\":{");
    }

    @Test
    void channelName_acceptsTheDocumentedAlphabetOnly() {
        assertThat(ChannelName.problem("orders")).isNull();
        assertThat(ChannelName.problem("private-team_1:a.b@c=d/e")).isNull();
        assertThat(ChannelName.problem("x".repeat(ChannelName.MAX_LENGTH))).isNull();
        assertThat(ChannelName.problem(null)).contains("empty");
        assertThat(ChannelName.problem("")).contains("empty");
        assertThat(ChannelName.problem("x".repeat(ChannelName.MAX_LENGTH + 1))).contains("at most");
        for (String bad : new String[] {"a b", "a\nb", "a\u0000b", "a\tb", "a*", "ö", "a#b", "a\u202eb"}) {
            assertThat(ChannelName.problem(bad)).as(bad).isNotNull();
        }
    }
}
