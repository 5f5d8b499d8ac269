package dev.herald.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The SQL databases Herald runs on, and the few things that differ between them outside of
 * the migrations: how a URL names them, where their migrations live, how an instant is bound,
 * and which operator matches text without regard to case.
 *
 * <p>Timestamps are always UTC with millisecond precision. H2 and PostgreSQL store them in
 * {@code TIMESTAMP WITH TIME ZONE} columns and are bound as {@link OffsetDateTime} at UTC;
 * MariaDB stores them in {@code DATETIME(3)} columns holding the UTC wall-clock time and is
 * bound as a {@link LocalDateTime}, so no session or JVM time zone is ever consulted.
 */
public enum Dialect {
    /** Embedded default (file database under the data directory). */
    H2("h2", "ILIKE"),
    /** PostgreSQL 13 or newer. */
    POSTGRESQL("postgresql", "ILIKE"),
    /** MariaDB 10.6 or newer; {@code jdbc:mysql:} URLs are routed here too. */
    MARIADB("mariadb", "LIKE");

    private final String folder;
    private final String caseInsensitiveLike;

    Dialect(String folder, String caseInsensitiveLike) {
        this.folder = folder;
        this.caseInsensitiveLike = caseInsensitiveLike;
    }

    /**
     * The dialect a JDBC URL names.
     *
     * @throws IllegalArgumentException for a URL of any other database, with the accepted forms
     */
    public static Dialect fromJdbcUrl(String url) {
        String u = url == null ? "" : url.strip().toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (u.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("unsupported database URL '" + url
                + "': use jdbc:h2:…, jdbc:postgresql://host:5432/db or jdbc:mariadb://host:3306/db"
                + " (jdbc:mysql:// is accepted too), or leave it empty for the embedded H2 database");
    }

    /** Flyway location of this dialect's migrations. */
    public String migrationLocation() {
        return "classpath:db/migration/" + folder;
    }

    /**
     * The SQL operator for a case-insensitive {@code LIKE}: {@code ILIKE} where it exists; on
     * MariaDB plain {@code LIKE}, which is case-insensitive under the tables' {@code _ci}
     * collation.
     */
    public String caseInsensitiveLike() {
        return caseInsensitiveLike;
    }

    /** The JDBC parameter value for an instant (see the class comment); null stays null. */
    public Object timestamp(Instant instant) {
        if (instant == null) {
            return null;
        }
        return this == MARIADB
                ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
                : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Reads a timestamp column written by {@link #timestamp(Instant)}; SQL NULL gives null. */
    public Instant readTimestamp(ResultSet rs, int column) throws SQLException {
        if (this == MARIADB) {
            LocalDateTime value = rs.getObject(column, LocalDateTime.class);
            return value == null ? null : value.toInstant(ZoneOffset.UTC);
        }
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
