package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pusher.*}: read from HERALD_PUSHER_APPS, checked, and its secrets never printed. */
class PusherSettingsTest {
    @TempDir
    Path dir;

    private Settings load(Map<String, String> env) {
        return SettingsLoader.load(Optional.empty(), env, Map.of("data-dir", dir.toString()));
    }

    @Test
    void appsFromTheEnvironment_withDefaults() {
        Settings s = load(Map.of("HERALD_PUSHER_APPS", "1:key-one:secret-one-0123456789, 2:key-two:secret-two-0123456789"));
        assertThat(s.pusher().enabled()).isTrue();
        assertThat(s.pusher().apps()).extracting(Settings.PusherApp::key).containsExactly("key-one", "key-two");
        assertThat(s.pusher().maxEventBytes()).isEqualTo(10 * 1024);
        assertThat(s.pusher().maxPresenceMembers()).isEqualTo(100);
        assertThat(s.pusher().apps().get(0).toString()).doesNotContain("secret-one");
        assertThat(load(Map.of()).pusher().enabled()).as("off by default").isFalse();
    }

    @Test
    void badEntries_areNamed_withoutTheSecret() {
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", "1:key:short")))
                .hasMessageContaining("pusher.apps").hasMessageContaining("too short").hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", "1:k:secret-0123456789abcdef,1:k2:secret-0123456789abcdef")))
                .hasMessageContaining("unique");
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", "just-a-key")))
                .hasMessageContaining("app_id:key:secret");
    }

    @Test
    void heraldConfig_masksEverySecret_butShowsIdsAndKeys() {
        List<String> lines = EffectiveConfig.lines(Optional.empty(),
                Map.of("HERALD_PUSHER_APPS", "1:key-one:secret-one-0123456789,2:key-two:secret-two-0123456789"), Map.of());
        String line = lines.stream().filter(l -> l.startsWith("pusher.apps")).findFirst().orElseThrow();
        assertThat(line).contains("1:key-one:****").contains("2:key-two:****")
                .doesNotContain("secret-one").doesNotContain("secret-two");
    }

    @Test
    void webhooks_perApp_withTheEventsChosen() {
        Settings s = load(Map.of("HERALD_PUSHER_APPS", "1:key-one:secret-one-0123456789,2:key-two:secret-two-0123456789",
                "HERALD_PUSHER_WEBHOOKS", "1=https://hooks.example/pusher, 2=http://10.0.0.1:8080/p",
                "HERALD_PUSHER_WEBHOOK_EVENTS", "2=member_added+member_removed"));
        assertThat(s.pusher().webhooks()).extracting(Settings.PusherWebhook::appId).containsExactly("1", "2");
        assertThat(s.pusher().webhooks().get(0).url()).isEqualTo("https://hooks.example/pusher");
        assertThat(s.pusher().webhooks().get(0).events()).containsExactlyInAnyOrder("channel_occupied", "channel_vacated",
                "member_added", "member_removed", "client_event");
        assertThat(s.pusher().webhooks().get(1).events()).containsExactlyInAnyOrder("member_added", "member_removed");
        assertThat(load(Map.of("HERALD_PUSHER_APPS", "1:key-one:secret-one-0123456789")).pusher().webhooks()).isEmpty();
    }

    @Test
    void webhooks_badEntries_areNamed() {
        String apps = "1:key-one:secret-one-0123456789";
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", apps, "HERALD_PUSHER_WEBHOOKS", "9=https://x.example/")))
                .hasMessageContaining("pusher.webhooks").hasMessageContaining("app 9 is not in pusher.apps");
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", apps, "HERALD_PUSHER_WEBHOOKS", "1=ftp://x.example/")))
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", apps, "HERALD_PUSHER_WEBHOOKS", "https://x.example/")))
                .hasMessageContaining("app_id=url");
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", apps,
                "HERALD_PUSHER_WEBHOOKS", "1=https://x.example/,1=https://y.example/"))).hasMessageContaining("named twice");
        assertThatThrownBy(() -> load(Map.of("HERALD_PUSHER_APPS", apps, "HERALD_PUSHER_WEBHOOK_EVENTS", "1=member_joined")))
                .hasMessageContaining("unknown event 'member_joined'");
    }
}
