package dev.herald.api;

import static dev.herald.api.NotificationFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.store.Database;
import dev.herald.store.DatabaseConfig;
import dev.herald.store.Dialect;
import dev.herald.testing.Concurrently;
import dev.herald.testing.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two Herald servers on one PostgreSQL or MariaDB database, both collapsing sends with the same
 * group_key for the same users at once: one row per user, and its group_count is exactly the
 * number of sends that answered 200 (every one must).
 */
class CollapseTwoNodesTest {

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void twoServers_collapsingAtOnce_oneRowPerUser_exactCount(Dialect dialect) throws Exception {
        try (NotificationFixture fx = NotificationFixture.start(dialect)) {
            DatabaseConfig c = Herald.databaseConfig(fx.server().herald().settings());
            Map<String, String> same = new HashMap<>();
            same.put("db.url", c.url());
            same.put("db.user", c.user());
            same.put("db.password", c.password());
            same.put("db.pool-size", "8");
            try (TestServer second = TestServer.start(same)) {
                TestServer[] nodes = {fx.server(), second};
                int threads = 8;
                int each = 15;
                Concurrently.run(threads, i -> {
                    for (int k = 0; k < each; k++) {
                        var r = nodes[i % 2].api("POST", NotificationFixture.BASE + "/send", json(Map.of(
                                "user_ids", List.of(501, 502), "title", "t" + i + "-" + k, "content", "c",
                                "group_key", "deploy", "group_window", 3600)));
                        assertThat(r.status()).as(r.body()).isEqualTo(200);
                    }
                });
                try (Database db = Database.open(c); Connection conn = db.dataSource().getConnection();
                     Statement s = conn.createStatement();
                     ResultSet rs = s.executeQuery("SELECT user_id, COUNT(*), MAX(group_count) FROM system_notifications"
                             + " WHERE group_key = 'deploy' GROUP BY user_id ORDER BY user_id")) {
                    for (long user : new long[] {501, 502}) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(user);
                        assertThat(rs.getLong(2)).as("rows of user %d", user).isEqualTo(1);
                        assertThat(rs.getLong(3)).as("group_count of user %d", user).isEqualTo(threads * each);
                    }
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }
}
