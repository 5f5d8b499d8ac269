package dev.herald.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Sorts a {@link SQLException} into the store's unchecked exceptions: unavailable (503),
 * duplicate key, conflict with a concurrent transaction, or anything else. Vendor error codes are only read for the dialect that
 * produced them, because the numbers overlap between vendors.
 */
final class SqlErrors {

    /** SQLSTATEs meaning "cannot serve now": read-only, shutting down, too many connections. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "25006", // read-only SQL transaction (PostgreSQL, MariaDB)
            "57P01", "57P02", "57P03", // PostgreSQL admin/crash shutdown, cannot connect now
            "53300", // PostgreSQL too many connections
            "HYT00", "HYT01"); // timeouts

    private static final Set<Integer> MARIADB_UNAVAILABLE = Set.of(
            1290, // server runs with --read-only
            1792, // read-only transaction
            1836, // read-only mode
            1040, // too many connections
            1053, // server shutdown in progress
            1927, // connection was killed
            2002, 2003, 2006, 2013); // cannot connect, server gone away, lost connection

    private static final Set<Integer> H2_UNAVAILABLE = Set.of(
            90097, // database is read only
            90067, // connection is broken
            90098, // database is closed
            90020, // database in use by another process (file locked)
            90028, 90031, // I/O errors (disk full, file gone)
            90121, // database called at shutdown
            57014); // statement cancelled or timed out

    private SqlErrors() {}

    /** The store exception for {@code e}, with {@code action} ("insert notifications") in its message. */
    static StoreException translate(Dialect dialect, String action, SQLException e) {
        String detail = action + " failed: " + firstLine(e.getMessage());
        if (isUnavailable(dialect, e)) {
            return new StoreUnavailableException(
                    "database unavailable: " + detail + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
        if (isDuplicateKey(dialect, e)) {
            return new DuplicateKeyException(detail, e);
        }
        if (isConflict(dialect, e)) {
            return new StoreConflictException(detail + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
        return new StoreException(detail + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    static boolean isUnavailable(Dialect dialect, SQLException top) {
        for (Throwable t = top; t != null; t = t.getCause()) {
            if (!(t instanceof SQLException e)) {
                continue;
            }
            if (e instanceof SQLTransientConnectionException
                    || e instanceof SQLNonTransientConnectionException
                    || e instanceof SQLRecoverableException
                    || e instanceof SQLTimeoutException) {
                return true;
            }
            String state = e.getSQLState();
            if (state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state))) {
                return true;
            }
            int code = e.getErrorCode();
            if (dialect == Dialect.MARIADB && MARIADB_UNAVAILABLE.contains(code)
                    || dialect == Dialect.H2 && H2_UNAVAILABLE.contains(code)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static boolean isDuplicateKey(Dialect dialect, SQLException e) {
        return "23505".equals(e.getSQLState())
                || dialect == Dialect.MARIADB && e.getErrorCode() == 1062;
    }

    /** Deadlock, serialization failure (40001, PostgreSQL 40P01) or MariaDB lock wait timeout. */
    static boolean isConflict(Dialect dialect, SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state)
                || dialect == Dialect.MARIADB && (e.getErrorCode() == 1213 || e.getErrorCode() == 1205)
                || dialect == Dialect.H2 && (e.getErrorCode() == 40001 || e.getErrorCode() == 50200);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
