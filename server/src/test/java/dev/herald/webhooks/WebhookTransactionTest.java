package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import dev.herald.testing.TestClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ack's or read's webhook events are written in the change's own transaction, on every
 * database: when the events cannot be stored, the change is not kept either (so no change is ever
 * committed without its event), and the events are exactly the rows that changed. The same for an
 * escalation's claim and its {@code notification.escalated}.
 */
@EveryDatabase
class WebhookTransactionTest {
    private FreshDatabase database;
    private final TestClock clock = new TestClock();

    @BeforeEach
    void database(FreshDatabase database) {
        this.database = database;
    }

    /** What an enabled sink does with a transaction's events. */
    private interface InTransaction {
        void publish(Connection c, String type, List<Map<String, Object>> data) throws SQLException;
    }

    /** An enabled sink whose {@code publishIn} is {@code in} (these tests never publish alone). */
    private static EventSink sink(InTransaction in) {
        return new EventSink() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void publishIn(Connection c, String type, List<Map<String, Object>> data) throws SQLException {
                in.publish(c, type, data);
            }

            @Override
            public void publish(String type, Map<String, Object> data) {
                throw new AssertionError("not expected here");
            }
        };
    }

    private static NewNotification note() {
        return new NewNotification("t", "c", "info", "system", null, null, null, "urgent");
    }

    @Test
    void whenTheEventCannotBeStored_theAckAndTheReadAreRolledBack() {
        EventSink failing = sink((c, type, data) -> {
            throw new SQLException("outbox full", "42000");
        });
        NotificationStore store = new NotificationStore(database.db(), clock, failing);
        long id = store.insertForUsers(List.of(5L), note(), u -> false).get(0).id();
        assertThatThrownBy(() -> store.markDelivered(5, List.of(id))).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> store.markRead(5, List.of(id))).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> store.markAllRead(5)).isInstanceOf(RuntimeException.class);
        Notification n = store.find(5, id).orElseThrow();
        assertThat(n.sentViaWebsocket()).as("delivered without its event").isFalse();
        assertThat(n.read()).as("read without its event").isFalse();
    }

    @Test
    void theEventsAreTheRowsThatChanged_inTheOutbox_withTheChange() {
        Outbox outbox = new Outbox(database.db(), clock);
        EventSink sink = sink(outbox::insert);
        NotificationStore store = new NotificationStore(database.db(), clock, sink);
        List<Long> ids = store.insertForUsers(List.of(6L), note(), u -> false).stream().map(Notification::id).toList();
        long other = store.insertForUsers(List.of(7L), note(), u -> false).get(0).id();
        List<Long> more = store.insertForUsers(List.of(6L), note(), u -> false).stream().map(Notification::id).toList();
        assertThat(store.markDelivered(6, List.of(ids.get(0), ids.get(0), other))).isEqualTo(1); // another user's id counts 0
        assertThat(store.markDelivered(6, List.of(ids.get(0)))).isZero();
        assertThat(store.markRead(6, List.of(more.get(0)))).isEqualTo(1);
        assertThat(store.markAllRead(6)).isEqualTo(1); // the other one of user 6
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'notification.delivered'")).isEqualTo(1);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'notification.read'")).isEqualTo(2);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE body LIKE '%\"notification_id\":" + other + ",%'"))
                .isZero();

        // an action taken: notification.action, and notification.read since it was unread; a second take stores nothing
        NewNotification withButton = note().withActions(dev.herald.protocol.Json.MAPPER.createArrayNode()
                .add(dev.herald.protocol.Json.MAPPER.createObjectNode().put("id", "approve").put("label", "Approve")));
        long acted = store.insertForUsers(List.of(6L), withButton, u -> false).get(0).id();
        assertThat(store.takeAction(6, acted, "approve")).isEqualTo(NotificationStore.Taking.TAKEN);
        assertThat(store.takeAction(6, acted, "approve")).isEqualTo(NotificationStore.Taking.ALREADY_TAKEN);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'notification.action'"
                + " AND body LIKE '%\"action_id\":\"approve\"%'")).isEqualTo(1);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'notification.read'")).isEqualTo(3);
    }

    @Test
    void escalation_theEventIsWrittenWithTheClaim_orNeither() {
        EventSink failing = sink((c, type, data) -> {
            throw new SQLException("outbox full", "42000");
        });
        Outbox outbox = new Outbox(database.db(), clock);
        EventSink working = sink(outbox::insert);
        NotificationStore broken = new NotificationStore(database.db(), clock, failing);
        NotificationStore store = new NotificationStore(database.db(), clock, working);
        store.updatePreferences(8, Map.of(), Map.of(), true, "eight@example.com");
        long mailed = store.insertForUsers(List.of(8L), note().withEscalation(60), u -> false).get(0).id();
        store.insertForUsers(List.of(9L), note().withEscalation(60), u -> false); // no address: skipped, no event
        clock.advance(java.time.Duration.ofMinutes(2));

        assertThatThrownBy(() -> broken.claimEscalations(100)).isInstanceOf(RuntimeException.class);
        assertThat(database.count("SELECT COUNT(*) FROM system_notifications WHERE escalated_at IS NOT NULL"))
                .as("claimed without its event").isZero();

        assertThat(store.claimEscalations(100).toSend()).extracting(e -> e.id()).containsExactly(mailed);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'notification.escalated'"
                + " AND body LIKE '%\"notification_id\":" + mailed + ",%'")).isEqualTo(1);
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'notification.escalated'")).isEqualTo(1);
    }
}
