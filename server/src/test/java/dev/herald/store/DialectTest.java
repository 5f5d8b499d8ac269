package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DialectTest {

    @Test
    void fromJdbcUrl_knownPrefixes_mapToDialects() {
        assertThat(Dialect.fromJdbcUrl("jdbc:h2:file:/tmp/x")).isEqualTo(Dialect.H2);
        assertThat(Dialect.fromJdbcUrl("jdbc:postgresql://db:5432/herald")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromJdbcUrl("jdbc:mariadb://db/herald")).isEqualTo(Dialect.MARIADB);
        assertThat(Dialect.fromJdbcUrl(" JDBC:MySQL://db/herald")).isEqualTo(Dialect.MARIADB);
    }

    @Test
    void fromJdbcUrl_otherDatabase_explainsAcceptedForms() {
        assertThatThrownBy(() -> Dialect.fromJdbcUrl("jdbc:sqlite:x.db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageContaining("empty");
    }

    @Test
    void timestamp_mariadb_isUtcWallClock_othersAreUtcOffset() {
        Instant t = Instant.parse("2025-03-04T05:06:07.089Z");
        assertThat(Dialect.MARIADB.timestamp(t)).isEqualTo(LocalDateTime.parse("2025-03-04T05:06:07.089"));
        assertThat(Dialect.POSTGRESQL.timestamp(t)).isEqualTo(OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        assertThat(Dialect.H2.timestamp(null)).isNull();
    }

    @Test
    void migrationLocation_isPerVendorFolder() {
        assertThat(Dialect.H2.migrationLocation()).isEqualTo("classpath:db/migration/h2");
        assertThat(Dialect.MARIADB.migrationLocation()).isEqualTo("classpath:db/migration/mariadb");
    }
}
