package dev.herald.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of a subclass once per database (H2, PostgreSQL, MariaDB), each time on a
 * fresh, migrated database that is dropped afterwards. Tables are emptied before each test.
 * Test classes run one after another (JUnit's default), so the static fields are never shared
 * by two running invocations.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Dialect.class)
public abstract class DatabaseTestBase {

    private static TestDatabase testDatabase;
    private static Database database;

    @Parameter
    protected Dialect dialect;

    @BeforeParameterizedClassInvocation
    public static void createDatabase(Dialect dialect) {
        testDatabase = TestDatabase.create(dialect);
        database = Database.open(testDatabase.config());
        database.migrate();
    }

    @AfterParameterizedClassInvocation
    public static void dropDatabase() {
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            database = null;
            if (testDatabase != null) {
                testDatabase.close();
                testDatabase = null;
            }
        }
    }

    @BeforeEach
    protected void emptyTables() throws SQLException {
        try (Connection c = db().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM system_notifications");
            s.execute("DELETE FROM known_users");
            s.execute("DELETE FROM idempotency_keys");
        }
    }

    /** The migrated database of the current invocation. */
    protected static Database db() {
        return database;
    }

    /** Where it lives, to open read-only or other pools on it. */
    protected static TestDatabase testDatabase() {
        return testDatabase;
    }

    /** Replaces the shared pool (after a test closed it to reopen the file differently). */
    protected static void reopen() {
        if (database != null) {
            database.close();
        }
        database = Database.open(testDatabase.config());
    }

    /** Runs plain SQL on the test database, outside the store (setup and inspection). */
    protected static void sql(String statement) {
        try (Connection c = db().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new AssertionError(statement + ": " + e.getMessage(), e);
        }
    }

    /** A single number from plain SQL. */
    protected static long count(String query) {
        try (Connection c = db().dataSource().getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(query + ": " + e.getMessage(), e);
        }
    }
}
