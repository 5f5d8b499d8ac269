package dev.herald.api;

import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.testing.StatementCounter;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scale case on PostgreSQL: a send to everyone with 100,000 known users of whom 10 %
 * turned the category off stores exactly the other 90 %, says 10,000 skipped, and (printed, for
 * the record; the bench owns the budget) how long it took. That the preferences are read in bulk
 * is counted, not timed: every statement the node runs goes through a {@link StatementCounter},
 * and a send reads {@code notification_preferences} in one statement for 200 recipients as for
 * 10,000, and per 10,000 recipients for everyone — never once per recipient.
 */
class PreferenceBulkSendTest {
    private static final int USERS = 100_000;

    @Test
    void sends_readPreferencesInBulk_andToEveryone_100kKnown_10PercentMuted_storeTheRest_skipTheMuted() throws Exception {
        try (StatementCounter statements = new StatementCounter("jdbc:postgresql://127.0.0.1/test");
             NotificationFixture fx = NotificationFixture.start(Dialect.POSTGRESQL);
             Database db = Database.open(Herald.databaseConfig(fx.server().herald().settings()))) {
            for (long from = 1; from <= USERS; from += 10_000) {
                List<Long> ids = new ArrayList<>();
                for (long u = from; u < from + 10_000; u++) {
                    ids.add(u);
                }
                fx.send(Map.of("user_ids", ids, "title", "seed", "content", "c", "level", "normal"));
            }
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO notification_preferences (user_id, kind, name, mode)"
                        + " SELECT user_id, 'category', 'announcement', 'off' FROM known_users WHERE user_id % 10 = 0");
                s.executeUpdate("INSERT INTO notification_preferences (user_id, kind, name, mode)"
                        + " SELECT user_id, 'type', 'warning', 'quiet' FROM known_users WHERE user_id % 10 = 1");
                s.execute("ANALYZE");
            }
            // explicit recipients: the modes of all of them for the send's category and type, in one read
            for (int recipients : new int[] {200, 10_000}) {
                List<Long> ids = new ArrayList<>();
                for (long u = 1; u <= recipients; u++) {
                    ids.add(u);
                }
                statements.reset();
                JsonNode r = fx.send(Map.of("user_ids", ids, "title", "to " + recipients, "content", "c",
                        "category", "announcement", "type", "warning"));
                assertThat(r.get("skipped").asLong()).isEqualTo(recipients / 10);
                assertThat(statements.count("notification_preferences"))
                        .as("statements reading preferences for a send to %d", recipients).isEqualTo(1);
            }
            statements.reset();
            long t0 = System.nanoTime();
            JsonNode r = fx.send(Map.of("user_ids", List.of(), "title", "to everyone", "content", "c",
                    "category", "announcement", "type", "warning"));
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf("send to everyone: %d stored, %d skipped in %.0f ms%n",
                    r.get("count").asLong(), r.get("skipped").asLong(), ms);
            // everyone: the recipients are read 10,000 a page with the muted ones left out in SQL,
            // then stored 10,000 a statement with the quiet ones' modes read for each such chunk
            // (and the muted counted once): two reads per 10,000 recipients, never one per recipient
            assertThat(statements.count("notification_preferences"))
                    .as("statements reading preferences for a send to all %d", USERS)
                    .isLessThanOrEqualTo(2 * USERS / 10_000 + 1);
            assertThat(r.get("count").asLong()).isEqualTo(USERS * 9 / 10);
            assertThat(r.get("skipped").asLong()).isEqualTo(USERS / 10);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT level, COUNT(*) FROM system_notifications WHERE title = 'to everyone'"
                         + " GROUP BY level ORDER BY level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("normal");
                assertThat(rs.getLong(2)).as("the quiet ones, store only").isEqualTo(USERS / 10);
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("urgent");
                assertThat(rs.getLong(2)).isEqualTo(USERS * 8 / 10);
            }
            assertThat(ok(fx.get(NotificationFixture.BASE + "/unread-count", fx.userToken(10))).get("count").asLong())
                    .as("a muted user has only the seed").isEqualTo(1);
        }
    }
}
