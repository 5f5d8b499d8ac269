package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Signing in outside demo mode, signing out, and a session that expires while the page is open. */
class SignInBrowserTest {
    @Test
    void withoutDemoMode_thePageNeedsARealToken() {
        try (TestServer server = TestServer.start(Map.of("demo.enabled", "false")); Browser browser = Browser.start()) {
            browser.open(server.baseUrl() + "/");
            browser.await("the token form", () -> browser.find(By.id("token-input")).isDisplayed(), shown -> shown);
            assertThat(browser.findAll(By.cssSelector(".demo-users"))).as("no demo picker").isEmpty();

            signIn(browser, "not-a-token");
            browser.await("the refusal", () -> browser.find(By.cssSelector(".form-status")).getText(),
                    "This token is not accepted (invalid or expired)."::equals);

            signIn(browser, server.token(11));
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).awaitLive();
            assertThat(browser.find(By.id("who")).getText()).isEqualTo("User 11");

            browser.find(By.id("sign-out")).click();
            browser.await("the sign-in view", () -> browser.find(By.id("token-input")).isDisplayed(), shown -> shown);
            browser.open(server.baseUrl() + "/");
            browser.await("still signed out after a reload", () -> browser.find(By.id("token-input")).isDisplayed(), shown -> shown);
            assertThat(inbox.url()).isEqualTo(server.baseUrl() + "/");
        }
    }

    @Test
    void anExpiredToken_sendsTheReaderBackToSignIn_withAReason() {
        try (TestServer server = TestServer.start(Map.of("demo.enabled", "false")); Browser browser = Browser.start()) {
            String shortLived = server.token(12, false, List.of(), Duration.ofSeconds(6));
            new InboxPage(browser, server.baseUrl()).openWithToken(shortLived);
            browser.await("the expiry notice", () -> browser.find(By.cssSelector("#sign-in .notice")).getText(),
                    "Your session has expired. Sign in again."::equals, Duration.ofSeconds(15));
            assertThat(browser.find(By.id("inbox")).isDisplayed()).isFalse();
        }
    }

    private static void signIn(Browser browser, String token) {
        var input = browser.find(By.id("token-input"));
        input.clear();
        input.sendKeys(token);
        browser.find(By.cssSelector(".token-form button[type=submit]")).click();
    }
}
