package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The preferences page (/preferences): modes per category and type, the email address, both languages. */
class PreferencesBrowserTest {
    private static final String PREFERENCES = "/admin/system/notifications/preferences";

    @Test
    void linkedFromTheBell_modesAreSavedAndReloaded_andTheEmailIsValidatedByTheServer() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.openBell();
            browser.find(By.id("bell-preferences")).click();
            browser.await("the preferences page", () -> browser.driver().getCurrentUrl(), url -> url.endsWith("/preferences"));
            awaitForm(browser);
            assertThat(rowLabels(browser, "categories")).containsExactly("System", "Task", "Message", "Reminder", "Announcement");
            assertThat(rowLabels(browser, "types")).containsExactly("Info", "Success", "Warning", "Error", "Task", "System");
            assertThat(checked(browser, "categories", "message")).isEqualTo("on");

            choose(browser, "categories", "message", "Quiet");
            browser.await("saved", () -> browser.find(By.id("saved")).getText(), text -> text.startsWith("Saved at"));
            browser.await("quiet on the server", () -> preferences(server).get("categories").path("message").asText(), "quiet"::equals);
            choose(browser, "types", "error", "Off");
            browser.await("off on the server", () -> preferences(server).get("types").path("error").asText(), "off"::equals);

            browser.open(server.baseUrl() + "/preferences");
            awaitForm(browser);
            assertThat(checked(browser, "categories", "message")).isEqualTo("quiet");
            assertThat(checked(browser, "types", "error")).isEqualTo("off");
            assertThat(checked(browser, "types", "info")).isEqualTo("on");

            email(browser, "not-an-address");
            browser.await("the server's message", () -> browser.find(By.id("email-error")).getText(),
                    "must be an e-mail address like name@example.com"::equals);
            assertThat(browser.find(By.id("email")).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(preferences(server).path("email").isNull()).isTrue();

            email(browser, "ann@example.com");
            browser.await("the error gone", () -> browser.find(By.id("email-error")).isDisplayed(), shown -> !shown);
            browser.await("the email on the server", () -> preferences(server).path("email").asText(), "ann@example.com"::equals);
            browser.open(server.baseUrl() + "/preferences");
            awaitForm(browser);
            assertThat(browser.find(By.id("email")).getAttribute("value")).isEqualTo("ann@example.com");
        }
    }

    @Test
    void inSimplifiedChinese_labelsAndTheServersMessageAreChinese() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start("zh-CN,zh")) {
            browser.open(server.baseUrl() + "/preferences?token=" + server.token(5));
            awaitForm(browser);
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("通知设置");
            assertThat(rowLabels(browser, "categories")).contains("消息", "公告");
            assertThat(browser.findAll(By.cssSelector("[data-code=message] .segmented span")).stream().map(WebElement::getText).toList())
                    .containsExactly("开启", "静默", "关闭");
            choose(browser, "categories", "announcement", "关闭");
            browser.await("off on the server", () -> preferences(server).get("categories").path("announcement").asText(), "off"::equals);
            email(browser, "nope");
            browser.await("the server's message in Chinese", () -> browser.find(By.id("email-error")).getText(),
                    "必须是电子邮件地址，例如 name@example.com"::equals);
        }
    }

    @Test
    void signedOut_pointsToSignIn() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            browser.open(server.baseUrl() + "/preferences");
            browser.await("the signed-out note", () -> browser.find(By.id("signed-out")).isDisplayed(), shown -> shown);
            assertThat(browser.find(By.id("preferences")).isDisplayed()).isFalse();
        }
    }

    static void awaitForm(Browser browser) {
        browser.await("the preferences form", () -> browser.find(By.id("preferences")).isDisplayed(), shown -> shown);
    }

    private static List<String> rowLabels(Browser browser, String group) {
        return browser.findAll(By.cssSelector(".mode-row[data-group=" + group + "] > span")).stream().map(WebElement::getText).toList();
    }

    private static String checked(Browser browser, String group, String code) {
        return browser.find(By.cssSelector("input[name='" + group + "." + code + "']:checked")).getAttribute("value");
    }

    private static void choose(Browser browser, String group, String code, String label) {
        browser.find(By.xpath("//div[@data-group='" + group + "'][@data-code='" + code + "']//label[normalize-space(.)='" + label + "']")).click();
    }

    private static void email(Browser browser, String address) {
        WebElement box = browser.find(By.id("email"));
        box.clear();
        box.sendKeys(address);
        browser.find(By.id("save-email")).click();
    }

    private static com.fasterxml.jackson.databind.JsonNode preferences(TestServer server) {
        var reply = server.call("GET", PREFERENCES, server.token(5), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.data();
    }
}
