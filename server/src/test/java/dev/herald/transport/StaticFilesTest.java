package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The page cache holds the files that exist, never the paths a client makes up. */
class StaticFilesTest {
    @Test
    void missingAssets_areNotKept() {
        StaticFiles files = new StaticFiles();
        assertThat(files.find("/assets/css/herald.css")).isPresent();
        for (int i = 0; i < 5000; i++) {
            assertThat(files.find("/assets/js/made-up-" + i + ".js")).isEmpty();
        }
        assertThat(files.find("/assets/css/herald.css")).isPresent();
        assertThat(files.cachedFiles()).isEqualTo(1);
    }

    @Test
    void aFileThatExists_isServedFromTheCache() {
        StaticFiles files = new StaticFiles();
        var first = files.find("/admin").orElseThrow();
        assertThat(files.find("/admin.html").orElseThrow().bytes()).isSameAs(first.bytes());
        assertThat(first.contentType()).startsWith("text/html");
        var preferences = files.find("/preferences").orElseThrow();
        assertThat(files.find("/preferences.html").orElseThrow().bytes()).isSameAs(preferences.bytes());
        assertThat(new String(preferences.bytes(), java.nio.charset.StandardCharsets.UTF_8)).contains("/assets/js/preferences/main.js");
    }
}
