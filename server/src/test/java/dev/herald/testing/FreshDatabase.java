package dev.herald.testing;

import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The migrated database one {@link EveryDatabase} run gives its tests: a pool on it
 * ({@link #db()}), where it lives ({@link #location()}, to open read-only or other pools on it),
 * and plain SQL for setup and inspection outside the code under test.
 */
public final class FreshDatabase implements AutoCloseable {
    private final TestDatabase location;
    private Database db;

    private FreshDatabase(TestDatabase location) {
        this.location = location;
        this.db = Database.open(location.config());
    }

    /** A new, migrated database; fails (AssertionError) when its server cannot be reached. */
    static FreshDatabase create(Dialect dialect) {
        TestDatabase location = TestDatabase.create(dialect);
        try {
            FreshDatabase fresh = new FreshDatabase(location);
            fresh.db.migrate();
            return fresh;
        } catch (RuntimeException | Error e) {
            location.close();
            throw e;
        }
    }

    public Dialect dialect() {
        return location.dialect();
    }

    /** The shared pool on it. */
    public Database db() {
        return db;
    }

    public TestDatabase location() {
        return location;
    }

    /** Replaces the shared pool (after a test closed it to reopen the file differently, or changed the zone). */
    public void reopen() {
        db.close();
        db = Database.open(location.config());
    }

    /** Runs plain SQL on it, outside the store (setup and inspection). */
    public void sql(String statement) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new AssertionError(statement + ": " + e.getMessage(), e);
        }
    }

    /** A single number from plain SQL. */
    public long count(String query) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(query + ": " + e.getMessage(), e);
        }
    }

    void emptyTables() {
        sql("DELETE FROM system_notifications");
        sql("DELETE FROM known_users");
        sql("DELETE FROM idempotency_keys");
        sql("DELETE FROM notification_groups");
        sql("DELETE FROM notification_preferences");
        sql("DELETE FROM notification_settings");
        sql("DELETE FROM webhook_outbox");
        sql("DELETE FROM webhook_presence");
    }

    @Override
    public void close() {
        try {
            db.close();
        } finally {
            location.close();
        }
    }
}
