package dev.herald.inbox.sql;

import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.NotificationFilter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The hot queries use the index meant for them (EXPLAIN), on every database: guards against a
 * query edit that stops matching an index (PostgreSQL's partial indexes need the literal
 * predicates). PostgreSQL runs with {@code enable_seqscan = off}, which asks whether an index
 * CAN serve the query rather than whether the planner prefers it on a small table.
 */
class QueryPlanTest extends StoreTestBase {

    @Test
    void hotQueries_useTheirIndexes_neverAFullScan() throws SQLException {
        List<Long> users = LongStream.rangeClosed(1, 2_000).boxed().toList();
        for (int i = 0; i < 10; i++) {
            store.insertForUsers(users, note("n" + i, "c", i % 2 == 0 ? "info" : "warning", "system"), NOBODY_KNOWN);
        }
        for (long u = 1; u <= 2_000; u += 3) {
            store.markAllRead(u);
        }
        analyze();
        ListQuery list = ListQuery.of(NotificationFilter.forUser(5), dialect);
        ListQuery unreadOfType = ListQuery.of(NotificationFilter.forUser(5).withRead(false).withType("info"), dialect);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(plan(Reads.UNREAD_COUNT, 5L)).as("unreadCount").contains("sn_user_read");
        soft.assertThat(plan(store.reads.unreadSql, 5L, 20)).as("unread").contains("sn_user_"); // MariaDB may walk sn_user_created
        soft.assertThat(plan(list)).as("list").contains("sn_user_created");
        soft.assertThat(plan(unreadOfType)).as("list is_read+type").contains("sn_user_");
        soft.assertThat(plan(store.delivery.undeliveredSql, 5L, 0L, 100)).as("undelivered").contains("sn_user_undelivered");
        soft.assertThat(plan(store.delivery.retrySql, 3, 50)).as("retry").contains("sn_retry");
        soft.assertThat(plan(store.delivery.backlogSql, 5L, 5L, 0L, 500)).as("backlog")
                .contains("sn_user_undelivered").contains("sn_user_read");
        soft.assertThat(plan(Reads.STATISTICS, 5L)).as("statistics").contains("sn_user_");
        soft.assertThat(plan(Reads.CHAT_RECIPIENT, 5L, 5L, InboxLimits.CHAT_CATEGORY, InboxLimits.CHAT_ACTION, 200))
                .as("chatRecipient").contains("sn_user_");
        soft.assertThat(planWithIds(store.reads.unreadCountsSql, new long[] {5, 6, 7})).as("unreadCounts").contains("sn_user_read");
        soft.assertThat(plan("UPDATE system_notifications SET updated_at = updated_at"
                + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL", 5L)).as("markAllRead").contains("sn_user_");
        soft.assertThat(plan(Escalations.STUCK_ESCALATIONS, db().dialect().timestamp(java.time.Instant.now())))
                .as("stuckEscalations").contains("sn_escalation_sending");
        if (dialect == Dialect.H2) { // H2 sorts every matching row unless the index gives the order
            soft.assertThat(plan(store.delivery.retrySql, 3, 50)).as("retry order").contains("index sorted */");
            soft.assertThat(plan(list)).as("list order").contains("index sorted */");
            soft.assertThat(plan(store.reads.unreadSql, 5L, 20)).as("unread order").contains("index sorted */");
            soft.assertThat(plan(store.delivery.undeliveredSql, 5L, 0L, 100)).as("undelivered order").contains("index sorted */");
        }
        soft.assertAll();
    }

    private void analyze() throws SQLException {
        try (Connection c = db().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(dialect == Dialect.MARIADB ? "ANALYZE TABLE system_notifications" : "ANALYZE");
        }
    }

    private String plan(ListQuery query) throws SQLException {
        try (Connection c = db().dataSource().getConnection()) {
            prepare(c);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + query.pageSql())) {
                query.bindPage(ps);
                return read(ps);
            }
        }
    }

    private String plan(String sql, Object... params) throws SQLException {
        try (Connection c = db().dataSource().getConnection()) {
            prepare(c);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return read(ps);
            }
        }
    }

    private String planWithIds(String sql, long[] ids) throws SQLException {
        try (Connection c = db().dataSource().getConnection()) {
            prepare(c);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                IdTable.bind(dialect, ps, 1, ids);
                return read(ps);
            }
        }
    }

    private void prepare(Connection c) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
            }
        }
    }

    /**
     * The plan text; for MariaDB only the chosen key and access type ("ALL" = full scan) of each
     * base table.
     */
    private String read(PreparedStatement ps) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (dialect == Dialect.MARIADB && (rs.getString("table") == null || rs.getString("table").startsWith("<derived")
                        || rs.getString("table").equals("ids"))) {
                    continue; // no table (a SELECT of subqueries), a derived table's few materialized rows, or the id list (JSON_TABLE)
                } else if (dialect == Dialect.MARIADB) {
                    sb.append("type=").append(rs.getString("type")).append(" key=").append(rs.getString("key")).append('\n');
                } else {
                    sb.append(rs.getString(1)).append('\n');
                }
            }
        }
        String plan = sb.toString().toLowerCase(Locale.ROOT);
        assertThat(plan).doesNotContain("tablescan").doesNotContain("seq scan").doesNotContain("type=all");
        return plan;
    }
}
