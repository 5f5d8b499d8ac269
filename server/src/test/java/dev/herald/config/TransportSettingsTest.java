package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code server.transport}: its default, its environment name, the accepted values, a bad one reported. */
class TransportSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultIsAuto() {
        assertThat(SettingsLoader.defaults(dir).server().transport()).isEqualTo(Settings.Transport.AUTO);
    }

    @Test
    void environmentVariable_followsTheKey() {
        Settings s = SettingsLoader.load(Optional.empty(), Map.of("HERALD_SERVER_TRANSPORT", "io_uring"),
                Map.of("data-dir", dir.toString()));
        assertThat(s.server().transport()).isEqualTo(Settings.Transport.IO_URING);
        assertThat(KeyHints.unknownVariables(Map.of("HERALD_SERVER_TRANSPORT", "epoll"))).isEmpty();
    }

    @Test
    void everyValue_inAnyCase() {
        for (Settings.Transport t : Settings.Transport.values()) {
            for (String written : new String[] {t.configName(), t.configName().toUpperCase(), " " + t.configName() + " "}) {
                Settings s = SettingsLoader.load(Optional.empty(), Map.of(), Map.of("data-dir", dir.toString(), "server.transport", written));
                assertThat(s.server().transport()).as(written).isEqualTo(t);
            }
        }
    }

    @Test
    void anUnknownValue_isAConfigurationError_namingTheChoices() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> SettingsLoader.load(Optional.empty(),
                Map.of("HERALD_SERVER_TRANSPORT", "uring"), Map.of("data-dir", dir.toString())));
        assertThat(e.problems()).singleElement().asString()
                .startsWith("server.transport (from ")
                .endsWith("expected auto, io_uring, epoll or nio, got 'uring'");
    }

    @Test
    void effectiveConfig_listsIt() {
        assertThat(EffectiveConfig.lines(Optional.empty(), Map.of("HERALD_SERVER_TRANSPORT", "nio"), Map.of()))
                .anySatisfy(line -> assertThat(line).matches("server\\.transport\\s+= nio  \\(.*\\)"));
    }
}
