package dev.herald.redis;

import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.protocol.OutboundFrames;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pub/sub envelope and the offset template, without Redis. */
class RedisEnvelopeTest {
    @Test
    void frame_roundTrips_withItsBytesUntouched() {
        byte[] frame = OutboundFrames.push("order", Map.of("text", "a|b\nc ünïcødé"));
        var d = RedisEnvelope.decode(RedisEnvelope.encode(new Message.Push("order", frame, 42, -1), "node-1"));
        assertThat(d.origin()).isEqualTo("node-1");
        Message.Push f = (Message.Push) d.message();
        assertThat(f.type()).isEqualTo("order");
        assertThat(f.bytes()).isEqualTo(frame);
        assertThat(f.excludeUserId()).isEqualTo(42);
        assertThat(f.offset()).isEqualTo(-1);
    }

    @Test
    void disconnectAndBind_roundTrip() {
        var d = RedisEnvelope.decode(RedisEnvelope.encode(new Message.Disconnect(4001, "disconnected by server"), "a"));
        assertThat(d.message()).isEqualTo(new Message.Disconnect(4001, "disconnected by server"));
        var b = RedisEnvelope.decode(RedisEnvelope.encode(new Message.Bind("a-1f", 7), "b"));
        assertThat(b.message()).isEqualTo(new Message.Bind("a-1f", 7));
        assertThat(b.origin()).isEqualTo("b");
    }

    @Test
    void channelEnvelope_asTheScriptWritesIt_decodesWithOffsetAndEpoch() {
        byte[] frame = OutboundFrames.publication("price", "prices", 17, Map.of("p", 1));
        String header = RedisEnvelope.channelHeaderStart("price", 0) + "17|0badcafe\n";
        byte[] bytes = new byte[header.length() + frame.length];
        System.arraycopy(header.getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, header.length());
        System.arraycopy(frame, 0, bytes, header.length(), frame.length);
        var d = RedisEnvelope.decode(bytes);
        assertThat(d.origin()).isEqualTo(RedisEnvelope.EVERY_NODE);
        assertThat(d.epoch()).isEqualTo("0badcafe");
        assertThat(((Message.Push) d.message()).offset()).isEqualTo(17);
        assertThat(((Message.Push) d.message()).bytes()).isEqualTo(frame);
    }

    @Test
    void oddFrameType_isLabelledCustom_andGarbageIsRejected() {
        var d = RedisEnvelope.decode(RedisEnvelope.encode(new Message.Push("a|b", new byte[] {'{', '}'}), "n"));
        assertThat(((Message.Push) d.message()).type()).isEqualTo("custom");
        assertThatThrownBy(() -> RedisEnvelope.decode("hello".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offsetTemplate_fillsTheOffsetWhereTheEncoderWroteIt() {
        Broker.ChannelFrameEncoder encoder = offset -> OutboundFrames.publication("m", "ch", offset, Map.of("x", 1));
        OffsetTemplate t = OffsetTemplate.of(encoder);
        assertThat(new String(t.fill(123), StandardCharsets.UTF_8))
                .isEqualTo(new String(encoder.encode(123), StandardCharsets.UTF_8));
    }

    @Test
    void offsetTemplate_dataContainingTheSentinelDigits_stillFindsTheOffset() {
        Broker.ChannelFrameEncoder encoder = offset -> OutboundFrames.publication("m", "ch", offset,
                Map.of("trap", "9087654321012345678"));
        OffsetTemplate t = OffsetTemplate.of(encoder);
        assertThat(t.fill(5)).isEqualTo(encoder.encode(5));
    }
}
