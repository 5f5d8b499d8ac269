package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.herald.store.Dialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps {@code system_notifications} rows to {@link Notification} records: the column list every
 * SELECT uses, the row reader, and the JSON text of the {@code data} column.
 */
final class NotificationRows {

    /** Columns in the order {@link #read(ResultSet)} expects. */
    static final String COLUMNS = "id, user_id, title, content, type, category, data, action_type,"
            + " action_data, is_read, read_at, sent_via_websocket, sent_at, retry_count, created_at,"
            + " updated_at, level, archived, snoozed_until, group_key, group_count, actions, action_taken,"
            + " escalate_at, escalated_at";

    /** How many columns {@link #COLUMNS} names. */
    static final int COLUMN_COUNT = COLUMNS.split(",").length;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dialect dialect;

    NotificationRows(Dialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /** {@link #COLUMNS}, each qualified with {@code alias} ({@code n.id, n.user_id, …}). */
    static String columnsOf(String alias) {
        StringBuilder sb = new StringBuilder();
        for (String column : COLUMNS.split(",")) {
            sb.append(sb.length() == 0 ? "" : ", ").append(alias).append('.').append(column.strip());
        }
        return sb.toString();
    }

    /** Runs a query that selects {@link #COLUMNS} and reads every row. */
    List<Notification> query(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<Notification> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(read(rs));
            }
            return rows;
        }
    }

    Notification read(ResultSet rs) throws SQLException {
        return new Notification(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                parseJson(rs.getString(7)),
                rs.getString(8),
                rs.getString(9),
                rs.getBoolean(10),
                dialect.readTimestamp(rs, 11),
                rs.getBoolean(12),
                dialect.readTimestamp(rs, 13),
                rs.getInt(14),
                dialect.readTimestamp(rs, 15),
                dialect.readTimestamp(rs, 16),
                rs.getString(17),
                rs.getBoolean(18),
                dialect.readTimestamp(rs, 19),
                rs.getString(20),
                rs.getInt(21),
                parseJson(rs.getString(22)),
                parseJson(rs.getString(23)),
                dialect.readTimestamp(rs, 24),
                dialect.readTimestamp(rs, 25));
    }

    /** JSON text for the {@code data} column; null stays null. */
    static String jsonText(JsonNode data) {
        if (data == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The {@code data} column as JSON. Text that is not JSON (written by hand into the table)
     * comes back as a JSON string rather than failing the whole listing.
     */
    static JsonNode parseJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }
}
