package dev.herald.inbox.sql;

import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts the rows of several different sends with one multi-row {@code INSERT … VALUES} per
 * {@link #MAX_ROWS} rows or {@link #MAX_BYTES} of text, whichever comes first, and reads back each row's id ({@code RETURNING}; H2 through
 * {@code FINAL TABLE}), so a group of small sends ({@link GroupCommit}) costs one round trip
 * instead of one per send. {@link RecipientInsert} stays the way for one send to many users: it
 * binds the shared fields once.
 *
 * <p>The ids are matched to the sends by position. That holds only if the database returns the
 * rows in the order of the VALUES list, which every supported one does; it is checked anyway:
 * the returned user ids must repeat the listed ones and the ids must rise (they are drawn in the
 * order rows are inserted). Anything else throws, which fails the statement's transaction.
 * The caller owns the transaction.
 */
final class RowsInsert {

    /** Rows per statement: 14 parameters each stays far below every driver's limit (PostgreSQL 32,767). */
    static final int MAX_ROWS = 500;
    /**
     * Characters of text per statement (a row's content may be 64 KiB, its data more): stays
     * under MariaDB's default {@code max_allowed_packet} of 16 MiB even as UTF-8. A row bigger
     * than that goes alone.
     */
    static final long MAX_BYTES = 4L << 20;

    private static final String COLUMNS = "user_id, title, content, type, category, data, action_type, action_data,"
            + " is_read, sent_via_websocket, retry_count, created_at, updated_at, level,"
            + " group_key, actions, escalate_at";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, FALSE, FALSE, 0, ?, ?, ?, ?, ?, ?)";

    private final Dialect dialect;

    RowsInsert(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /** One row to insert: {@code notification} for {@code userId}; {@code data} is its data as JSON text. */
    record Row(long userId, NewNotification notification, String data) {
        Row(long userId, NewNotification notification) {
            this(userId, notification, NotificationRows.jsonText(notification.data()));
        }
    }

    /**
     * Inserts {@code rows} in their order.
     *
     * @return the stored records, in the same order
     */
    List<Notification> insert(Connection c, List<Row> rows, Instant now) throws SQLException {
        List<Notification> out = new ArrayList<>(rows.size());
        int from = 0;
        while (from < rows.size()) {
            int to = from + 1;
            long size = textSize(rows.get(from));
            while (to < rows.size() && to - from < MAX_ROWS && size + textSize(rows.get(to)) <= MAX_BYTES) {
                size += textSize(rows.get(to++));
            }
            out.addAll(insertPart(c, rows.subList(from, to), now));
            from = to;
        }
        return out;
    }

    /** The characters a row sends (UTF-8 may take up to 4 bytes for some: {@link #MAX_BYTES} leaves room). */
    private static long textSize(Row r) {
        NewNotification n = r.notification();
        return n.title().length() + n.content().length() + (r.data() == null ? 0 : r.data().length())
                + (n.actionData() == null ? 0 : n.actionData().length()) + 64;
    }

    private List<Notification> insertPart(Connection c, List<Row> rows, Instant now) throws SQLException {
        Object timestamp = dialect.timestamp(now);
        try (PreparedStatement ps = c.prepareStatement(sql(rows.size()))) {
            int p = 1;
            for (Row r : rows) {
                NewNotification n = r.notification();
                ps.setLong(p++, r.userId());
                ps.setString(p++, n.title());
                ps.setString(p++, n.content());
                ps.setString(p++, n.type());
                ps.setString(p++, n.category());
                ps.setString(p++, r.data());
                ps.setString(p++, n.actionType());
                ps.setString(p++, n.actionData());
                ps.setObject(p++, timestamp);
                ps.setObject(p++, timestamp);
                ps.setString(p++, n.level());
                ps.setString(p++, n.groupKey());
                ps.setString(p++, NotificationRows.jsonText(n.actions()));
                NotificationSql.setTimestamp(dialect, ps, p++, Escalations.due(n, now));
            }
            List<Notification> created = new ArrayList<>(rows.size());
            try (ResultSet rs = ps.executeQuery()) {
                long previousId = Long.MIN_VALUE;
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long userId = rs.getLong(2);
                    int i = created.size();
                    if (i >= rows.size() || rows.get(i).userId() != userId || id <= previousId) {
                        throw new SQLException("the inserted rows came back in another order than they were listed"
                                + " (row " + i + ": id " + id + ", user " + userId + ")");
                    }
                    previousId = id;
                    created.add(Notification.fresh(id, userId, rows.get(i).notification(), now));
                }
            }
            if (created.size() != rows.size()) {
                throw new SQLException("inserted " + created.size() + " rows, listed " + rows.size());
            }
            return created;
        }
    }

    private String sql(int rows) {
        StringBuilder values = new StringBuilder(ROW.length() * rows + 16);
        for (int i = 0; i < rows; i++) {
            values.append(i == 0 ? "" : ", ").append(ROW);
        }
        String insert = "INSERT INTO system_notifications (" + COLUMNS + ") VALUES " + values;
        return switch (dialect) {
            case H2 -> "SELECT id, user_id FROM FINAL TABLE (" + insert + ")";
            case POSTGRESQL, MARIADB -> insert + " RETURNING id, user_id";
        };
    }
}
