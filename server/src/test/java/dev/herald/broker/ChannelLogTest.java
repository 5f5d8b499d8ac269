package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelLogTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<Message.Push> delivered = new ArrayList<>();
    private final List<Topic> topics = new ArrayList<>();
    private final Broker.Sink sink = (topic, message) -> {
        topics.add(topic);
        return delivered.add((Message.Push) message);
    };

    private long append(ChannelLog log, long at) {
        return log.append(offset -> ("m" + offset).getBytes(StandardCharsets.UTF_8), at, sink, "news", "message", 0);
    }

    private static List<Long> offsets(Broker.History h) {
        return h.publications().stream().map(Broker.Publication::offset).toList();
    }

    @Test
    void offsets_growByOneAndEachPublicationIsDelivered() {
        ChannelLog log = new ChannelLog(10, 60 * SECOND);
        assertThat(log.position().offset()).isZero();
        assertThat(append(log, 0)).isEqualTo(1);
        assertThat(append(log, 0)).isEqualTo(2);
        assertThat(append(log, 0)).isEqualTo(3);
        assertThat(log.position().offset()).isEqualTo(3);
        assertThat(delivered).extracting(Message.Push::offset).containsExactly(1L, 2L, 3L);
        assertThat(delivered).extracting(f -> new String(f.bytes(), StandardCharsets.UTF_8)).containsExactly("m1", "m2", "m3");
        assertThat(delivered).allSatisfy(f -> assertThat(f.type()).isEqualTo("message"));
        assertThat(topics).containsOnly(new Topic.Channel("news"));
    }

    @Test
    void since_replaysWhatCameAfter() {
        ChannelLog log = new ChannelLog(10, 60 * SECOND);
        for (int i = 0; i < 5; i++) {
            append(log, 0);
        }
        Broker.History h = log.since(2, null, 0);
        assertThat(h.recovered()).isTrue();
        assertThat(h.offset()).isEqualTo(5);
        assertThat(offsets(h)).containsExactly(3L, 4L, 5L);
        assertThat(new String(h.publications().get(0).frame(), StandardCharsets.UTF_8)).isEqualTo("m3");
        assertThat(offsets(log.since(0, null, 0))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(log.since(5, null, 0).recovered()).isTrue();
        assertThat(log.since(5, null, 0).publications()).isEmpty();
    }

    @Test
    void sinceAnOffsetThatFellOutOfTheCapacity_isNotRecovered() {
        ChannelLog log = new ChannelLog(3, 60 * SECOND);
        for (int i = 0; i < 6; i++) {
            append(log, 0);
        }
        assertThat(offsets(log.since(3, null, 0))).containsExactly(4L, 5L, 6L);
        Broker.History gone = log.since(2, null, 0);
        assertThat(gone.recovered()).isFalse();
        assertThat(gone.publications()).isEmpty();
        assertThat(gone.offset()).isEqualTo(6);
    }

    @Test
    void expiredEntries_areNotRecovered() {
        ChannelLog log = new ChannelLog(100, 10 * SECOND);
        append(log, 0);
        append(log, 0);
        append(log, 8 * SECOND);
        Broker.History partly = log.since(1, null, 11 * SECOND);
        assertThat(partly.recovered()).as("entry 2 expired").isFalse();
        assertThat(offsets(log.since(2, null, 11 * SECOND))).containsExactly(3L);
        assertThat(log.expire(30 * SECOND)).isTrue();
        assertThat(log.since(2, null, 30 * SECOND).recovered()).isFalse();
        assertThat(log.since(3, null, 30 * SECOND).recovered()).as("nothing was missed").isTrue();
    }

    @Test
    void sinceAnOffsetFromTheFuture_isNotRecovered() {
        ChannelLog log = new ChannelLog(10, 60 * SECOND);
        append(log, 0);
        assertThat(log.since(7, null, 0).recovered()).isFalse();
    }

    @Test
    void anotherEpoch_isNotRecovered() {
        ChannelLog log = new ChannelLog(10, 60 * SECOND);
        append(log, 0);
        append(log, 0);
        String epoch = log.position().epoch();
        assertThat(epoch).matches("[0-9a-f]{8}");
        assertThat(log.since(1, epoch, 0).recovered()).isTrue();
        assertThat(log.since(1, "deadbeef", 0).recovered()).isFalse();
        assertThat(new ChannelLog(10, SECOND).position().epoch()).isNotEqualTo(epoch);
    }

    @Test
    void zeroCapacity_keepsOffsetsButNoHistory() {
        ChannelLog log = new ChannelLog(0, 60 * SECOND);
        append(log, 0);
        append(log, 0);
        assertThat(log.position().offset()).isEqualTo(2);
        assertThat(log.since(1, null, 0).recovered()).isFalse();
        assertThat(log.since(2, null, 0).recovered()).isTrue();
        assertThat(delivered).hasSize(2);
    }
}
