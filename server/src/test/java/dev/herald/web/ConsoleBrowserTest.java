package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The admin console: sign-in, live presence, disconnect, channel pushes, metrics. */
class ConsoleBrowserTest {
    @Test
    void demoAdmin_seesWhoIsOnline_live_andCanDisconnectThem() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            assertThat(console.onlineCount()).isEqualTo("0");
            try (WsClient bob = server.connect(2); WsClient chen = server.connect(3)) {
                console.awaitOnline(List.of("Bob (2)", "Chen (3)"));
                assertThat(console.onlineCount()).isEqualTo("2");

                console.disconnect("Bob (2)");
                console.awaitOnline(List.of("Chen (3)"));
                assertThat(bob.awaitClose().code()).isEqualTo(4001);
            }
            console.awaitOnline(List.of());
        }
    }

    @Test
    void demoAdminButton_withoutTheDemoAdminSetting_explainsWhatToDo() {
        try (TestServer server = TestServer.start(Map.of("demo.enabled", "true", "auth.jwt-secret", ""));
             Browser browser = Browser.start()) {
            browser.open(server.baseUrl() + "/admin");
            By enter = By.xpath("//ul[@class='demo-users']//button[starts-with(normalize-space(.), 'Enter as demo admin')]");
            browser.await("the demo admin button", () -> browser.find(enter).isDisplayed(), shown -> shown);
            browser.find(enter).click();
            browser.await("the explanation", () -> browser.find(By.cssSelector(".form-status")).getText(),
                    t -> t.contains("demo.admin=true") && t.contains("start banner"));
            assertThat(browser.find(By.id("console")).isDisplayed()).as("the console stays closed").isFalse();
        }
    }

    @Test
    void dataUpdate_isPublishedToTheChannel() {
        try (TestServer server = WebServers.start();
             Browser browser = Browser.start();
             WsClient subscriber = server.connect(4)) {
            subscriber.request("subscribe", Map.of("channel", "orders"));
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            console.pushDataUpdate("orders", "{\"id\": 77, \"status\": \"paid\"}");
            browser.await("the push result", console::pushResult, r -> r.equals("Published to orders at offset 1."));
            var frame = subscriber.awaitType("data_update");
            assertThat(frame.get("channel").asText()).isEqualTo("orders");
            assertThat(frame.at("/data/resource_type").asText()).isEqualTo("order");
            assertThat(frame.at("/data/data/status").asText()).isEqualTo("paid");

            console.pushDataUpdate("orders", "[not an object]");
            browser.await("the validation message", console::pushResult, r -> r.startsWith("Data must be a JSON object"));
        }
    }

    @Test
    void metrics_showTheNodeAndItsConnections() {
        try (TestServer server = WebServers.start();
             Browser browser = Browser.start();
             WsClient alice = server.connect(1)) {
            ConsolePage console = new ConsolePage(browser, server.baseUrl()).signInAsDemoAdmin();
            browser.await("metrics with one connection", console::metrics,
                    m -> m.contains("status\nup") && m.contains("herald_connections\n1"));
        }
    }

    @Test
    void aUserToken_isNotEnoughForTheConsole() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            browser.open(server.baseUrl() + "/admin");
            var input = browser.find(By.id("token-input"));
            browser.await("the token form", input::isDisplayed, shown -> shown);
            input.sendKeys(server.token(1));
            browser.find(By.cssSelector(".token-form button[type=submit]")).click();
            browser.await("the refusal", () -> browser.find(By.cssSelector(".form-status")).getText(),
                    t -> t.equals("This token is valid but not an admin token."));

            ConsolePage console = new ConsolePage(browser, server.baseUrl()).openWithToken(TestServer.API_KEY);
            assertThat(browser.find(By.id("who")).getText()).isEqualTo("API key");
            assertThat(browser.driver().getCurrentUrl()).endsWith("/admin");
            assertThat(console.onlineCount()).isEqualTo("0");
        }
    }
}
