package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Text is never markup, only safe links open, the phone layout fits, the keyboard works. */
class PageSafetyBrowserTest {
    private static final String SCRIPTED_TITLE = "<img src=x onerror=\"window.pwned=1\">Hi";

    @Test
    void notificationText_isShownAsText_andOnlyHttpOrSameOriginLinksOpen() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 7, SCRIPTED_TITLE, "<b>bold?</b>", "info", "message", "javascript:window.pwned=2");
            Notifications.send(server, 7, "Maintenance", "Tonight", "warning", "announcement", "/admin");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(7));
            inbox.awaitRows(List.of("Maintenance", SCRIPTED_TITLE));
            assertThat(browser.findAll(By.cssSelector("#rows img"))).isEmpty();

            inbox.openRow(SCRIPTED_TITLE);
            browser.await("the detail view", inbox::detailOpen, open -> open);
            assertThat(browser.find(By.id("detail-title")).getText()).isEqualTo(SCRIPTED_TITLE);
            assertThat(browser.find(By.id("detail-content")).getText()).isEqualTo("<b>bold?</b>");
            assertThat(browser.find(By.id("detail-action")).isDisplayed()).as("javascript: is never a link").isFalse();
            browser.find(By.id("detail-close")).click();

            inbox.openRow("Maintenance");
            browser.await("the action link", () -> browser.find(By.cssSelector("#detail-action a")).getAttribute("href"),
                    (server.baseUrl() + "/admin")::equals);
            assertThat(browser.script("return window.pwned === undefined")).isEqualTo(true);
        }
    }

    @Test
    void phoneLayout_fitsTheScreen_andTheBellWorksFromTheKeyboard() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.startPhone()) {
            Notifications.send(server, 8, "A fairly long notification title that has to wrap on a phone", "task", "task");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(8));
            inbox.awaitRowCount(1);
            assertThat(browser.script("return window.innerWidth")).isEqualTo(390L);
            assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);

            WebElement bell = browser.find(By.id("bell-button"));
            bell.sendKeys(Keys.ENTER);
            browser.await("the dropdown", () -> browser.find(By.id("bell-panel")).isDisplayed(), shown -> shown);
            assertThat(bell.getAttribute("aria-expanded")).isEqualTo("true");
            assertThat(browser.script("return document.activeElement.getAttribute('role')")).isEqualTo("tab");
            browser.driver().switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
            assertThat(browser.script("return document.activeElement.textContent")).isEqualTo("Notifications");
            assertThat(browser.script("return document.activeElement.getAttribute('aria-selected')")).isEqualTo("true");
            assertThat(browser.script("""
                    const panel = document.getElementById('bell-panel').getBoundingClientRect();
                    return panel.left >= 0 && panel.right <= window.innerWidth;
                    """)).isEqualTo(true);
            browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
            browser.await("the dropdown closed", () -> browser.find(By.id("bell-panel")).isDisplayed(), shown -> !shown);
            assertThat(browser.script("return document.activeElement.id")).isEqualTo("bell-button");
        }
    }

    @Test
    void phoneLayout_actionsSnoozeMenuAndPreferencesFitTheScreen() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.startPhone()) {
            Notifications.sendWith(server, 8, "An expense report of a fair length that has to wrap", Notifications.approveOrReject());
            Notifications.sendWith(server, 8, "New comments", java.util.Map.of("group_key", "comments"));
            Notifications.sendWith(server, 8, "New comments", java.util.Map.of("group_key", "comments"));
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(8));
            inbox.awaitRowCount(2);
            browser.await("the collapsed count", () -> inbox.count("#rows .group-count"), n -> n == 1);
            inbox.clickInRow("New comments", "button.snooze");
            assertThat(inbox.count("#rows [role=menu]:not([hidden])")).isEqualTo(1);
            assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
            assertThat(beyondTheScreen(browser, "#rows")).isEmpty();

            inbox.openBell();
            browser.await("the bell items", () -> inbox.count("#bell-list li"), n -> n == 2);
            inbox.clickInBellItem("New comments", "button.snooze");
            assertThat(browser.script("""
                    const panel = document.getElementById('bell-panel');
                    const box = panel.getBoundingClientRect();
                    return box.left >= 0 && box.right <= window.innerWidth && panel.scrollWidth <= panel.clientWidth
                        && document.documentElement.scrollWidth <= window.innerWidth;
                    """)).isEqualTo(true);
            assertThat(beyondTheScreen(browser, "#bell-panel")).isEmpty();

            browser.open(server.baseUrl() + "/preferences");
            PreferencesBrowserTest.awaitForm(browser);
            assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
            assertThat(beyondTheScreen(browser, "main")).isEmpty();
        }
    }

    /** Visible elements under {@code root} that reach past the screen's right edge (inner scrollers hide them otherwise). */
    @SuppressWarnings("unchecked")
    private static java.util.List<String> beyondTheScreen(Browser browser, String root) {
        return (java.util.List<String>) browser.script("""
                return [...document.querySelectorAll(arguments[0] + ' *')]
                    .filter((e) => !e.closest('.visually-hidden') && e.getClientRects().length > 0)
                    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .map((e) => e.tagName + '.' + e.className);
                """, root);
    }
}
