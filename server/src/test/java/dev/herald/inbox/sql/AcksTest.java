package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.Notification;
import dev.herald.webhooks.EventSink;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Acks stored together ({@link Acks}, {@link NotificationStore#ackQueue}), on each database: every
 * ack answered with its own count, a row delivered once however many acks name it, another user's
 * ids counting for nobody, one {@code notification.delivered} event per row that changed — in the
 * transaction, so a failing event store keeps nothing —, and a group that fails as a whole run
 * ack by ack, so only the failing ack fails.
 */
class AcksTest extends StoreTestBase {
    /** Acks of this user make the event store fail (as a full disk would). */
    private static final long POISON = 13;

    /** The events stored, one map per event; the store fails when one is for {@link #POISON}. */
    private final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
    private NotificationStore hooked;

    @BeforeEach
    void hookedStore() {
        hooked = new NotificationStore(db(), clock, new EventSink() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void publishIn(Connection c, String type, List<Map<String, Object>> data) throws SQLException {
                assertThat(type).isEqualTo(EventSink.DELIVERED);
                if (data.stream().anyMatch(d -> d.get("user_id").equals(POISON))) {
                    throw new SQLException("outbox refused", "42000");
                }
                events.addAll(data);
            }

            @Override
            public void publish(String type, Map<String, Object> data) {
                throw new AssertionError("acks publish in their transaction");
            }
        });
    }

    private long urgent(long user) {
        return hooked.insertForUsers(List.of(user), note("n").withLevel("urgent"), NOBODY_KNOWN).get(0).id();
    }

    private boolean delivered(long id) {
        return row(id).map(Notification::sentViaWebsocket).orElseThrow();
    }

    @Test
    void queuedAcks_goInOneTransaction_eachCountsItsOwnRows_andEachRowHasOneEvent() throws Exception {
        long a1 = urgent(1), a2 = urgent(1), b1 = urgent(2), c1 = urgent(3);
        DeferredExecutor writer = new DeferredExecutor();
        NotificationStore.AckQueue acks = hooked.ackQueue(writer);
        CompletableFuture<Integer> first = acks.acknowledge(1, List.of(a1, a2, a1));
        CompletableFuture<Integer> again = acks.acknowledge(1, List.of(a2)); // in the same group: already credited
        CompletableFuture<Integer> stranger = acks.acknowledge(3, List.of(b1)); // user 2's row
        CompletableFuture<Integer> owner = acks.acknowledge(2, List.of(b1, 999_999L));
        CompletableFuture<Integer> empty = acks.acknowledge(3, List.of());
        assertThat(writer.pending()).as("one writer for the whole queue").isEqualTo(1);
        assertThat(first).isNotDone();

        writer.runAll();

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(again.get()).isZero();
        assertThat(stranger.get()).isZero();
        assertThat(owner.get()).isEqualTo(1);
        assertThat(empty.get()).isZero();
        assertThat(delivered(a1) && delivered(a2) && delivered(b1)).isTrue();
        assertThat(delivered(c1)).as("not named by its owner").isFalse();
        assertThat(events).extracting(e -> e.get("notification_id") + "/" + e.get("user_id"))
                .containsExactly(a1 + "/1", a2 + "/1", b1 + "/2");
        assertThat(events).allSatisfy(e -> assertThat(e).containsKey("delivered_at"));
        assertThat(((Acks.Queue) acks).groups()).isEqualTo(1);
        assertThat(((Acks.Queue) acks).grouped()).isEqualTo(5);

        // a second ack of delivered rows changes nothing and stores no event
        assertThat(hooked.markDelivered(1, List.of(a1, a2))).isZero();
        assertThat(events).hasSize(3);
    }

    @Test
    void aGroupThatFails_runsAckByAck_onlyTheFailingOneFails_andItKeepsNothing() throws Exception {
        long mine = urgent(1), poisoned = urgent(POISON), theirs = urgent(2);
        DeferredExecutor writer = new DeferredExecutor();
        NotificationStore.AckQueue acks = hooked.ackQueue(writer);
        CompletableFuture<Integer> before = acks.acknowledge(1, List.of(mine));
        CompletableFuture<Integer> failing = acks.acknowledge(POISON, List.of(poisoned));
        CompletableFuture<Integer> after = acks.acknowledge(2, List.of(theirs));

        writer.runAll();

        assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("outbox refused");
        assertThat(delivered(poisoned)).as("delivered without its event").isFalse();
        assertThat(delivered(mine) && delivered(theirs)).isTrue();
        assertThat(events).extracting(e -> e.get("notification_id")).containsExactlyInAnyOrder(mine, theirs);
        assertThat(((Acks.Queue) acks).groups()).as("the group did not commit").isZero();
    }

    @Test
    void manyAcksOfTheSameRows_onTwoNodesAtOnce_deliverEachOnce_withOneEvent() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(urgent(5));
        }
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(4);
        int total = 0;
        try {
            // two queues, as two nodes on one database: their groups run at the same time
            List<NotificationStore.AckQueue> nodes = List.of(hooked.ackQueue(writers), hooked.ackQueue(writers));
            List<CompletableFuture<Integer>> answers = new CopyOnWriteArrayList<>();
            dev.herald.testing.Concurrently.run(4, java.time.Duration.ofSeconds(60), t -> {
                for (int round = 0; round < 5; round++) {
                    answers.add(nodes.get(t % 2).acknowledge(5, ids));
                }
            });
            for (CompletableFuture<Integer> a : answers) {
                total += a.get(30, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        assertThat(total).as("rows credited over all acks").isEqualTo(ids.size());
        assertThat(events).hasSize(ids.size());
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE sent_via_websocket = FALSE")).isZero();
    }
}
