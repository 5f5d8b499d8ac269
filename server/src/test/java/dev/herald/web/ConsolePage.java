package dev.herald.web;

import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The admin console ({@code /admin}) as an operator sees it. */
final class ConsolePage {
    private final Browser browser;
    private final String baseUrl;

    ConsolePage(Browser browser, String baseUrl) {
        this.browser = browser;
        this.baseUrl = baseUrl;
    }

    ConsolePage signInAsDemoAdmin() {
        browser.open(baseUrl + "/admin");
        By enter = By.xpath("//ul[@class='demo-users']//button[starts-with(normalize-space(.), 'Enter as demo admin')]");
        browser.await("the demo admin button", () -> browser.find(enter).isDisplayed(), shown -> shown);
        browser.find(enter).click();
        return awaitConsole();
    }

    ConsolePage openWithToken(String token) {
        browser.open(baseUrl + "/admin?token=" + token);
        return awaitConsole();
    }

    private ConsolePage awaitConsole() {
        browser.await("the console", () -> browser.find(By.id("console")).isDisplayed(), shown -> shown);
        return this;
    }

    String onlineCount() {
        return browser.find(By.id("online-count")).getText();
    }

    List<String> onlineUsers() {
        return browser.findAll(By.cssSelector("#online-list li[data-user-id] > span")).stream().map(WebElement::getText).toList();
    }

    ConsolePage awaitOnline(List<String> users) {
        browser.await("online users " + users, this::onlineUsers, users::equals);
        return this;
    }

    void disconnect(String user) {
        browser.act(() -> browser.find(By.xpath("//ul[@id='online-list']//button[@aria-label='Disconnect " + user + "']")).click());
    }

    /** Fills the send form; {@code userIds} empty means every user. */
    void send(List<Long> userIds, String title, String content, String type, String category, String actionUrl) {
        WebElement form = browser.find(By.id("send-form"));
        form.findElement(By.cssSelector("input[name=audience][value=" + (userIds.isEmpty() ? "all" : "chosen") + "]")).click();
        if (!userIds.isEmpty()) {
            WebElement ids = form.findElement(By.name("user_ids"));
            ids.clear();
            ids.sendKeys(String.join(", ", userIds.stream().map(String::valueOf).toList()));
        }
        type(form, "title", title);
        type(form, "content", content);
        new Select(form.findElement(By.name("type"))).selectByValue(type);
        new Select(form.findElement(By.name("category"))).selectByValue(category);
        type(form, "action_url", actionUrl == null ? "" : actionUrl);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    String sendResult() {
        return browser.find(By.id("send-result")).getText();
    }

    void pushDataUpdate(String channel, String json) {
        WebElement form = browser.find(By.id("push-form"));
        type(form, "channel", channel);
        type(form, "data", json);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    String pushResult() {
        return browser.find(By.id("push-result")).getText();
    }

    String statistics() {
        return browser.find(By.id("stats-body")).getText();
    }

    void showStatisticsOf(long userId) {
        WebElement input = browser.find(By.id("stats-user"));
        input.clear();
        input.sendKeys(String.valueOf(userId));
        browser.find(By.cssSelector("#stats-form button[type=submit]")).click();
    }

    void retryUnsent() {
        browser.find(By.cssSelector("#retry-form button[type=submit]")).click();
    }

    String retryResult() {
        return browser.find(By.id("retry-result")).getText();
    }

    String metrics() {
        return browser.find(By.id("metrics-list")).getText();
    }

    private static void type(WebElement form, String name, String text) {
        WebElement field = form.findElement(By.name(name));
        field.clear();
        field.sendKeys(text);
    }
}
