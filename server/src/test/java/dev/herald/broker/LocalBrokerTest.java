package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Concurrently;
import dev.herald.testing.TestTicker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LocalBrokerTest {
    record Delivery(Topic topic, Message message) {}

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final TestTicker ticker = new TestTicker();

    private LocalBroker broker(int size, Duration ttl) {
        LocalBroker b = new LocalBroker(size, ttl, ticker);
        b.start((topic, message) -> deliveries.add(new Delivery(topic, message)));
        return b;
    }

    private static <T> T now(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void publish_goesStraightToTheSink() {
        LocalBroker b = broker(10, Duration.ofMinutes(1));
        Message.Push f = new Message.Push("notification", "{}".getBytes(StandardCharsets.UTF_8));
        now(b.publish(new Topic.User(3), f));
        now(b.publish(Topic.ALL, new Message.Disconnect(4001, "bye")));
        assertThat(deliveries).containsExactly(new Delivery(new Topic.User(3), f),
                new Delivery(Topic.ALL, new Message.Disconnect(4001, "bye")));
        assertThat(b.healthy()).isTrue();
    }

    @Test
    void publish_answersWhetherTheSinkHadAReceiver() {
        LocalBroker b = new LocalBroker(10, Duration.ofMinutes(1));
        b.start((topic, message) -> topic.equals(new Topic.User(3)));
        Message.Push f = new Message.Push("notification", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(now(b.publish(new Topic.User(3), f))).isTrue();
        assertThat(now(b.publish(new Topic.User(4), f))).isFalse();
    }

    @Test
    void channelOffsets_arePerChannel() {
        LocalBroker b = broker(10, Duration.ofMinutes(1));
        assertThat(now(b.publishToChannel("a", "message", o -> new byte[] {(byte) o}))).isEqualTo(1);
        assertThat(now(b.publishToChannel("a", "message", o -> new byte[] {(byte) o}))).isEqualTo(2);
        assertThat(now(b.publishToChannel("b", "message", o -> new byte[] {(byte) o}))).isEqualTo(1);
        assertThat(now(b.position("a")).offset()).isEqualTo(2);
        assertThat(now(b.position("never")).offset()).isZero();
        Broker.History h = now(b.history("a", 0, null));
        assertThat(h.recovered()).isTrue();
        assertThat(h.publications()).extracting(Broker.Publication::offset).containsExactly(1L, 2L);
        assertThat(deliveries).extracting(d -> d.topic()).containsExactly(
                new Topic.Channel("a"), new Topic.Channel("a"), new Topic.Channel("b"));
    }

    @Test
    void concurrentPublishers_getDistinctGaplessOffsets() throws Exception {
        LocalBroker b = broker(10_000, Duration.ofMinutes(1));
        Concurrently.run(4, thread -> {
            for (int i = 0; i < 500; i++) {
                b.publishToChannel("c", "message", o -> new byte[0]);
            }
        });
        assertThat(now(b.position("c")).offset()).isEqualTo(2000);
        List<Long> delivered = deliveries.stream().map(d -> ((Message.Push) d.message()).offset()).toList();
        assertThat(delivered).as("delivered in offset order").isSorted().hasSize(2000).doesNotHaveDuplicates();
    }

    @Test
    void sweep_forgetsExpiredUnwatchedChannelsAndStartsANewEpoch() {
        LocalBroker b = broker(10, Duration.ofMillis(20));
        now(b.publishToChannel("gone", "message", o -> new byte[0]));
        now(b.publishToChannel("kept", "message", o -> new byte[0]));
        String oldEpoch = now(b.position("gone")).epoch();
        ticker.advance(Duration.ofMillis(20));
        b.sweep(channel -> channel.equals("kept"));
        assertThat(now(b.position("gone")).epoch()).as("not older than the TTL yet").isEqualTo(oldEpoch);
        ticker.advance(Duration.ofMillis(1));
        b.sweep(channel -> channel.equals("kept"));
        Broker.History fresh = now(b.position("gone"));
        assertThat(fresh.offset()).isZero();
        assertThat(fresh.epoch()).isNotEqualTo(oldEpoch);
        assertThat(now(b.history("gone", 1, oldEpoch)).recovered()).isFalse();
        assertThat(now(b.position("kept")).offset()).as("a watched channel keeps its offsets").isEqualTo(1);
    }

    @Test
    void presence_tracksUsers() {
        LocalPresence p = new LocalPresence();
        p.userOnline(5);
        p.userOnline(2);
        p.userOnline(5);
        assertThat(now(p.isOnline(5))).isTrue();
        assertThat(now(p.isOnline(9))).isFalse();
        assertThat(now(p.onlineUsers())).containsExactly(2L, 5L);
        assertThat(now(p.onlineCount())).isEqualTo(2);
        assertThat(now(p.onlineAmong(new long[] {1, 2, 3, 5}))).containsExactlyInAnyOrder(2L, 5L);
        p.userOffline(5);
        assertThat(now(p.onlineUsers())).containsExactly(2L);
    }
}
