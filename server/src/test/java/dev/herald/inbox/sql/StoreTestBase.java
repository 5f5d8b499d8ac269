package dev.herald.inbox.sql;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.testing.TestClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import java.util.function.LongPredicate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link NotificationStore} with a hand-moved clock, on each database ({@link EveryDatabase}),
 * and the small helpers the store's tests share.
 */
@EveryDatabase
abstract class StoreTestBase {

    static final ObjectMapper JSON = new ObjectMapper();
    /** For sends that vouch for no recipient being in known_users already. */
    static final LongPredicate NOBODY_KNOWN = user -> false;

    FreshDatabase database;
    Dialect dialect;
    TestClock clock;
    NotificationStore store;

    @BeforeEach
    void createStore(FreshDatabase database) {
        this.database = database;
        this.dialect = database.dialect();
        clock = new TestClock();
        store = new NotificationStore(database.db(), clock);
    }

    Database db() {
        return database.db();
    }

    TestDatabase testDatabase() {
        return database.location();
    }

    void reopen() {
        database.reopen();
    }

    void sql(String statement) {
        database.sql(statement);
    }

    long count(String query) {
        return database.count(query);
    }

    /**
     * The notification {@code id} of whichever user, unless deleted: inspection beside the store's
     * per-user methods.
     */
    Optional<Notification> row(long id) {
        return new NotificationSql(db()).query("find notification",
                NotificationSql.SELECT + " WHERE id = ? AND deleted_at IS NULL", id).stream().findFirst();
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
        return store.insertForUsers(List.of(userId), n, NOBODY_KNOWN).get(0);
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
