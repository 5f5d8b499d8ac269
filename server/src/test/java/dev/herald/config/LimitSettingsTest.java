package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection and request limits: documented defaults, environment names, bad values reported. */
class LimitSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        Settings s = SettingsLoader.defaults(dir);
        assertThat(s.server().maxConnections()).isEqualTo(100_000);
        assertThat(s.server().maxConnectionsPerIp()).isEqualTo(1000);
        assertThat(s.server().userConnectsPerMinute()).isEqualTo(60);
        assertThat(s.http().readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.http().maxInFlight()).isEqualTo(16);
        assertThat(s.http().rateLimit()).isEqualTo(100);
        assertThat(s.http().apiKeyRateLimit()).isEqualTo(10_000);
        assertThat(s.http().publicMetrics()).isFalse();
    }

    @Test
    void environment_asTheBenchSetsIt() {
        Settings s = SettingsLoader.load(Optional.empty(), Map.of("HERALD_SERVER_MAX_CONNECTIONS_PER_IP", "0",
                "HERALD_HTTP_API_KEY_RATE_LIMIT", "0", "HERALD_METRICS_ACCESS", "public", "HERALD_HTTP_READ_TIMEOUT", "2s"),
                Map.of("data-dir", dir.toString()));
        assertThat(s.server().maxConnectionsPerIp()).isZero();
        assertThat(s.http().apiKeyRateLimit()).isZero();
        assertThat(s.http().publicMetrics()).isTrue();
        assertThat(s.http().readTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValues_areAllReported() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> SettingsLoader.load(Optional.empty(), Map.of(),
                Map.of("data-dir", dir.toString(), "metrics.access", "everyone", "http.max-in-flight", "0",
                        "server.max-connections-per-ip", "-1")));
        assertThat(e.getMessage()).contains("metrics.access", "public or admin", "http.max-in-flight",
                "server.max-connections-per-ip");
    }
}
