package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inbox while things happen elsewhere: the console sends, another tab reads, the server restarts. */
class LiveInboxBrowserTest {
    @Test
    void demoFlow_fromAFreshStart_consoleSendAppearsInTheOpenInbox_withoutReload() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).signInAsDemo("Alice");
            assertThat(inbox.url()).isEqualTo(server.baseUrl() + "/");
            String inboxTab = browser.currentTab();
            int before = inbox.rowTitles().size();
            String unreadBefore = inbox.bellLabel();
            browser.script("window.stillTheSamePage = true");

            browser.newTab();
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            console.awaitOnline(List.of("Alice (1)"));
            console.send(List.of(1L), "Report ready", "Your export has finished.", "success", "task", null);
            browser.await("the send result", console::sendResult, "Sent: stored for 1 user, pushed live to 1 online."::equals);

            browser.switchTo(inboxTab);
            browser.await("the new row", inbox::rowTitles, rows -> rows.size() == before + 1 && rows.get(0).equals("Report ready"));
            assertThat(inbox.bellLabel()).isNotEqualTo(unreadBefore);
            assertThat(inbox.bellLabel()).endsWith("unread notification" + (before == 0 ? "" : "s"));
            assertThat(inbox.rowState("Report ready")).isEqualTo("Unread");
            browser.await("the toast", inbox::toasts, t -> t.contains("Report ready"));
            assertThat(browser.script("return window.stillTheSamePage")).isEqualTo(true);
        }
    }

    @Test
    void aLiveOnlyPush_showsAToast_butIsNotAddedToTheInbox() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 9, "Stored", "info", "system");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(9));
            inbox.awaitRows(List.of("Stored"));
            server.api("POST", "/admin/websocket/send-to-user",
                    "{\"user_id\":9,\"type\":\"notification\",\"data\":{\"title\":\"新消息\",\"message\":\"您有一条新消息\"}}");
            browser.await("the toast", inbox::toasts, t -> t.contains("新消息"));
            assertThat(inbox.rowTitles()).containsExactly("Stored");
            inbox.awaitBellLabel("1 unread notification");
        }
    }

    @Test
    void markingRead_inOneTab_movesTheBadgeInTheOther_withinASecond() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            for (String title : List.of("One", "Two", "Three")) {
                Notifications.send(server, 2, title, "info", "message");
            }
            InboxPage first = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(2));
            first.awaitBellLabel("3 unread notifications");
            assertThat(first.url()).as("the token leaves the address bar").isEqualTo(server.baseUrl() + "/");
            String firstTab = browser.currentTab();

            browser.newTab();
            InboxPage second = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(2));
            second.awaitBellLabel("3 unread notifications");
            second.markRowRead("Two");
            second.awaitBellLabel("2 unread notifications");

            browser.switchTo(firstTab);
            browser.await("the badge of the first tab", first::bellLabel, "2 unread notifications"::equals, Duration.ofSeconds(1));
            assertThat(first.badgeText()).isEqualTo("2");
            browser.await("the row state of the first tab", () -> first.rowState("Two"), "Read"::equals);
        }
    }

    @Test
    void afterAServerRestart_thePageReconnects_andShowsWhatWasSentWhileItWasDown() {
        TestServer server = WebServers.start();
        try (Browser browser = Browser.start()) {
            Notifications.send(server, 3, "Before the restart", "info", "system");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(3));
            inbox.awaitRows(List.of("Before the restart"));
            Path dataDir = server.dataDir();
            int port = server.port();

            server.close();
            browser.await("the page noticing", inbox::connection, c -> c.startsWith("Reconnecting") || c.startsWith("Connecting"));
            // Another node on the same database takes the notification while the page's node is down.
            try (TestServer elsewhere = WebServers.startOn(dataDir, 0)) {
                Notifications.send(elsewhere, 3, "While you were away", "warning", "system");
            }
            server = WebServers.startOn(dataDir, port);

            browser.await("the live link again", inbox::connection, "Live"::equals, Duration.ofSeconds(40));
            inbox.awaitRows(List.of("While you were away", "Before the restart"));
            inbox.awaitBellLabel("2 unread notifications");
        } finally {
            server.close();
        }
    }
}
