package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.Concurrently;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EveryDatabase
class DatabaseTest {

    private static final String INSERT_USER =
            "INSERT INTO known_users (user_id, first_seen, last_seen) VALUES (?, ?, ?)";

    private FreshDatabase database;
    private Dialect dialect;

    @BeforeEach
    void database(FreshDatabase database) {
        this.database = database;
        this.dialect = database.dialect();
    }

    @Test
    void open_detectsDialectFromUrl() {
        assertThat(database.db().dialect()).isEqualTo(dialect);
        assertThat(database.db().toString()).contains(dialect.name()).doesNotContain("password");
    }

    @Test
    void migrate_secondRun_appliesNothingAndKeepsTables() {
        assertThat(database.db().migrate()).isZero();
        assertThat(database.count("SELECT COUNT(*) FROM system_notifications")).isZero();
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isZero();
        assertThat(database.count("SELECT COUNT(*) FROM idempotency_keys")).isZero();
    }

    @Test
    void inTransaction_returns_commitsEverything() {
        int inserted = database.db().inTransaction(c -> insertUser(c, 1) + insertUser(c, 2));
        assertThat(inserted).isEqualTo(2);
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isEqualTo(2);
    }

    @Test
    void inTransaction_throws_commitsNothing() {
        assertThatThrownBy(() -> database.db().inTransaction(c -> {
            insertUser(c, 1);
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isZero();
    }

    @Test
    void whenEnded_toldTrueAfterTheCommit_falseAfterARollback_neverBefore() {
        java.util.List<String> heard = new java.util.ArrayList<>();
        database.db().inTransaction(c -> {
            insertUser(c, 1);
            Database.whenEnded(c, committed -> heard.add("first " + committed
                    + " rows=" + database.count("SELECT COUNT(*) FROM known_users")));
            Database.whenEnded(c, committed -> heard.add("second " + committed));
            assertThat(heard).as("told before the end").isEmpty();
            return null;
        });
        // the listener saw the row from another connection: it ran after the commit
        assertThat(heard).containsExactly("first true rows=1", "second true");

        heard.clear();
        assertThatThrownBy(() -> database.db().inTransaction(c -> {
            insertUser(c, 2);
            Database.whenEnded(c, committed -> heard.add("rolled back " + !committed));
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(heard).containsExactly("rolled back true");
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isEqualTo(1);
    }

    @Test
    void whenEnded_aListenerThatThrows_doesNotUndoTheCommit_andTheOthersStillRun() {
        java.util.List<Boolean> heard = new java.util.ArrayList<>();
        int result = database.db().inTransaction(c -> {
            insertUser(c, 1);
            Database.whenEnded(c, committed -> {
                throw new IllegalStateException("listener broke");
            });
            Database.whenEnded(c, heard::add);
            return 7;
        });
        assertThat(result).isEqualTo(7);
        assertThat(heard).containsExactly(true);
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isEqualTo(1);
    }

    @Test
    void whenEnded_outsideATransactionOfThisThread_isRefused() {
        assertThatThrownBy(() -> database.db().withConnection(c -> {
            Database.whenEnded(c, committed -> {});
            return null;
        })).isInstanceOf(IllegalStateException.class);
        // a nested transaction's listener belongs to its own connection, told when that one ends
        java.util.List<String> heard = new java.util.ArrayList<>();
        database.db().inTransaction(outer -> {
            database.db().inTransaction(inner -> {
                Database.whenEnded(inner, committed -> heard.add("inner " + committed));
                return null;
            });
            assertThat(heard).containsExactly("inner true");
            Database.whenEnded(outer, committed -> heard.add("outer " + committed));
            return null;
        });
        assertThat(heard).containsExactly("inner true", "outer true");
    }

    @Test
    void inTransaction_duplicatePrimaryKey_throwsDuplicateKeyAndRollsBack() {
        assertThatThrownBy(() -> database.db().inTransaction("add users", c -> insertUser(c, 7) + insertUser(c, 7)))
                .isInstanceOf(DuplicateKeyException.class)
                .hasMessageContaining("add users");
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isZero();
    }

    @Test
    void withConnection_badSql_throwsStoreExceptionNotUnavailable() {
        assertThatThrownBy(() -> database.db().withConnection(c -> c.createStatement().execute("SELECT nope FROM nowhere")))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void open_serverDown_throwsUnavailableQuickly() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Database.open(database.location().unreachableConfig()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void closedDatabase_anyCall_throwsUnavailable() {
        Database other = Database.open(database.location().config());
        other.close();
        assertThatThrownBy(() -> other.withConnection(c -> 1)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void connectionLostBeforeCommit_isUnavailableThatMayHaveCommitted() {
        // the COMMIT is the one step whose lost answer leaves the outcome open: a 503 for it must not
        // say "nothing was changed" (a chaos run found such a send stored)
        Assumptions.assumeTrue(dialect != Dialect.H2, "embedded H2 has no server connection to lose");
        assertThatThrownBy(() -> database.db().inTransaction("insert user", c -> {
            insertUser(c, 7);
            killOwnSession(c);
            return 1;
        })).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.maybeCommitted()).isTrue());
        assertThatThrownBy(() -> database.db().inTransaction("insert user", c -> {
            killOwnSession(c);
            return insertUser(c, 8);
        })).isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.maybeCommitted()).isFalse());
    }

    /** Ends {@code c}'s server session from a second connection, as a database restart would. */
    private void killOwnSession(Connection c) throws SQLException {
        String idQuery = dialect == Dialect.POSTGRESQL ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
        long id;
        try (PreparedStatement ps = c.prepareStatement(idQuery); ResultSet rs = ps.executeQuery()) {
            rs.next();
            id = rs.getLong(1);
        }
        try (Connection other = database.db().dataSource().getConnection(); Statement s = other.createStatement()) {
            s.execute(dialect == Dialect.POSTGRESQL ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id);
        }
    }

    @Test
    void readOnlyDatabase_write_throwsUnavailableAndCommitsNothing() {
        database.db().inTransaction(c -> insertUser(c, 1));
        if (dialect == Dialect.H2) {
            database.db().close(); // one process opens an H2 file either read-write or read-only
        }
        try (Database readOnly = Database.open(database.location().readOnlyConfig())) {
            long before = readOnly.withConnection(DatabaseTest::countUsers);
            assertThat(before).isEqualTo(1);
            assertThatThrownBy(() -> readOnly.inTransaction(c -> insertUser(c, 2) + insertUser(c, 3)))
                    .isInstanceOf(StoreUnavailableException.class);
        } finally {
            if (dialect == Dialect.H2) {
                database.reopen();
            }
        }
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isEqualTo(1);
    }

    @Test
    void poolExhausted_waitsAtMostConnectionTimeout_thenUnavailable() throws Exception {
        DatabaseConfig base = dialect == Dialect.H2
                ? database.location().configVia(database.location().serverPort()) : database.location().config();
        DatabaseConfig one = new DatabaseConfig(base.url(), base.user(), base.password(), 1, null);
        try (Database tiny = Database.open(one)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> tiny.withConnection(c -> {
                holding.countDown();
                awaitQuietly(release);
                return null;
            }));
            holder.start();
            holding.await();
            long start = System.nanoTime();
            try {
                assertThatThrownBy(() -> tiny.withConnection(c -> 1)).isInstanceOf(StoreUnavailableException.class);
            } finally {
                release.countDown();
                holder.join();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).isBetween(Duration.ofMillis(Database.CONNECTION_TIMEOUT_MS - 500),
                    Duration.ofMillis(Database.CONNECTION_TIMEOUT_MS + 3_000));
            int answered = tiny.withConnection(c -> 1);
            assertThat(answered).isEqualTo(1);
        }
    }

    @Test
    void concurrentTransactions_eachCommitsOwnRows() throws Exception {
        Concurrently.run(4, t -> database.db().inTransaction(c -> {
            for (int i = 1; i <= 25; i++) {
                insertUser(c, t * 100L + i);
            }
            return null;
        }));
        assertThat(database.count("SELECT COUNT(*) FROM known_users")).isEqualTo(100);
    }

    private int insertUser(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_USER)) {
            Object now = dialect.timestamp(Instant.now());
            ps.setLong(1, id);
            ps.setObject(2, now);
            ps.setObject(3, now);
            return ps.executeUpdate();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long countUsers(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM known_users")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
