package dev.herald.inbox.sql;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.testing.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.store.DatabaseTestBase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** A {@link NotificationStore} with a hand-moved clock on each database of the base class. */
abstract class StoreTestBase extends DatabaseTestBase {

    static final ObjectMapper JSON = new ObjectMapper();

    TestClock clock;
    NotificationStore store;

    @BeforeEach
    void createStore() {
        clock = new TestClock();
        store = new NotificationStore(db(), clock);
    }

    /** The clock's instant as the store stores it. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static NewNotification note(String title) {
        return NewNotification.of(title, "content of " + title, "info", "system");
    }

    static NewNotification note(String title, String content, String type, String category) {
        return NewNotification.of(title, content, type, category);
    }

    /** Stores one notification for {@code userId} and returns it. */
    Notification send(long userId, NewNotification n) {
        return store.insertForUsers(List.of(userId), n).get(0);
    }

    Notification send(long userId, String title) {
        return send(userId, note(title));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<Long> ids(List<Notification> list) {
        return list.stream().map(Notification::id).toList();
    }

    static List<String> titles(List<Notification> list) {
        return list.stream().map(Notification::title).toList();
    }
}
