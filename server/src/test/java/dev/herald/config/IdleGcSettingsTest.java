package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.idle-gc-interval}: 5 s by default, 0 for never, nothing between 0 and 1 s. */
class IdleGcSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultIsFiveSeconds_zeroIsNever() {
        assertThat(SettingsLoader.defaults(dir).server().idleGcInterval()).isEqualTo(Duration.ofSeconds(5));
        Settings off = SettingsLoader.load(Optional.empty(), Map.of("HERALD_SERVER_IDLE_GC_INTERVAL", "0s"),
                Map.of("data-dir", dir.toString()));
        assertThat(off.server().idleGcInterval()).isZero();
    }

    @Test
    void belowOneSecond_orNotADuration_isAConfigurationError() {
        for (String bad : new String[] {"500ms", "soon"}) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> SettingsLoader.load(Optional.empty(),
                    Map.of(), Map.of("data-dir", dir.toString(), "server.idle-gc-interval", bad)));
            assertThat(e.problems()).as(bad).singleElement().asString().startsWith("server.idle-gc-interval");
        }
    }
}
