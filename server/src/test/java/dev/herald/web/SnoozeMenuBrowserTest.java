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
 * The snooze menu is a WAI-ARIA menu button, the same in the list, the bell dropdown (and the
 * detail dialog, DetailDialogBrowserTest), used here with the keyboard alone: focus is read from
 * document.activeElement, the snooze from the page and the API.
 */
class SnoozeMenuBrowserTest {
    private static final String CLOSED = "menu false → menu hidden [menuitem: 1 hour, menuitem: Tomorrow 09:00, menuitem: Next week (Monday 09:00)]";
    private static final String OPEN = "menu true → menu shown [menuitem: 1 hour, menuitem: Tomorrow 09:00, menuitem: Next week (Monday 09:00)]";

    @Test
    void inTheList_theKeyboardOpensMovesClosesAndChooses() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Alpha", "info", "message");
            Notifications.send(server, 5, "Beta", "info", "message");
            Notifications.send(server, 5, "Gamma", "info", "message");
            long gamma = Notifications.ids(server, 5).get(0);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Gamma", "Beta", "Alpha")).awaitBellLabel("3 unread notifications");
            assertThat(inbox.snoozeMenuInRow("Gamma")).isEqualTo(CLOSED);

            String trigger = "list button: Snooze “Gamma”";
            String menu = " (Snooze “Gamma” until)";
            inbox.focusInRow("Gamma", "button.snooze");
            inbox.awaitFocus(trigger);
            inbox.press(Keys.ENTER);
            inbox.awaitFocus("list menuitem: 1 hour" + menu);
            assertThat(inbox.snoozeMenuInRow("Gamma")).isEqualTo(OPEN);
            inbox.press(Keys.ARROW_DOWN);
            inbox.awaitFocus("list menuitem: Tomorrow 09:00" + menu);
            inbox.press(Keys.ARROW_DOWN);
            inbox.awaitFocus("list menuitem: Next week (Monday 09:00)" + menu);
            inbox.press(Keys.ARROW_DOWN);
            inbox.awaitFocus("list menuitem: 1 hour" + menu); // wrapped
            inbox.press(Keys.ARROW_UP);
            inbox.awaitFocus("list menuitem: Next week (Monday 09:00)" + menu); // wrapped back
            inbox.press(Keys.HOME);
            inbox.awaitFocus("list menuitem: 1 hour" + menu);
            inbox.press(Keys.END);
            inbox.awaitFocus("list menuitem: Next week (Monday 09:00)" + menu);

            inbox.press(Keys.ESCAPE);
            inbox.awaitFocus(trigger);
            assertThat(inbox.snoozeMenuInRow("Gamma")).isEqualTo(CLOSED);
            inbox.press(Keys.SPACE);
            inbox.awaitFocus("list menuitem: 1 hour" + menu);
            inbox.press(Keys.TAB);
            inbox.awaitFocus("list button: Delete “Gamma”"); // the next control after the trigger
            assertThat(inbox.snoozeMenuInRow("Gamma")).isEqualTo(CLOSED);
            inbox.pressShiftTab();
            inbox.awaitFocus(trigger);
            inbox.press(Keys.ARROW_UP);
            inbox.awaitFocus("list menuitem: Next week (Monday 09:00)" + menu);
            inbox.pressShiftTab();
            inbox.awaitFocus("list button: Archive “Gamma”"); // the control before the trigger
            assertThat(inbox.snoozeMenuInRow("Gamma")).isEqualTo(CLOSED);
            inbox.press(Keys.TAB);
            inbox.awaitFocus(trigger);
            inbox.press(Keys.ARROW_DOWN);
            inbox.awaitFocus("list menuitem: 1 hour" + menu);
            assertThat(inbox.snoozeMenuInRow("Gamma")).isEqualTo(OPEN);
            assertThat(Notifications.get(server, 5, gamma).get("snoozed_until").isNull()).as("nothing chosen yet").isTrue();

