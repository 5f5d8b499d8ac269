package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pages work under their Content-Security-Policy: signed in, live, the console's panels filled,
 * with no violation reported; script injected inline is refused; the token handed in the address
 * bar leaves it.
 */
class ContentSecurityBrowserTest {
    /** Records violations from now on, then tries to run an inline script; returns whether it ran. */
    private static final String TRY_INLINE = """
            window.cspViolations = window.cspViolations || [];
            document.addEventListener('securitypolicyviolation',
                (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            const s = document.createElement('script');
            s.textContent = 'window.inlineRan = true';
            document.body.append(s);
            return window.inlineRan === true;
            """;

    private static List<String> cspMessages(Browser browser) {
        return browser.console().stream().filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")).toList();
    }

    @Test
    void theInbox_worksUnderItsPolicy_andRefusesInlineScript() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 21, "Under CSP", "info", "message");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(21));
            inbox.awaitRows(List.of("Under CSP"));
            assertThat(inbox.url()).as("the token left the address bar").isEqualTo(server.baseUrl() + "/");
            assertThat(cspMessages(browser)).as("violations while the page loaded and ran").isEmpty();

            assertThat(browser.script(TRY_INLINE)).as("inline script ran").isEqualTo(false);
            browser.await("the violation report", () -> browser.script("return window.cspViolations.join()"),
                    v -> v.toString().startsWith("script-src"));
        }
    }

    @Test
    void theConsole_worksUnderItsPolicy() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start(); var alice = server.connect(1)) {
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            browser.await("metrics read with the console's credential", console::metrics,
                    m -> m.contains("herald_connections\n1"));
            assertThat(cspMessages(browser)).as("violations while the console loaded and ran").isEmpty();
            assertThat(browser.script(TRY_INLINE)).as("inline script ran").isEqualTo(false);
        }
    }

    @Test
    void theInboxControlsAndPreferences_workUnderThePolicy() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.sendWith(server, 21, "Approve me", Notifications.approveOrReject());
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(21));
            inbox.awaitRows(List.of("Approve me"));
            inbox.clickInRow("Approve me", "button.snooze");
            inbox.clickInRow("Approve me", "[data-action=approve]");
            browser.await("the action taken", () -> inbox.texts("#rows .action-taken"), t -> t.size() == 1);
            assertThat(cspMessages(browser)).as("violations on the inbox").isEmpty();

            browser.open(server.baseUrl() + "/preferences");
            PreferencesBrowserTest.awaitForm(browser);
            browser.find(org.openqa.selenium.By.cssSelector("[data-code=message] label:nth-child(2)")).click();
            browser.await("saved", () -> browser.find(org.openqa.selenium.By.id("saved")).getText(), t -> !t.isEmpty());
            assertThat(inbox.url()).isEqualTo(server.baseUrl() + "/preferences");
            assertThat(cspMessages(browser)).as("violations on /preferences").isEmpty();
            assertThat(browser.script(TRY_INLINE)).as("inline script ran").isEqualTo(false);
        }
    }
}
