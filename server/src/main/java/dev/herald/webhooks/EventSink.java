package dev.herald.webhooks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where the rest of the node reports what webhooks announce (docs/webhooks.md). The one entry point
 * for the event types: the inbox's acks, reads, actions and escalations ({@link #DELIVERED},
 * {@link #READ}, {@link #ACTION}, {@link #ESCALATED}) write through {@link #publishIn} inside the
 * transaction of the change they report, so a crash cannot keep the change and lose the event; the
 * events go out once that transaction has committed, never before and never after a rollback.
 * With webhooks off ({@link #NONE}) nothing is written.
 *
 * <p>{@code data} maps become the event's {@code data} object (values: strings, numbers, booleans,
 * lists, maps, null). Thread-safe; calls block on JDBC: run them where SQL may run, never on an
 * event loop.
 */
public interface EventSink {
    String DELIVERED = "notification.delivered";
    String READ = "notification.read";
    String ACTION = "notification.action";
    String ESCALATED = "notification.escalated";
    String ONLINE = "user.online";
    String OFFLINE = "user.offline";

    /** Whether events are stored at all; callers may skip building their data when not. */
    boolean enabled();

    /**
     * Stores one event per element of {@code data} on {@code c}, inside the caller's transaction
     * (a {@code Database.inTransaction} on this thread); they are sent once it commits.
     */
    void publishIn(Connection c, String type, List<Map<String, Object>> data) throws SQLException;

    /** Stores one event in a transaction of its own (for changes that have no transaction to join). */
    void publish(String type, Map<String, Object> data);

    /** Webhooks are off: nothing is stored. */
    EventSink NONE = new EventSink() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void publishIn(Connection c, String type, List<Map<String, Object>> data) {}

        @Override
        public void publish(String type, Map<String, Object> data) {}
    };
}
