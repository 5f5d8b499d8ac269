package dev.herald.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Herald's connection to its SQL database: a HikariCP pool, the detected {@link Dialect}, the
 * Flyway migrations, and transactions.
 *
 * <p>Failures leave as unchecked exceptions: {@link StoreUnavailableException} when the
 * database cannot be reached or refuses writes (the pool waits at most
 * {@link #CONNECTION_TIMEOUT_MS} for a connection and the drivers give up on a silent server
 * after {@link #SOCKET_TIMEOUT_MS}), {@link DuplicateKeyException} for unique-constraint
 * violations, {@link StoreConflictException} for deadlocks and serialization failures, and
 * {@link StoreException} for everything else. Every method is thread-safe.
 * JDBC calls block: callers keep them off event loops.
 */
public final class Database implements AutoCloseable {

    /** Longest wait for a pooled connection (and for a new connection to be established). */
    public static final long CONNECTION_TIMEOUT_MS = 3_000;
    /** Longest wait for a server that stopped answering in the middle of a statement. */
    public static final long SOCKET_TIMEOUT_MS = 30_000;

    /**
     * After a failed connection attempt, how long callers are refused at once before the next
     * attempt ({@link ConnectionGate}): a dead database costs 503s, not a connection timeout each.
     */
    static final long GATE_PAUSE_MS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final String description;
    private final ConnectionGate gate = new ConnectionGate(GATE_PAUSE_MS, System::nanoTime);

    private Database(HikariDataSource pool, Dialect dialect, String description) {
        this.pool = requireNonNull(pool, "pool");
        this.dialect = requireNonNull(dialect, "dialect");
        this.description = requireNonNull(description, "description");
    }

    /**
     * Opens the pool and checks that the database answers. Does not migrate: call
     * {@link #migrate()} (the server does at start, the CLI {@code migrate} command on demand).
     *
     * @throws StoreUnavailableException when the database cannot be reached within the timeout
     * @throws StoreException for anything else (wrong password, unknown database, …)
     */
    public static Database open(DatabaseConfig config) {
        requireNonNull(config, "config");
        Dialect dialect = config.dialect();
        String description = dialect + " " + config.safeUrl();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("herald-db");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.effectiveUser());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(Math.min(1_000, CONNECTION_TIMEOUT_MS));
        hikari.setInitializationFailTimeout(1); // one quick attempt; a dead database fails open()
        driverTimeouts(dialect, hikari);
        try {
            HikariDataSource pool = new HikariDataSource(hikari);
            LOG.info("database: {} (pool of {})", description, config.poolSize());
            return new Database(pool, dialect, description);
        } catch (HikariPool.PoolInitializationException e) {
            SQLException sql = findSqlException(e);
            if (sql != null) {
                throw SqlErrors.translate(dialect, "connecting to " + description, sql);
            }
            throw new StoreUnavailableException("cannot connect to " + description + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open " + description + ": " + e.getMessage(), e);
        }
    }

    private static void driverTimeouts(Dialect dialect, HikariConfig hikari) {
        switch (dialect) {
            case POSTGRESQL -> {
                hikari.addDataSourceProperty("connectTimeout", String.valueOf(secondsCeil(CONNECTION_TIMEOUT_MS)));
                hikari.addDataSourceProperty("socketTimeout", String.valueOf(secondsCeil(SOCKET_TIMEOUT_MS)));
                hikari.addDataSourceProperty("tcpKeepAlive", "true");
                hikari.addDataSourceProperty("ApplicationName", "herald");
            }
            case MARIADB -> {
                hikari.addDataSourceProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT_MS));
                hikari.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_MS));
                hikari.addDataSourceProperty("tcpKeepAlive", "true");
            }
            case H2 -> { } // embedded or H2's own TCP server: nothing to tune here
        }
    }

    private static long secondsCeil(long millis) {
        return TimeUnit.MILLISECONDS.toSeconds(millis + 999);
    }

    private static SQLException findSqlException(Throwable t) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof SQLException e) {
                return e;
            }
        }
        return null;
    }

    /** The database this pool talks to. */
    public Dialect dialect() {
        return dialect;
    }

    /** The pool, for code that needs plain JDBC (Flyway, tests); prefer the methods below. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Applies pending Flyway migrations from {@link Dialect#migrationLocation()}. Safe to run at
     * every start and from several processes: Flyway serialises them with a lock.
     *
     * @return how many migrations were applied (0 when the schema was up to date)
     */
    public int migrate() {
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(pool)
                    .locations(dialect.migrationLocation())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("database schema migrated to version {} ({} migration(s) applied)",
                        result.targetSchemaVersion, result.migrationsExecuted);
            } else {
                LOG.info("database schema is up to date");
            }
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            SQLException sql = findSqlException(e);
            if (sql != null) {
                throw SqlErrors.translate(dialect, "migrating " + description, sql);
            }
            throw new StoreException("migrating " + description + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it
     * throws (then the exception leaves translated, or as it was if it is not an SQLException).
     */
    public <T> T inTransaction(SqlWork<T> work) {
        return inTransaction("transaction", work);
    }

    /**
     * Like {@link #inTransaction(SqlWork)}; {@code action} ("insert notifications") names the
     * work in exception messages.
     */
    public <T> T inTransaction(String action, SqlWork<T> work) {
        requireNonNull(action, "action");
        requireNonNull(work, "work");
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            Transaction tx = Transaction.begin(c);
            boolean committed = false;
            try {
                T result = work.run(c);
                commit(c, action);
                committed = true;
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c);
                tx.end(committed);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, action, e);
        }
    }

    /**
     * Has {@code whenEnded} told how the transaction on {@code c} ended, once it has: {@code true}
     * after its commit, {@code false} after a rollback — also when the answer to the COMMIT was
     * lost, since the change may or may not have been kept. {@code c} must be the connection of an
     * {@link #inTransaction} running on this thread (of any {@code Database}). The listeners run on
     * this thread, in the order given, before {@code inTransaction} returns or throws; one that
     * throws is logged and does not change the transaction's outcome. For work that must follow
     * the commit and never a rollback: handing what the transaction stored to a sender, say.
     *
     * @throws IllegalStateException when {@code c} is not in such a transaction
     */
    public static void whenEnded(Connection c, Consumer<Boolean> whenEnded) {
        Transaction.of(requireNonNull(c, "c")).listeners.add(requireNonNull(whenEnded, "whenEnded"));
    }

    /**
     * Whether {@code e}, thrown inside {@link #inTransaction} work, means the database cannot be
     * reached or refuses writes (it would leave as {@link StoreUnavailableException}).
     */
    public boolean isUnavailable(SQLException e) {
        return SqlErrors.isUnavailable(dialect, requireNonNull(e, "e"));
    }

    /**
     * Whether {@code e} means a concurrent transaction got in the way: deadlock, serialization
     * failure, lock wait timeout (it would leave as {@link StoreConflictException}).
     */
    public boolean isConflict(SQLException e) {
        return SqlErrors.isConflict(dialect, requireNonNull(e, "e"));
    }

    /** Runs {@code work} on a connection in auto-commit mode (each statement its own transaction). */
    public <T> T withConnection(SqlWork<T> work) {
        return withConnection("statement", work);
    }

    /** Like {@link #withConnection(SqlWork)}; {@code action} names the work in exception messages. */
    public <T> T withConnection(String action, SqlWork<T> work) {
        requireNonNull(action, "action");
        requireNonNull(work, "work");
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, action, e);
        }
    }

    private Connection connection() throws SQLException {
        if (pool.isClosed()) {
            throw new StoreUnavailableException("database pool is closed (" + description + ")");
        }
        return gate.open(pool::getConnection, description);
    }

    /**
     * Commits; a connection lost during the COMMIT leaves as {@link StoreUnavailableException} that
     * says the change may have been kept (the database may have committed before the link broke).
     */
    private void commit(Connection c, String action) throws SQLException {
        try {
            c.commit();
        } catch (SQLException e) {
            StoreException translated = SqlErrors.translate(dialect, action, e);
            if (translated instanceof StoreUnavailableException) {
                throw new StoreUnavailableException("the answer to COMMIT (" + action + ") was lost: " + e.getMessage(), e, true);
            }
            throw e;
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the pool resets or evicts a broken connection on its own
        }
    }

    /** The transactions of {@link #inTransaction} open on this thread, innermost last, with their end listeners. */
    private static final class Transaction {
        private static final ThreadLocal<ArrayDeque<Transaction>> OPEN =
                ThreadLocal.withInitial(ArrayDeque::new);

        private final Connection connection;
        private final List<Consumer<Boolean>> listeners = new ArrayList<>(1);

        private Transaction(Connection connection) {
            this.connection = connection;
        }

        static Transaction begin(Connection c) {
            Transaction tx = new Transaction(c);
            OPEN.get().addLast(tx);
            return tx;
        }

        static Transaction of(Connection c) {
            for (Transaction tx : OPEN.get()) {
                if (tx.connection == c) {
                    return tx;
                }
            }
            throw new IllegalStateException("not the connection of a transaction open on this thread");
        }

        void end(boolean committed) {
            OPEN.get().remove(this);
            for (Consumer<Boolean> l : listeners) {
                try {
                    l.accept(committed);
                } catch (RuntimeException e) {
                    LOG.warn("a listener of a transaction's end failed (the transaction {}): {}",
                            committed ? "committed" : "rolled back", e.toString());
                }
            }
        }
    }

    /** Closes every pooled connection; later calls throw {@link StoreUnavailableException}. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Database[" + description + "]";
    }
}
