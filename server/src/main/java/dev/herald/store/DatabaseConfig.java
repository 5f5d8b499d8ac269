package dev.herald.store;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the database is and how many connections to keep.
 *
 * <p>An empty {@code url} means the embedded H2 file database {@code <dataDir>/herald.mv.db};
 * otherwise {@code url} is a JDBC URL of PostgreSQL or MariaDB ({@code jdbc:mysql:} URLs are
 * handed to the MariaDB driver). {@code user} and {@code password} may be empty (trust auth,
 * or credentials inside the URL). {@link #toString()} never shows the password.
 *
 * @param url JDBC URL, or empty for embedded H2; never null after construction
 * @param user database user, empty for none; never null after construction
 * @param password database password, empty for none; never null after construction
 * @param poolSize connections in the pool, at least 1
 * @param dataDir directory of the embedded database; required when {@code url} is empty
 */
public record DatabaseConfig(String url, String user, String password, int poolSize, Path dataDir) {

    /** Pool size used by {@link #embedded(Path)}. */
    public static final int DEFAULT_POOL_SIZE = 10;

    private static final String H2_FILE_NAME = "herald";

    public DatabaseConfig {
        url = url == null ? "" : url.strip();
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        if (poolSize < 1) {
            throw new IllegalArgumentException("database pool size must be at least 1, got " + poolSize);
        }
        if (url.isEmpty() && dataDir == null) {
            throw new IllegalArgumentException(
                    "the embedded database needs a data directory: set the data dir or a database URL");
        }
        if (!url.isEmpty()) {
            Dialect.fromJdbcUrl(url); // fails early, with the accepted forms, for anything else
        }
    }

    /** The embedded H2 database under {@code dataDir}, with the default pool size. */
    public static DatabaseConfig embedded(Path dataDir) {
        return new DatabaseConfig("", "", "", DEFAULT_POOL_SIZE, dataDir);
    }

    /** True when this is the embedded H2 file database. */
    public boolean isEmbedded() {
        return url.isEmpty();
    }

    /**
     * The URL handed to the driver: the embedded H2 file URL when {@code url} is empty, and
     * {@code jdbc:mysql:} rewritten to {@code jdbc:mariadb:} (the only MySQL-protocol driver
     * Herald ships).
     */
    public String jdbcUrl() {
        if (isEmbedded()) {
            Path file = dataDir.toAbsolutePath().normalize().resolve(H2_FILE_NAME);
            // DB_CLOSE_ON_EXIT=FALSE: the server closes the pool itself during graceful shutdown.
            return "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:")) {
            return "jdbc:mariadb:" + url.substring("jdbc:mysql:".length());
        }
        return url;
    }

    /** The database this configuration points at. */
    public Dialect dialect() {
        return Dialect.fromJdbcUrl(jdbcUrl());
    }

    /** The user handed to the driver: {@code sa} for embedded H2 when none is given. */
    public String effectiveUser() {
        return isEmbedded() && user.isEmpty() ? "sa" : user;
    }

    /**
     * The URL without its parameters ({@code ?…} or H2's {@code ;…}), which may hold a password:
     * safe for logs and messages.
     */
    public String safeUrl() {
        String full = jdbcUrl();
        int cut = full.length();
        for (char c : new char[] {'?', ';'}) {
            int at = full.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return full.substring(0, cut);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + safeUrl()
                + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "***")
                + ", poolSize=" + poolSize + ", dataDir=" + dataDir + "]";
    }
}
