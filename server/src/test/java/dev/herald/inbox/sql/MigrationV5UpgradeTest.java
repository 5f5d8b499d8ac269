package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.TestClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V5 (e-mail escalation) upgrades a database of the V4 schema in place, on each database: rows
 * written under V4 keep their values, never escalate (no {@code escalate_at}), and new sends with
 * {@code escalate_after} are claimed on the upgraded database.
 */
class MigrationV5UpgradeTest {

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void v4DatabaseWithRows_migratesToLatest_oldRowsNeverEscalate(Dialect dialect) throws Exception {
        try (TestDatabase location = TestDatabase.create(dialect); Database db = Database.open(location.config())) {
            Flyway.configure().dataSource(db.dataSource()).locations(dialect.migrationLocation()).target("4").load().migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO system_notifications (user_id, title, content, type, category,"
                        + " is_read, created_at, updated_at, level, group_key, group_count) VALUES"
                        + " (7, 'old unread', 'c1', 'info', 'system', FALSE, '2024-01-01 10:00:00', '2024-01-01 10:00:00', 'urgent', 'g', 3)");
                s.executeUpdate("INSERT INTO notification_settings (user_id, email) VALUES (7, 'seven@example.com')");
            }

            assertThat(db.migrate()).as("V5 applied").isGreaterThanOrEqualTo(1);

            TestClock clock = new TestClock();
            NotificationStore store = new NotificationStore(db, clock);
            List<Notification> rows = store.list(NotificationFilter.forUser(7).withArchived(null)).list();
            assertThat(rows).extracting(Notification::title).containsExactly("old unread");
            assertThat(rows.get(0).groupCount()).isEqualTo(3);
            assertThat(rows.get(0).escalateAt()).isNull();
            assertThat(rows.get(0).escalatedAt()).isNull();

            Notification fresh = store.insertForUsers(List.of(7L),
                    NewNotification.of("new", "c", "info", "system").withEscalation(60), u -> true).get(0);
            clock.advance(Duration.ofMinutes(2));
            NotificationStore.ClaimedEscalations claimed = store.claimEscalations(100);
            assertThat(claimed.toSend()).extracting(e -> e.id()).containsExactly(fresh.id());
            assertThat(claimed.toSend().get(0).email()).isEqualTo("seven@example.com");
            assertThat(store.preferences(7).email()).isEqualTo("seven@example.com");
        }
    }
}
