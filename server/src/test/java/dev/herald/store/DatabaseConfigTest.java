package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void emptyUrl_isEmbeddedH2FileUnderDataDir() {
        DatabaseConfig config = DatabaseConfig.embedded(Path.of("/var/lib/herald"));
        assertThat(config.isEmbedded()).isTrue();
        assertThat(config.jdbcUrl()).startsWith("jdbc:h2:file:/var/lib/herald/herald;");
        assertThat(config.dialect()).isEqualTo(Dialect.H2);
        assertThat(config.effectiveUser()).isEqualTo("sa");
    }

    @Test
    void nullsBecomeEmpty() {
        DatabaseConfig config = new DatabaseConfig(null, null, null, 1, Path.of("d"));
        assertThat(config.url()).isEmpty();
        assertThat(config.user()).isEmpty();
        assertThat(config.password()).isEmpty();
    }

    @Test
    void mysqlUrl_isHandedToMariaDbDriver() {
        DatabaseConfig config = new DatabaseConfig("jdbc:mysql://db:3306/herald", "u", "p", 5, null);
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:mariadb://db:3306/herald");
        assertThat(config.dialect()).isEqualTo(Dialect.MARIADB);
    }

    @Test
    void toString_neverShowsPassword_evenInUrlParameters() {
        DatabaseConfig config = new DatabaseConfig(
                "jdbc:postgresql://db/herald?password=hunter2", "herald", "s3cret", 5, null);
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("***");
        assertThat(config.safeUrl()).isEqualTo("jdbc:postgresql://db/herald");
    }

    @Test
    void badValues_failWithClearMessages() {
        assertThatThrownBy(() -> new DatabaseConfig("", "", "", 0, Path.of("d")))
                .hasMessageContaining("pool size");
        assertThatThrownBy(() -> new DatabaseConfig("", "", "", 1, null))
                .hasMessageContaining("data dir");
        assertThatThrownBy(() -> new DatabaseConfig("jdbc:oracle:thin:@x", "", "", 1, null))
                .hasMessageContaining("unsupported database URL");
    }
}
