package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The zh-CN screenshots of README.zh-CN.md (inbox.zh-CN.png, console.zh-CN.png), taken in a
 * Chromium whose language is zh-CN, after checking the page is in Chinese. They go to
 * target/screenshots; to refresh the ones in docs/img:
 * {@code ./mvnw -pl server test -Dtest=ScreenshotsBrowserTest -Dherald.screenshots=../docs/img}.
 * Chinese text needs a CJK font on the machine (Debian: {@code apt-get install fonts-wqy-microhei}
 * or {@code fonts-noto-cjk}); without one the pictures show boxes, the checks still pass.
 */
class ScreenshotsBrowserTest {
    @Test
    void inboxAndConsoleInChinese() throws IOException {
        Path dir = Path.of(System.getProperty("herald.screenshots", "target/screenshots"));
        try (TestServer server = WebServers.start(); Browser browser = Browser.start("zh-CN,zh")) {
            Notifications.send(server, 1, "部署完成", "本周的版本已发布到生产环境。", "success", "task", null);
            Notifications.send(server, 1, "磁盘空间不足", "数据库服务器的磁盘已使用 91%。", "warning", "system", null);
            Notifications.send(server, 1, "新评论", "王芳评论了你的文档《季度计划》。", "info", "message", null);
            Notifications.send(server, 1, "支付失败", "订单 #1024 的支付未能完成，请重试。", "error", "reminder", null);
            Notifications.send(server, 1, "系统维护通知", "今晚 22:00 至 23:00 进行例行维护。", "system", "announcement", null);
            browser.open(server.baseUrl() + "/?token=" + server.token(1));
            browser.await("the rows", () -> browser.findAll(By.cssSelector("#rows tr")).size(), n -> n == 5);
            browser.find(By.id("bell-button")).click();
            browser.await("the bell items", () -> browser.findAll(By.cssSelector("#bell-list li")).size(), n -> n == 5);
            assertThat(browser.find(By.id("bell-button")).getAttribute("aria-label")).isEqualTo("5 条未读通知");
            Path inbox = dir.resolve("inbox.zh-CN.png");
            browser.screenshot(inbox);

            browser.open(server.baseUrl() + "/admin?token=" + server.adminToken(1));
            browser.await("the console", () -> browser.find(By.id("console")).isDisplayed(), shown -> shown);
            browser.await("the console in Chinese", () -> browser.find(By.id("online-title")).getText(), "当前在线"::equals);
            Path console = dir.resolve("console.zh-CN.png");
            browser.screenshot(console);

            for (Path png : new Path[] {inbox, console}) {
                byte[] bytes = Files.readAllBytes(png);
                assertThat(bytes.length).as(png + " size").isGreaterThan(20_000);
                assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
            }
        }
    }
}
