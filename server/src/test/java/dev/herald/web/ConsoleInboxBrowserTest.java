package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console's inbox panels: sending to chosen users, statistics, retrying unsent notifications. */
class ConsoleInboxBrowserTest {
    @Test
    void send_toChosenUsers_storesIt_andStatisticsCountIt() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            console.send(List.of(2L, 3L), "Maintenance tonight", "From 22:00 to 23:00", "warning", "announcement", "/admin");
            browser.await("the send result", console::sendResult,
                    "Sent: stored for 2 users, pushed live to 0 online."::equals);

            var stored = server.api("GET", "/admin/system/notifications?user_id=3", null).data().get("list").get(0);
            assertThat(stored.get("title").asText()).isEqualTo("Maintenance tonight");
            assertThat(stored.get("type").asText()).isEqualTo("warning");
            assertThat(stored.get("category").asText()).isEqualTo("announcement");
            assertThat(stored.get("action_type").asText()).isEqualTo("link");
            assertThat(stored.get("action_data").asText()).contains("/admin");

            console.showStatisticsOf(3);
            browser.await("the statistics of user 3", console::statistics, s -> s.startsWith("1 notification for user 3")
                    && s.contains("Unread: 1 (100%)") && s.contains("Warning\n1") && s.contains("Announcement\n1"));
        }
    }

    @Test
    void send_refusesAnEmptyTitle_andRetryUnsentReportsItsCount() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            console.send(List.of(2L), "", "No title", "info", "system", null);
            browser.await("the validation message", console::sendResult, "A title is needed."::equals);

            console.send(List.of(2L), "Undelivered", "Nobody is online", "info", "system", null);
            browser.await("the send result", console::sendResult, "Sent: stored for 1 user, pushed live to 0 online."::equals);
            console.retryUnsent();
            // user 2 is not online: nothing is pushed again
            browser.await("the retry result", console::retryResult, "Pushed 0 unsent notifications again."::equals);
        }
    }
}
