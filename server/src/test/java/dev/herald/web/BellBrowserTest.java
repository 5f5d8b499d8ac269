package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The bell: badge, dropdown tabs, click to read, hover to delete, mark all read, clear read, paging. */
class BellBrowserTest {
    @Test
    void tabs_clickToRead_hoverToDelete_markAllRead_andClearRead() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Hello", "info", "message");
            Notifications.send(server, 5, "Build finished", "success", "task");
            Notifications.send(server, 5, "Quota nearly full", "warning", "system");
            Notifications.send(server, 5, "Payment failed", "error", "reminder");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitBellLabel("4 unread notifications");
            assertThat(inbox.badgeText()).isEqualTo("4");

            inbox.openBell();
            browser.await("the latest notifications", inbox::bellTitles,
                    List.of("Payment failed", "Quota nearly full", "Build finished", "Hello")::equals);
            inbox.tab("Notifications");
            assertThat(inbox.bellTitles()).containsExactly("Hello");
            inbox.tab("Tasks");
            assertThat(inbox.bellTitles()).containsExactly("Build finished");
            inbox.tab("Warnings");
            assertThat(inbox.bellTitles()).containsExactly("Payment failed", "Quota nearly full");
            inbox.tab("All");

            inbox.clickBellItem("Hello");
            browser.await("the detail view", inbox::detailOpen, open -> open);
            inbox.awaitBellLabel("3 unread notifications");
            inbox.detail().findElement(By.id("detail-close")).click();

            inbox.openBell();
            browser.await("Hello shown as read", inbox::unreadBellTitles,
                    List.of("Payment failed", "Quota nearly full", "Build finished")::equals);
            assertThat(inbox.deleteButtonOpacity("Quota nearly full")).isEqualTo("0");
            inbox.hoverBellItem("Quota nearly full");
            browser.await("the delete button shown on hover", () -> inbox.deleteButtonOpacity("Quota nearly full"), "1"::equals);
            inbox.deleteFromBell("Quota nearly full");
            browser.await("the deleted item gone", inbox::bellTitles,
                    List.of("Payment failed", "Build finished", "Hello")::equals);
            inbox.awaitBellLabel("2 unread notifications");

            inbox.markAllReadFromBell();
            inbox.awaitBellLabel("No unread notifications");
            assertThat(inbox.badgeText()).isEmpty();
            inbox.clearReadFromBell();
            browser.await("an empty dropdown", inbox::bellTitles, List::isEmpty);
            inbox.awaitSummary("No notifications");
        }
    }

    @Test
    void dropdownPages_andTheBadgeCapsAt99() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            for (int i = 1; i <= 120; i++) {
                Notifications.send(server, 6, "Ping " + i, "system", "system");
            }
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(6));
            inbox.awaitBellLabel("120 unread notifications");
            assertThat(inbox.badgeText()).isEqualTo("99+");

            inbox.openBell();
            browser.await("the first page", () -> inbox.bellTitles().size(), n -> n == 10);
            assertThat(inbox.bellTitles().get(0)).isEqualTo("Ping 120");
            inbox.showMoreInBell();
            browser.await("the second page", () -> inbox.bellTitles().size(), n -> n == 20);
            assertThat(inbox.bellTitles().get(19)).isEqualTo("Ping 101");
            assertThat(inbox.canShowMoreInBell()).isTrue();
        }
    }
}
