package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The inbox and the console in Simplified Chinese and English: the language follows the browser's
 * languages, ?lang= forces it, the switcher changes and keeps it; labels, type and category names,
 * the bell's accessible name, relative times and validation messages come from the catalogues.
 */
class LanguageBrowserTest {
    @Test
    void inbox_followsAChineseBrowser_andTheSwitcherTurnsItEnglish() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start("zh-CN,zh")) {
            Notifications.send(server, 5, "构建完成", "success", "task");
            Notifications.send(server, 5, "配额将满", "warning", "system");
            Notifications.send(server, 5, "Hello", "info", "announcement");
            browser.open(server.baseUrl() + "/?token=" + server.token(5));
            browser.await("the live link", () -> text(browser, By.id("connection")), "在线"::equals);
            browser.await("the bell's name", () -> bellLabel(browser), "3 条未读通知"::equals);
            assertThat(browser.script("return document.documentElement.lang")).isEqualTo("zh-CN");
            assertThat(browser.driver().getTitle()).isEqualTo("Herald · 收件箱");
            assertThat(text(browser, By.id("inbox-title"))).isEqualTo("通知");
            assertThat(texts(browser, By.cssSelector("#notifications thead th")))
                    .containsSubsequence("通知", "类型", "分类", "接收时间", "状态");
            browser.await("the rows", () -> texts(browser, By.cssSelector("#rows .chip")), List.of("信息", "警告", "成功")::equals);
            // the list may render again (a live push, the count) while it is read: wait rather than read once
            browser.await("the categories", () -> texts(browser, By.cssSelector("#rows td[data-label='分类']")),
                    List.of("公告", "系统", "任务")::equals);
            browser.await("the times", () -> texts(browser, By.cssSelector("#rows time")), List.of("刚刚", "刚刚", "刚刚")::equals);
            browser.await("the summary", () -> text(browser, By.id("list-summary")), "第 1 页，共 1 页 · 3 条通知"::equals);
            assertThat(options(browser, "#filters select[name='type']")).containsExactly("全部类型", "信息", "成功", "警告", "错误", "任务", "系统");
            assertThat(options(browser, "#filters select[name='category']")).containsExactly("全部分类", "系统", "任务", "消息", "提醒", "公告");
            // Intl in the page's language, for times the list shows later
            assertThat(browser.asyncScript("const done = arguments[0]; import('/assets/js/i18n.js').then((m) => done("
                    + "[m.timeAgo(new Date(Date.now() - 180000).toISOString()), m.timeAgo(new Date(Date.now() - 7200000).toISOString())]))"))
                    .isEqualTo(List.of("3分钟前", "2小时前"));

            browser.find(By.id("bell-button")).click();
            browser.await("the dropdown tabs", () -> texts(browser, By.cssSelector("#bell-tabs [role=tab]")),
                    List.of("全部", "通知", "任务", "警告")::equals);
            assertThat(browser.find(By.id("bell-panel")).getAttribute("aria-label")).isEqualTo("最新通知");
            assertThat(text(browser, By.id("bell-read-all"))).isEqualTo("全部标为已读");

            new Select(browser.find(By.id("language"))).selectByValue("en");
            browser.await("the English page", () -> bellLabel(browser), "3 unread notifications"::equals);
            assertThat(browser.script("return document.documentElement.lang")).isEqualTo("en");
            assertThat(text(browser, By.id("inbox-title"))).isEqualTo("Notifications");
            browser.await("English chips", () -> texts(browser, By.cssSelector("#rows .chip")), List.of("Info", "Warning", "Success")::equals);
            assertThat(browser.find(By.id("language")).getAttribute("aria-label")).isNull();
            assertThat(browser.script("return document.querySelector('label.language-switch span').textContent")).isEqualTo("Language");

            // the choice is kept: without ?lang= the page stays English in a Chinese browser
            browser.open(server.baseUrl() + "/");
            browser.await("the English page again", () -> bellLabel(browser), "3 unread notifications"::equals);
            assertThat(browser.script("return localStorage.getItem('herald.lang')")).isEqualTo("en");
        }
    }

    @Test
    void inbox20_controlsAndCountsAreChinese() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start("zh-CN,zh")) {
            Notifications.sendWith(server, 5, "报销单", Notifications.approveOrReject());
            Notifications.sendWith(server, 5, "新评论", java.util.Map.of("group_key", "comments"));
            Notifications.sendWith(server, 5, "新评论", java.util.Map.of("group_key", "comments"));
            browser.open(server.baseUrl() + "/?token=" + server.token(5));
            browser.await("the collapsed count", () -> texts(browser, By.cssSelector("#rows .group-count span")),
                    List.of("×2", "2 条相似通知")::equals);
            assertThat(options(browser, "#filters select[name='archived']")).containsExactly("收件箱", "已归档");
            assertThat(text(browser, By.id("batch-archive"))).isEqualTo("归档");
            browser.find(By.id("bell-button")).click();
            browser.await("the dropdown", () -> browser.findAll(By.cssSelector("#bell-list li")).size(), n -> n == 2);
            assertThat(text(browser, By.id("bell-preferences"))).isEqualTo("通知设置");
            WebElement comments = browser.find(By.cssSelector("#bell-list li:first-child"));
            assertThat(texts(browser, By.cssSelector("#bell-list li:first-child .state-controls button:not([role=menuitem])")))
                    .containsExactly("归档", "稍后提醒");
            comments.findElement(By.cssSelector("button.snooze")).click();
            assertThat(texts(browser, By.cssSelector("#bell-list li:first-child [role=menu] [role=menuitem]")))
                    .containsExactly("1 小时后", "明天 09:00", "下周（周一 09:00）");
            browser.find(By.cssSelector("#bell-list [data-action=approve]")).click();
            browser.await("the action taken", () -> texts(browser, By.cssSelector("#bell-list .action-taken")),
                    texts -> texts.size() == 1 && texts.get(0).startsWith("Approve ✓ · ") && texts.get(0).contains("年"));
        }
    }

    @Test
    void console_inAnEnglishBrowser_isChineseWithLangInTheAddress() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            browser.open(server.baseUrl() + "/admin?lang=zh-CN&token=" + server.adminToken(1));
            browser.await("the console", () -> browser.find(By.id("console")).isDisplayed(), shown -> shown);
            assertThat(browser.script("return document.documentElement.lang")).isEqualTo("zh-CN");
            assertThat(browser.driver().getTitle()).isEqualTo("Herald · 控制台");
            assertThat(texts(browser, By.cssSelector("#console h2")))
                    .containsExactly("当前在线", "发送通知", "向频道推送数据更新", "统计", "投递", "实时指标");
            assertThat(options(browser, "#send-form select[name='type']")).containsExactly("信息", "成功", "警告", "错误", "任务", "系统");
            assertThat(options(browser, "#send-form select[name='level']")).containsExactly("紧急 — 保存并立即推送", "普通 — 仅保存");
            assertThat(text(browser, By.id("sign-out"))).isEqualTo("退出");
            assertThat(text(browser, By.id("who"))).isEqualTo("管理员 · Alice（1）");

            WebElement form = browser.find(By.id("send-form"));
            form.findElement(By.cssSelector("button[type=submit]")).click();
            browser.await("the validation message", () -> text(browser, By.id("send-result")), "需要填写标题。"::equals);

            form.findElement(By.name("title")).sendKeys("系统维护");
            form.findElement(By.name("content")).sendKeys("今晚 22:00 维护。");
            form.findElement(By.cssSelector("button[type=submit]")).click();
            browser.await("the send result", () -> text(browser, By.id("send-result")), t -> t.startsWith("已发送：已为"));
        }
    }

    @Test
    void englishBrowser_englishPages() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 6, "One", "error", "reminder");
            browser.open(server.baseUrl() + "/?token=" + server.token(6));
            browser.await("the bell's name", () -> bellLabel(browser), "1 unread notification"::equals);
            assertThat(browser.script("return document.documentElement.lang")).isEqualTo("en");
            browser.await("the chip", () -> texts(browser, By.cssSelector("#rows .chip")), List.of("Error")::equals);
            browser.await("the time", () -> texts(browser, By.cssSelector("#rows time")), List.of("just now")::equals);
            assertThat(browser.asyncScript("const done = arguments[0]; import('/assets/js/i18n.js').then((m) => done("
                    + "m.timeAgo(new Date(Date.now() - 180000).toISOString())))")).isEqualTo("3 min. ago");
        }
    }

    private static String bellLabel(Browser browser) {
        return browser.find(By.id("bell-button")).getAttribute("aria-label");
    }

    private static String text(Browser browser, By by) {
        return browser.find(by).getText();
    }

    private static List<String> texts(Browser browser, By by) {
        return browser.findAll(by).stream().map(WebElement::getText).toList();
    }

    private static List<String> options(Browser browser, String select) {
        return browser.findAll(By.cssSelector(select + " option")).stream().map(o -> o.getAttribute("textContent")).toList();
    }
}
