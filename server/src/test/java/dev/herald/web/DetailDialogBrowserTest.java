package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.herald.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The detail dialog's own state controls: mark unread, archive / unarchive and the snooze menu.
 * Each changes the notification (the API says so), the list and the unread badge, and then
 * updates the dialog (focus on the control that undoes it) or, for a snooze, closes it.
 */
class DetailDialogBrowserTest {
    private static final String STATE_BUTTONS = "#detail-states button:not([role=menuitem])";

    @Test
    void archiveThenUnarchive_fromTheDialog() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Report", "info", "message");
            Notifications.send(server, 5, "Other", "info", "message");
            long report = Notifications.ids(server, 5).get(1);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Other", "Report")).awaitBellLabel("2 unread notifications");
            inbox.openRow("Report");
            browser.await("the detail view", inbox::detailOpen, open -> open);
            browser.await("archive and snooze in the dialog", () -> inbox.texts(STATE_BUTTONS), List.of("Archive", "Snooze")::equals);
            assertThat(inbox.detailState()).isEqualTo("Unread");

            inbox.clickInDetail("button.archive");
            inbox.awaitRows(List.of("Other")).awaitBellLabel("1 unread notification");
            assertThat(inbox.badgeText()).isEqualTo("1");
            assertThat(Notifications.get(server, 5, report).get("archived").asBoolean()).isTrue();
            assertThat(inbox.detailOpen()).as("the dialog stays, to undo").isTrue();
            browser.await("the dialog updated", inbox::detailState, "Unread · Archived"::equals);
            assertThat(inbox.texts(STATE_BUTTONS)).containsExactly("Unarchive");
            inbox.awaitFocus("dialog button: Unarchive “Report”");

            inbox.clickInDetail("button.unarchive");
            inbox.awaitRows(List.of("Other", "Report")).awaitBellLabel("2 unread notifications");
            assertThat(Notifications.get(server, 5, report).get("archived").asBoolean()).isFalse();
            browser.await("the dialog updated", inbox::detailState, "Unread"::equals);
            assertThat(inbox.texts(STATE_BUTTONS)).containsExactly("Archive", "Snooze");
            inbox.awaitFocus("dialog button: Archive “Report”");

            inbox.clickInDetail("#detail-close");
            browser.await("the dialog closed", inbox::detailOpen, open -> !open);
            inbox.view("true");
            inbox.awaitSummary("No notifications");
        }
    }

    @Test
    void markUnread_fromTheDialog_ofOneOpenedFromTheDropdown() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Invoice", "info", "message");
            long invoice = Notifications.ids(server, 5).get(0);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Invoice")).awaitBellLabel("1 unread notification");
            inbox.openBell();
            browser.await("the dropdown", inbox::bellTitles, List.of("Invoice")::equals);
            inbox.clickBellItem("Invoice"); // opening it from the dropdown reads it
            browser.await("the detail view", inbox::detailOpen, open -> open);
            inbox.awaitBellLabel("No unread notifications");
            browser.await("mark unread in the dialog", () -> inbox.texts(STATE_BUTTONS), List.of("Mark unread", "Archive", "Snooze")::equals);
            assertThat(browser.find(By.id("detail-read")).isDisplayed()).isFalse();

            inbox.clickInDetail("button.mark-unread");
            inbox.awaitBellLabel("1 unread notification");
            assertThat(inbox.badgeText()).isEqualTo("1");
            browser.await("the row unread", () -> inbox.rowState("Invoice"), "Unread"::equals);
            assertThat(Notifications.get(server, 5, invoice).get("is_read").asBoolean()).isFalse();
            browser.await("the dialog updated", inbox::detailState, "Unread"::equals);
            assertThat(inbox.texts(STATE_BUTTONS)).containsExactly("Archive", "Snooze");
            inbox.awaitFocus("dialog button: Mark read");

            inbox.press(Keys.ENTER); // and back: mark read, focus on mark unread
            inbox.awaitBellLabel("No unread notifications");
            browser.await("the row read", () -> inbox.rowState("Invoice"), "Read"::equals);
            inbox.awaitFocus("dialog button: Mark unread: “Invoice”");
        }
    }

    @Test
    void snooze_fromTheDialog_withTheSameMenu_closesIt() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Later", "info", "reminder");
            Notifications.send(server, 5, "Stay", "info", "reminder");
            long later = Notifications.ids(server, 5).get(1);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Stay", "Later")).awaitBellLabel("2 unread notifications");
            inbox.openRow("Later");
            browser.await("the detail view", inbox::detailOpen, open -> open);
            browser.await("the snooze menu button", () -> inbox.count("#detail-states button.snooze"), n -> n == 1);
            assertThat(inbox.snoozeMenuInDetail()).startsWith("menu false → menu hidden [menuitem: 1 hour, ");

            String menu = " (Snooze “Later” until)";
            inbox.focusInDetail("button.snooze");
            inbox.press(Keys.ENTER);
            inbox.awaitFocus("dialog menuitem: 1 hour" + menu);
            assertThat(inbox.snoozeMenuInDetail()).startsWith("menu true → menu shown [");
            inbox.press(Keys.ESCAPE);
            inbox.awaitFocus("dialog button: Snooze “Later”");
            assertThat(inbox.detailOpen()).as("Escape closed the menu, not the dialog").isTrue();
            assertThat(inbox.snoozeMenuInDetail()).startsWith("menu false → menu hidden [");

            inbox.press(Keys.ARROW_DOWN);
            inbox.awaitFocus("dialog menuitem: 1 hour" + menu);
            Instant chosen = Instant.now();
            inbox.press(Keys.ENTER);
            browser.await("the dialog closed", inbox::detailOpen, open -> !open);
            inbox.awaitRows(List.of("Stay")).awaitBellLabel("1 unread notification");
            assertThat(InboxActionsBrowserTest.snoozedUntil(server, later))
                    .isCloseTo(chosen.plus(Duration.ofHours(1)), within(Duration.ofMinutes(1)));
        }
    }
}
