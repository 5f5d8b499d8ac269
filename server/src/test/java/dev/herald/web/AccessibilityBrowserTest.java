package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;

/**
 * A WCAG 2 A/AA audit with axe-core of the inbox (bell closed and open, desktop and 390 px wide, the
 * snooze menu open in the dropdown, a row and the detail dialog), the list page's detail dialog, the
 * sign-in view and the console, in English and Simplified Chinese.
 * axe-core (an exact version, server/src/test/axe/package.json, installed by bin/test) is injected
 * through the driver; Herald never serves it, and the pages' CSP stays as it is.
 */
class AccessibilityBrowserTest {
    private static final Path AXE = Path.of("src/test/axe/node_modules/axe-core/axe.min.js");

    @ParameterizedTest
    @ValueSource(strings = {"en-US,en", "zh-CN,zh"})
    void inboxAndConsole_haveNoViolations(String languages) throws IOException {
        String lang = languages.startsWith("zh") ? "zh-CN" : "en";
        try (TestServer server = WebServers.start()) {
            Notifications.send(server, 5, "Build finished", "success", "task");
            Notifications.send(server, 5, "Quota nearly full", "warning", "system");
            Notifications.send(server, 5, "Payment failed", "error", "reminder");
            Notifications.send(server, 5, "Hello", "info", "message");
            Notifications.send(server, 5, "Deploy", "task", "announcement");
            Notifications.send(server, 5, "Maintenance", "system", "system");
            // user 7: Inbox 2.0 — actions (one taken), a collapsed count, one read (mark unread shows)
            Notifications.sendWith(server, 7, "Expense report", Notifications.approveOrReject());
            Notifications.sendWith(server, 7, "Leave request", Notifications.approveOrReject());
            Notifications.sendWith(server, 7, "New comments", Map.of("group_key", "comments"));
            Notifications.sendWith(server, 7, "New comments", Map.of("group_key", "comments"));
            long leave = Notifications.ids(server, 7).get(1);
            assertThat(server.call("POST", "/admin/system/notifications/" + leave + "/actions/approve", server.token(7), null).status())
                    .isEqualTo(200);
            List<String> violations = new ArrayList<>();
            try (Browser browser = Browser.start(languages)) {
                browser.open(server.baseUrl() + "/");
                awaitLang(browser, lang);
                browser.await("the sign-in view", () -> browser.find(By.id("sign-in")).isDisplayed(), shown -> shown);
                violations.addAll(audit(browser, "sign-in"));

                browser.open(server.baseUrl() + "/?token=" + server.token(5));
                browser.await("the rows", () -> browser.findAll(By.cssSelector("#rows tr")).size(), n -> n == 6);
                violations.addAll(audit(browser, "inbox, bell closed"));
                browser.find(By.id("bell-button")).click();
                browser.await("the bell items", () -> browser.findAll(By.cssSelector("#bell-list li")).size(), n -> n == 6);
                violations.addAll(audit(browser, "inbox, bell open"));
                browser.find(By.id("bell-button")).click();
                browser.find(By.cssSelector("#rows .title-button")).click();
                browser.await("the detail dialog", () -> browser.find(By.id("detail")).isDisplayed(), shown -> shown);
                violations.addAll(audit(browser, "detail dialog"));

                browser.open(server.baseUrl() + "/?token=" + server.token(7));
                browser.await("the rows", () -> browser.findAll(By.cssSelector("#rows tr")).size(), n -> n == 3);
                browser.await("the collapsed count", () -> browser.findAll(By.cssSelector("#rows .group-count")).size(), n -> n == 1);
                violations.addAll(audit(browser, "inbox with actions"));
                browser.act(() -> browser.find(By.cssSelector("#rows button.snooze")).click()); // the list may re-render meanwhile
                browser.await("a row's snooze menu", () -> browser.findAll(By.cssSelector("#rows [role=menu]:not([hidden])")).size(),
                        n -> n == 1);
                violations.addAll(audit(browser, "inbox with a row's snooze menu open"));
                browser.find(By.id("bell-button")).click();
                browser.await("the bell items", () -> browser.findAll(By.cssSelector("#bell-list li")).size(), n -> n == 3);
                browser.act(() -> browser.find(By.cssSelector("#bell-list li button.snooze")).click()); // the list may re-render meanwhile
                browser.await("the snooze menu", () -> browser.findAll(By.cssSelector("#bell-list [role=menu]:not([hidden])")).size(),
                        n -> n == 1);
                violations.addAll(audit(browser, "bell open with actions and the snooze menu"));
                browser.find(By.id("bell-button")).click();
                browser.findAll(By.cssSelector("#rows .title-button")).get(2).click();
                browser.await("the dialog's actions", () -> browser.findAll(By.cssSelector("#detail-actions button")).size(), n -> n == 2);
                violations.addAll(audit(browser, "detail dialog with actions"));
                browser.act(() -> browser.find(By.cssSelector("#detail-states button.snooze")).click());
                browser.await("the dialog's snooze menu",
                        () -> browser.findAll(By.cssSelector("#detail-states [role=menu]:not([hidden])")).size(), n -> n == 1);
                violations.addAll(audit(browser, "detail dialog with the snooze menu open"));
                browser.find(By.id("detail-close")).click();
                long archived = server.call("GET", "/admin/system/notifications", server.token(7), null)
                        .data().get("list").get(0).get("id").asLong();
                assertThat(server.call("POST", "/admin/system/notifications/" + archived + "/archive", server.token(7), null)
                        .status()).isEqualTo(200);
                new org.openqa.selenium.support.ui.Select(browser.find(By.name("archived"))).selectByValue("true");
                browser.await("the archived row", () -> browser.findAll(By.cssSelector("#rows button.unarchive")).size(), n -> n == 1);
                violations.addAll(audit(browser, "archived view"));

                browser.open(server.baseUrl() + "/preferences");
                awaitLang(browser, lang);
                PreferencesBrowserTest.awaitForm(browser);
                browser.find(By.id("email")).sendKeys("nope");
                browser.find(By.id("save-email")).click();
                browser.await("the email error", () -> browser.find(By.id("email-error")).isDisplayed(), shown -> shown);
                violations.addAll(audit(browser, "preferences"));

                browser.open(server.baseUrl() + "/admin?token=" + server.adminToken(1));
                awaitLang(browser, lang);
                browser.await("the console", () -> browser.find(By.id("console")).isDisplayed(), shown -> shown);
                browser.await("the online count", () -> browser.find(By.id("online-count")).getText(), t -> !t.equals("–"));
                violations.addAll(audit(browser, "console"));
            }
            try (Browser phone = Browser.startPhone(languages)) {
                phone.open(server.baseUrl() + "/?token=" + server.token(5));
                phone.await("the rows", () -> phone.findAll(By.cssSelector("#rows tr")).size(), n -> n == 6);
                violations.addAll(audit(phone, "inbox at 390 px, bell closed"));
                phone.find(By.id("bell-button")).click();
                phone.await("the bell items", () -> phone.findAll(By.cssSelector("#bell-list li")).size(), n -> n == 6);
                violations.addAll(audit(phone, "inbox at 390 px, bell open"));
                phone.open(server.baseUrl() + "/preferences?token=" + server.token(7));
                PreferencesBrowserTest.awaitForm(phone);
                violations.addAll(audit(phone, "preferences at 390 px"));
            }
            assertThat(violations).as("axe-core violations in " + lang).isEmpty();
        }
    }

    private static void awaitLang(Browser browser, String lang) {
        browser.await("<html lang=" + lang + ">", () -> browser.script("return document.documentElement.lang"), lang::equals);
    }

    /** Runs axe on the page as it is and returns one line per violation and node. */
    @SuppressWarnings("unchecked")
    static List<String> audit(Browser browser, String where) throws IOException {
        if (!Files.isRegularFile(AXE)) {
            throw new AssertionError(AXE + " is missing: run bin/test, or (cd server/src/test/axe && npm ci)");
        }
        browser.script(Files.readString(AXE));
        Object result = browser.asyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
                + ".then((r) => done(r.violations.flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ')))),"
                + " (e) => done(['axe failed: ' + e]));");
        List<String> lines = new ArrayList<>();
        for (Object line : (List<Object>) result) {
            lines.add(where + ": " + line);
        }
        return lines;
    }
}
