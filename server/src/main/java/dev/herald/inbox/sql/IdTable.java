package dev.herald.inbox.sql;

import dev.herald.store.Dialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A whole list of user ids passed as ONE statement parameter and read as a one-column table
 * {@code ids(user_id)}, so a send to many users is one statement per chunk instead of one per
 * row: H2 and PostgreSQL unnest an array parameter, MariaDB reads a JSON array with
 * {@code JSON_TABLE} (10.6+). Only numbers are ever put into the parameter.
 */
final class IdTable {

    /** Most ids per parameter (H2 arrays hold at most 65,536 elements). */
    static final int MAX_IDS = 10_000;

    private IdTable() {}

    /** The FROM item, with one {@code ?} to {@link #bind}. */
    static String from(Dialect dialect) {
        return switch (dialect) {
            case H2 -> "UNNEST(?) AS ids(user_id)";
            case POSTGRESQL -> "unnest(?::bigint[]) AS ids(user_id)";
            case MARIADB -> "JSON_TABLE(?, '$[*]' COLUMNS (user_id BIGINT PATH '$')) AS ids";
        };
    }

    /** Binds at most {@link #MAX_IDS} ids to the parameter of {@link #from}. */
    static void bind(Dialect dialect, PreparedStatement ps, int index, long[] ids) throws SQLException {
        if (ids.length > MAX_IDS) {
            throw new IllegalArgumentException("at most " + MAX_IDS + " ids per statement, got " + ids.length);
        }
        switch (dialect) {
            case H2 -> ps.setObject(index, IdChunks.boxed(ids));
            case POSTGRESQL -> ps.setArray(index, ps.getConnection().createArrayOf("bigint", IdChunks.boxed(ids)));
            case MARIADB -> ps.setString(index, IdChunks.jsonArray(ids));
        }
    }
}
