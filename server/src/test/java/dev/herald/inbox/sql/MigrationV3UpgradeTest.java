package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V3 (Inbox 2.0) upgrades a database of the V2 schema in place, on each database: rows written
 * under V2 keep every value and get the defaults that describe them (not archived, not snoozed,
 * no group, count 1, no actions), and the upgraded store works on them.
 */
class MigrationV3UpgradeTest {

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void v2DatabaseWithRows_migratesToLatest_keepingRowsWithTheDefaults(Dialect dialect) throws Exception {
        try (TestDatabase location = TestDatabase.create(dialect); Database db = Database.open(location.config())) {
            Flyway.configure().dataSource(db.dataSource()).locations(dialect.migrationLocation()).target("2").load().migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO system_notifications (user_id, title, content, type, category, data,"
                        + " is_read, created_at, updated_at, level) VALUES"
                        + " (7, 'old unread', 'c1', 'info', 'system', '{\"k\":1}', FALSE, '2024-01-01 10:00:00', '2024-01-01 10:00:00', 'urgent'),"
                        + " (7, 'old read', 'c2', 'task', 'task', NULL, TRUE, '2024-01-02 10:00:00', '2024-01-02 10:00:00', 'normal')");
                s.executeUpdate("INSERT INTO known_users (user_id, first_seen, last_seen) VALUES (7, '2024-01-01 10:00:00', '2024-01-01 10:00:00')");
            }

            assertThat(db.migrate()).as("V3 applied").isGreaterThanOrEqualTo(1);

            NotificationStore store = new NotificationStore(db, Clock.systemUTC());
            List<Notification> rows = store.list(NotificationFilter.forUser(7).withArchived(null)).list();
            assertThat(rows).extracting(Notification::title).containsExactly("old read", "old unread");
            for (Notification n : rows) {
                assertThat(n.archived()).isFalse();
                assertThat(n.snoozedUntil()).isNull();
                assertThat(n.groupKey()).isNull();
                assertThat(n.groupCount()).isEqualTo(1);
                assertThat(n.actions()).isNull();
                assertThat(n.actionTaken()).isNull();
            }
            Notification unread = rows.get(1);
            assertThat(unread.data().get("k").asInt()).isEqualTo(1);
            assertThat(unread.level()).isEqualTo("urgent");
            assertThat(rows.get(0).level()).isEqualTo("normal");
            assertThat(store.unreadCount(7)).isEqualTo(1);
            assertThat(store.statistics(7).total()).isEqualTo(2);

            assertThat(store.archive(7, unread.id())).hasValue(1);
            assertThat(store.unreadCount(7)).isZero();
            assertThat(store.knownUserIds()).containsExactly(7L);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT COUNT(*) FROM notification_groups")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the new tables exist, empty").isZero();
            }
        }
    }
}
