package dev.herald.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.h2.tools.Server;

/**
 * A fresh, empty database of one dialect for one test class: H2 in a temporary directory,
 * PostgreSQL and MariaDB as a new database {@code herald_t_<epoch>_<random>} on the local
 * server, dropped by {@link #close()}. Parallel runs never share one.
 *
 * <p>The servers are found at {@code HERALD_TEST_PG_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, users {@code HERALD_TEST_PG_USER} or
 * postgres, then root; trust auth) and {@code HERALD_TEST_MARIADB_URL} (default
 * {@code jdbc:mariadb://127.0.0.1:3306/test}, user root, empty password). When one cannot be
 * reached the test FAILS with a message saying so: CI relies on all three being exercised.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String PREFIX = "herald_t_";
    private static final Duration STALE = Duration.ofHours(6);

    private final Dialect dialect;
    private final Admin server;
    private final String name;
    private final Path dir;
    private Server h2Server;

    private TestDatabase(Dialect dialect, Admin server, String name, Path dir) {
        this.dialect = dialect;
        this.server = server;
        this.name = name;
        this.dir = dir;
    }

    /** A new empty database; fails the test (AssertionError) when its server is unreachable. */
    public static TestDatabase create(Dialect dialect) {
        if (dialect == Dialect.H2) {
            try {
                return new TestDatabase(dialect, null, null, Files.createTempDirectory("herald-h2-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Admin server = Admin.of(dialect);
        String name = PREFIX + Instant.now().getEpochSecond() + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        server.execute(dialect == Dialect.MARIADB
                ? "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                : "CREATE DATABASE " + name);
        server.dropStale();
        return new TestDatabase(dialect, server, name, null);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** A small pool on the fresh database. */
    public DatabaseConfig config() {
        if (dialect == Dialect.H2) {
            return new DatabaseConfig("", "", "", 4, dir);
        }
        return new DatabaseConfig(server.urlOf(name, ""), server.user, server.password, 4, null);
    }

    /**
     * The same database, but every connection refuses writes: H2 opens the file read-only (close
     * other pools on it first), PostgreSQL sessions start with
     * {@code default_transaction_read_only}, MariaDB sessions with {@code tx_read_only}.
     */
    public DatabaseConfig readOnlyConfig() {
        return switch (dialect) {
            case H2 -> new DatabaseConfig(config().jdbcUrl() + ";ACCESS_MODE_DATA=r", "sa", "", 2, dir);
            case POSTGRESQL -> new DatabaseConfig(
                    server.urlOf(name, "options=-c%20default_transaction_read_only%3Don"),
                    server.user, server.password, 2, null);
            case MARIADB -> new DatabaseConfig(server.urlOf(name, "sessionVariables=tx_read_only=1"),
                    server.user, server.password, 2, null);
        };
    }

    /**
     * The TCP port the database server listens on; for H2 an in-process H2 TCP server over the
     * same file is started (and stopped by {@link #close()}).
     */
    public int serverPort() {
        if (dialect != Dialect.H2) {
            Matcher m = Pattern.compile("//[^/:]+(?::(\\d+))?/").matcher(server.adminUrl);
            if (!m.find()) {
                throw new AssertionError("no host in " + server.adminUrl);
            }
            return m.group(1) != null ? Integer.parseInt(m.group(1)) : dialect == Dialect.POSTGRESQL ? 5432 : 3306;
        }
        if (h2Server == null) {
            try {
                h2Server = Server.createTcpServer(
                        "-tcpPort", "0", "-baseDir", dir.toString(), "-ifExists").start();
            } catch (SQLException e) {
                throw new AssertionError("cannot start an H2 TCP server: " + e.getMessage(), e);
            }
        }
        return h2Server.getPort();
    }

    /** This database reached over TCP at 127.0.0.1:{@code port} (a {@code testing.TcpForwarder}'s, say). */
    public DatabaseConfig configVia(int port) {
        String url = switch (dialect) {
            case H2 -> "jdbc:h2:tcp://127.0.0.1:" + port + "/herald";
            case POSTGRESQL -> "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
            case MARIADB -> "jdbc:mariadb://127.0.0.1:" + port + "/" + name;
        };
        return new DatabaseConfig(url, dialect == Dialect.H2 ? "sa" : server.user,
                dialect == Dialect.H2 ? "" : server.password, 2, null);
    }

    /** A URL of this dialect on a local port where nothing listens. */
    public DatabaseConfig unreachableConfig() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String url = switch (dialect) {
            case H2 -> "jdbc:h2:tcp://127.0.0.1:" + port + "/nothing";
            case POSTGRESQL -> "jdbc:postgresql://127.0.0.1:" + port + "/nothing";
            case MARIADB -> "jdbc:mariadb://127.0.0.1:" + port + "/nothing";
        };
        return new DatabaseConfig(url, "nobody", "", 2, null);
    }

    @Override
    public void close() {
        if (h2Server != null) {
            h2Server.stop();
        }
        if (server != null) {
            server.execute(dialect == Dialect.POSTGRESQL
                    ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
                    : "DROP DATABASE IF EXISTS " + name);
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin side of a PostgreSQL or MariaDB server. */
    private record Admin(Dialect dialect, String adminUrl, String user, String password) {

        static Admin of(Dialect dialect) {
            String url;
            List<String> users = new ArrayList<>();
            String password;
            if (dialect == Dialect.POSTGRESQL) {
                url = env("HERALD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
                String user = System.getenv("HERALD_TEST_PG_USER");
                users.addAll(user != null ? List.of(user) : List.of("postgres", "root"));
                password = env("HERALD_TEST_PG_PASSWORD", "");
            } else {
                url = env("HERALD_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
                users.add(env("HERALD_TEST_MARIADB_USER", "root"));
                password = env("HERALD_TEST_MARIADB_PASSWORD", "");
            }
            SQLException last = null;
            for (String user : users) {
                try (Connection c = DriverManager.getConnection(url, user, password)) {
                    return new Admin(dialect, url, user, password);
                } catch (SQLException e) {
                    last = e;
                }
            }
            throw new AssertionError(dialect + " is not reachable at " + url + " as " + users + ": "
                    + (last == null ? "?" : last.getMessage()) + "\nThe store tests run against H2,"
                    + " PostgreSQL and MariaDB and never skip one. Start the server (see"
                    + " .library/env/machines/java-maven-svc.md or .ci/run) or point "
                    + (dialect == Dialect.POSTGRESQL ? "HERALD_TEST_PG_URL" : "HERALD_TEST_MARIADB_URL")
                    + " at one.", last);
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }

        /** The admin URL with its database replaced by {@code db} and {@code params} added. */
        String urlOf(String db, String params) {
            int query = adminUrl.indexOf('?');
            String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
            String existing = query < 0 ? "" : adminUrl.substring(query + 1);
            String url = base.substring(0, base.lastIndexOf('/') + 1) + db;
            String all = existing.isEmpty() ? params : params.isEmpty() ? existing : existing + "&" + params;
            return all.isEmpty() ? url : url + "?" + all;
        }

        void execute(String sql) {
            try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                    Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new AssertionError(dialect + ": " + sql + " failed: " + e.getMessage(), e);
            }
        }

        /** Drops test databases left by runs that died more than {@link #STALE} ago. */
        void dropStale() {
            String list = dialect == Dialect.POSTGRESQL
                    ? "SELECT datname FROM pg_database WHERE datname LIKE 'herald!_t!_%' ESCAPE '!'"
                    : "SELECT schema_name FROM information_schema.schemata"
                            + " WHERE schema_name LIKE 'herald!_t!_%' ESCAPE '!'";
            List<String> stale = new ArrayList<>();
            long cutoff = Instant.now().minus(STALE).getEpochSecond();
            try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(list)) {
                while (rs.next()) {
                    String db = rs.getString(1).toLowerCase(Locale.ROOT);
                    String[] parts = db.substring(PREFIX.length()).split("_");
                    if (parts.length == 2 && parts[0].matches("\\d+") && Long.parseLong(parts[0]) < cutoff) {
                        stale.add(db);
                    }
                }
            } catch (SQLException e) {
                return; // housekeeping only
            }
            for (String db : stale) {
                execute(dialect == Dialect.POSTGRESQL
                        ? "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"
                        : "DROP DATABASE IF EXISTS " + db);
            }
        }
    }
}