            inbox.press(Keys.ARROW_DOWN, Keys.ENTER);
            inbox.awaitRows(List.of("Beta", "Alpha")).awaitBellLabel("2 unread notifications");
            assertThat(InboxActionsBrowserTest.snoozedUntil(server, gamma)).isEqualTo(InboxActionsBrowserTest.localTime(browser, """
                    const d = new Date(); return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 9).toISOString();"""));
            assertThat(inbox.openMenus("#rows")).isZero();
        }
    }

    @Test
    void inTheList_aPushedChangeKeepsTheMenuWhereItWas_andAClickOutsideClosesIt() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Alpha", "info", "message");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Alpha")).awaitBellLabel("1 unread notification");
            inbox.focusInRow("Alpha", "button.snooze");
            inbox.press(Keys.ARROW_DOWN, Keys.END);
            inbox.awaitFocus("list menuitem: Next week (Monday 09:00) (Snooze “Alpha” until)");

            // the push re-renders the list (the old elements go stale): the menu is open again, on the same item
            Notifications.send(server, 5, "Delta", "info", "message");
            inbox.awaitRows(List.of("Delta", "Alpha")).awaitBellLabel("2 unread notifications");
            inbox.awaitFocus("list menuitem: Next week (Monday 09:00) (Snooze “Alpha” until)");
            assertThat(inbox.snoozeMenuInRow("Alpha")).isEqualTo(OPEN);
            assertThat(inbox.openMenus("#rows")).isEqualTo(1);

            browser.find(By.id("inbox-title")).click();
            browser.await("the menu closed by the click outside", () -> inbox.openMenus("#rows"), n -> n == 0);
            assertThat(inbox.snoozeMenuInRow("Alpha")).isEqualTo(CLOSED);
            assertThat(server.call("GET", "/admin/system/notifications", server.token(5), null).data().get("total").asInt())
                    .as("nothing snoozed").isEqualTo(2);
        }
    }

    @Test
    void inTheDropdown_escapeClosesTheMenuFirst_thenTheDropdown_andAChoiceSnoozes() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Later", "info", "reminder");
            Notifications.send(server, 5, "Sooner", "info", "reminder");
            long later = Notifications.ids(server, 5).get(1);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Sooner", "Later")).awaitBellLabel("2 unread notifications");
            browser.script("document.getElementById('bell-button').focus();");
            inbox.press(Keys.ENTER);
            browser.await("the dropdown", inbox::bellTitles, List.of("Sooner", "Later")::equals);

            String trigger = "bell button: Snooze “Later”";
            String menu = " (Snooze “Later” until)";
            inbox.focusInBellItem("Later", "button.snooze");
            inbox.awaitFocus(trigger);
            inbox.press(Keys.ARROW_DOWN);
            inbox.awaitFocus("bell menuitem: 1 hour" + menu);
            assertThat(inbox.snoozeMenuInBell("Later")).isEqualTo(OPEN);
            inbox.press(Keys.ARROW_UP);
            inbox.awaitFocus("bell menuitem: Next week (Monday 09:00)" + menu);
            inbox.press(Keys.ESCAPE);
            inbox.awaitFocus(trigger);
            assertThat(inbox.snoozeMenuInBell("Later")).isEqualTo(CLOSED);
            assertThat(browser.find(By.id("bell-panel")).isDisplayed()).as("the dropdown stays open").isTrue();
            inbox.press(Keys.ESCAPE);
            browser.await("the dropdown closed", () -> browser.find(By.id("bell-panel")).isDisplayed(), shown -> !shown);
            inbox.awaitFocus("page button: 2 unread notifications");

            inbox.press(Keys.ENTER);
            browser.await("the dropdown", inbox::bellTitles, List.of("Sooner", "Later")::equals);
            inbox.focusInBellItem("Later", "button.snooze");
            inbox.press(Keys.ENTER);
            inbox.awaitFocus("bell menuitem: 1 hour" + menu);
            Instant chosen = Instant.now();
            inbox.press(Keys.ENTER);
            browser.await("Later gone from the dropdown", inbox::bellTitles, List.of("Sooner")::equals);
            inbox.awaitBellLabel("1 unread notification").awaitRows(List.of("Sooner"));
            assertThat(InboxActionsBrowserTest.snoozedUntil(server, later))
                    .isCloseTo(chosen.plus(Duration.ofHours(1)), within(Duration.ofMinutes(1)));
        }
    }
}
