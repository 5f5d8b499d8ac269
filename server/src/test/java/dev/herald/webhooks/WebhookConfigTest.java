package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Main;
import dev.herald.config.ConfigException;
import dev.herald.config.EffectiveConfig;
import dev.herald.config.Settings;
import dev.herald.config.SettingsLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The webhooks settings: defaults, the env names of SPEC §8, what is refused, and the masked secret. */
class WebhookConfigTest {
    @TempDir
    Path dir;

    private Settings load(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> o = new java.util.HashMap<>(overrides);
        o.put("data-dir", dir.toString());
        o.put("auth.jwt-secret", "0123456789abcdef0123456789abcdef-secret");
        return SettingsLoader.load(Optional.empty(), env, o);
    }

    @Test
    void off_byDefault_withTheDocumentedDefaults() {
        Settings.Webhooks w = load(Map.of(), Map.of()).webhooks();
        assertThat(w.enabled()).isFalse();
        assertThat(w.offlineGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(w.maxAttempts()).isEqualTo(10);
        assertThat(w.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void theDefaultBackoff_isTheDocumentedSchedule() {
        Settings.Webhooks w = load(Map.of(), Map.of()).webhooks();
        long[] waits = new long[w.maxAttempts() - 1];
        for (int n = 1; n < w.maxAttempts(); n++) {
            waits[n - 1] = Dispatcher.backoffMillis(n, w.retryInitial().toMillis(), w.retryMax().toMillis()) / 1000;
        }
        assertThat(waits).containsExactly(1, 2, 4, 8, 16, 32, 64, 128, 256); // docs/webhooks.md
        assertThat(Dispatcher.backoffMillis(13, 1000, 3_600_000)).isEqualTo(3_600_000);
        assertThat(Dispatcher.backoffMillis(1000, 1000, 3_600_000)).isEqualTo(3_600_000);
    }

    @Test
    void theSpecEnvironmentNames_setUrlAndSecret() {
        Settings.Webhooks w = load(Map.of("HERALD_WEBHOOK_URL", "https://hooks.example.com/herald",
                "HERALD_WEBHOOK_SECRET", "s3cret"), Map.of()).webhooks();
        assertThat(w.enabled()).isTrue();
        assertThat(w.url()).isEqualTo("https://hooks.example.com/herald");
        assertThat(w.secret()).isEqualTo("s3cret");
    }

    @Test
    void aUrlWithoutASecret_isRefused_namingTheSecret() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("webhooks.url", "http://127.0.0.1:9/hook")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhooks.secret")
                .hasMessageContaining("HERALD_WEBHOOK_SECRET");
    }

    @Test
    void aUrlThatIsNotHttp_isRefused() {
        for (String url : new String[] {"ftp://example.com/x", "example.com/hook", "http://"}) {
            assertThatThrownBy(() -> load(Map.of(), Map.of("webhooks.url", url, "webhooks.secret", "s")))
                    .as(url).isInstanceOf(ConfigException.class).hasMessageContaining("webhooks.url");
        }
    }

    @Test
    void serve_withAUrlAndNoSecret_exitsWith2AndSaysWhy() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of("HERALD_WEBHOOK_URL", "http://127.0.0.1:9/hook"));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("serve", "--data-dir", dir.toString(), "--port", "0");
        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("webhooks.secret").doesNotContain("\tat ");
    }

    @Test
    void herald_config_masksTheSecret() {
        var lines = EffectiveConfig.lines(Optional.empty(), Map.of("HERALD_WEBHOOK_SECRET", "do-not-print-me",
                "HERALD_WEBHOOK_URL", "https://hooks.example.com/h"), Map.of());
        assertThat(String.join("\n", lines)).doesNotContain("do-not-print-me")
                .contains("https://hooks.example.com/h")
                .containsPattern("webhooks.secret\\s+= \\*\\*\\*\\*");
    }
}
