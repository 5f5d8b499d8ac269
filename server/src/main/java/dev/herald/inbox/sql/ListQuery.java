package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.Page;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The WHERE clause and parameters of a {@link NotificationFilter}. The SQL text depends only on
 * which criteria are present, never on their values: every value is a bound parameter, and the
 * keyword's LIKE wildcards are escaped so it matches literally.
 */
final class ListQuery {

    /** Escape character of every LIKE pattern built here; rare in text and not special in SQL strings. */
    static final char LIKE_ESCAPE = '!';

    private final NotificationFilter filter;
    private final Dialect dialect;
    private final String where;
    private final List<Object> params;

    private ListQuery(NotificationFilter filter, Dialect dialect, String where, List<Object> params) {
        this.filter = filter;
        this.dialect = dialect;
        this.where = where;
        this.params = params;
    }

    static ListQuery of(NotificationFilter f, Dialect dialect) {
        requireNonNull(f, "filter");
        StringBuilder sql = new StringBuilder("user_id = ? AND deleted_at IS NULL AND snoozed_until IS NULL");
        List<Object> params = new ArrayList<>();
        params.add(f.userId());
        if (f.archived() != null) {
            sql.append(f.archived() ? " AND archived = TRUE" : " AND archived = FALSE");
        }
        if (f.isRead() != null) {
            sql.append(f.isRead() ? " AND is_read = TRUE" : " AND is_read = FALSE");
        }
        if (f.type() != null) {
            sql.append(" AND type = ?");
            params.add(f.type());
        }
        if (f.category() != null) {
            sql.append(" AND category = ?");
            params.add(f.category());
        }
        if (f.keyword() != null) {
            String like = " " + dialect.caseInsensitiveLike() + " ? ESCAPE '" + LIKE_ESCAPE + "'";
            sql.append(" AND (title").append(like).append(" OR content").append(like).append(')');
            String pattern = "%" + escapeLike(f.keyword()) + "%";
            params.add(pattern);
            params.add(pattern);
        }
        if (f.startDate() != null) {
            sql.append(" AND created_at >= ?");
            params.add(dialect.timestamp(f.startDate().atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (f.endDate() != null) {
            sql.append(" AND created_at < ?");
            params.add(dialect.timestamp(f.endDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        return new ListQuery(f, dialect, sql.toString(), List.copyOf(params));
    }

    /** {@code text} with the LIKE wildcards and the escape character escaped. */
    static String escapeLike(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '%' || ch == '_' || ch == LIKE_ESCAPE) {
                sb.append(LIKE_ESCAPE);
            }
            sb.append(ch);
        }
        return sb.toString();
    }

    String where() {
        return where;
    }

    /** Counts the matches, then reads the requested page newest first (skipped when past the end). */
    Page<Notification> run(Connection c, NotificationRows rows) throws SQLException {
        long total;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM system_notifications WHERE " + where)) {
            bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        if (total <= filter.offset()) {
            return new Page<>(List.of(), total, filter.page(), filter.pageSize());
        }
        try (PreparedStatement ps = c.prepareStatement(pageSql())) {
            bindPage(ps);
            return new Page<>(rows.query(ps), total, filter.page(), filter.pageSize());
        }
    }

    /** The statement that reads the page; its parameters are bound by {@link #bindPage}. */
    String pageSql() {
        return NotificationSql.SELECT + " WHERE " + where + Orderings.newestFirst(dialect) + " LIMIT ? OFFSET ?";
    }

    void bindPage(PreparedStatement ps) throws SQLException {
        int next = bind(ps);
        ps.setInt(next, filter.pageSize());
        ps.setLong(next + 1, filter.offset());
    }

    /** Binds the parameters from index 1; returns the next free index. */
    int bind(PreparedStatement ps) throws SQLException {
        int index = 1;
        for (Object p : params) {
            ps.setObject(index++, p);
        }
        return index;
    }
}
