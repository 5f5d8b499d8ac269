package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.herald.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inbox 2.0 in the web inbox: action buttons, archive and the Archived view, snooze, mark unread,
 * and collapsed notifications replaced live.
 */
class InboxActionsBrowserTest {
    private static final String NOTIFICATIONS = "/admin/system/notifications/";

    @Test
    void actionButtons_takeOne_showTaken_read_andA409IsHandled() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.sendWith(server, 5, "Expense report", Notifications.approveOrReject());
            long expense = Notifications.ids(server, 5).get(0);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitBellLabel("1 unread notification").openBell();
            browser.await("the action buttons", () -> inbox.texts("#bell-list .notification-actions button"),
                    List.of("Approve", "Reject")::equals);
            assertThat(inbox.bellItem("Expense report").findElement(org.openqa.selenium.By.cssSelector("[data-action=approve]"))
                    .getAttribute("class")).contains("primary");

            inbox.clickInBellItem("Expense report", "[data-action=approve]");
            browser.await("the action shown taken", () -> inbox.texts("#bell-list .action-taken"),
                    texts -> texts.size() == 1 && texts.get(0).startsWith("Approve ✓ · "));
            assertThat(inbox.count("#bell-list .notification-actions button")).as("no second click possible").isZero();
            inbox.awaitBellLabel("No unread notifications");
            var record = Notifications.get(server, 5, expense);
            assertThat(record.get("action_taken").get("id").asText()).isEqualTo("approve");
            assertThat(record.get("is_read").asBoolean()).isTrue();
            assertThat(server.call("POST", NOTIFICATIONS + expense + "/actions/reject", server.token(5), null).status())
                    .isEqualTo(409);

            // Taken elsewhere (another tab) while this page still shows the buttons: the 409 is
            // reported and the row then shows what was taken.
            inbox.closeBell();
            Notifications.sendWith(server, 5, "Leave request", Notifications.approveOrReject());
            long leave = Notifications.ids(server, 5).get(0);
            inbox.awaitRows(List.of("Leave request", "Expense report"));
            // read first, so taking the action elsewhere changes no unread count (no refresh)
            Notifications.markRead(server, 5, leave);
            browser.await("Leave request read", () -> inbox.rowState("Leave request"), "Read"::equals);
            browser.await("buttons in the row", () -> inbox.count("#rows .notification-actions button"), n -> n == 2);
            assertThat(server.call("POST", NOTIFICATIONS + leave + "/actions/reject", server.token(5), null).status())
                    .isEqualTo(200);
            inbox.clickInRow("Leave request", "[data-action=approve]");
            browser.await("an error toast", inbox::toasts, toasts -> !toasts.isEmpty());
            browser.await("the row shows what was taken", () -> inbox.texts("#rows .action-taken"),
                    texts -> texts.size() == 2 && texts.stream().anyMatch(text -> text.startsWith("Reject ✓")));
            assertThat(inbox.count("#rows .notification-actions button")).isZero();
        }
    }

    @Test
    void theDetailDialog_offersTheActionsToo() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.sendWith(server, 5, "Budget", Notifications.approveOrReject());
            long id = Notifications.ids(server, 5).get(0);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Budget"));
            inbox.openRow("Budget");
            browser.await("the detail view", inbox::detailOpen, open -> open);
            browser.await("the buttons in the dialog", () -> inbox.texts("#detail-actions button"), List.of("Approve", "Reject")::equals);
            browser.act(() -> inbox.detail().findElement(org.openqa.selenium.By.cssSelector("[data-action=reject]")).click());
            browser.await("taken in the dialog", () -> inbox.texts("#detail-actions .action-taken"),
                    texts -> texts.size() == 1 && texts.get(0).startsWith("Reject ✓ · "));
            assertThat(Notifications.get(server, 5, id).get("action_taken").get("id").asText()).isEqualTo("reject");
            inbox.detail().findElement(org.openqa.selenium.By.id("detail-close")).click();
            browser.await("taken in the row", () -> inbox.texts("#rows .action-taken"), texts -> texts.size() == 1);
        }
    }

    @Test
    void aUrlAction_isRecordedFirst_thenOpensItsSameOriginPath() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.sendWith(server, 5, "Review settings", Map.of("actions", List.of(
                    Map.of("id", "open", "label", "Open settings", "url", "/preferences", "style", "primary"))));
            long id = Notifications.ids(server, 5).get(0);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Review settings"));
            inbox.clickInRow("Review settings", "[data-action=open]");
            browser.await("the action's page", () -> browser.driver().getCurrentUrl(), url -> url.equals(server.baseUrl() + "/preferences"));
            assertThat(Notifications.get(server, 5, id).get("action_taken").get("id").asText()).isEqualTo("open");
        }
    }

    @Test
    void archiveAndUnarchive_fromTheDropdownAndTheList_withTheArchivedView() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Alpha", "info", "message");
            Notifications.send(server, 5, "Beta", "info", "message");
            Notifications.send(server, 5, "Gamma", "info", "message");
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Gamma", "Beta", "Alpha"));

            inbox.openBell();
            browser.await("the dropdown", inbox::bellTitles, List.of("Gamma", "Beta", "Alpha")::equals);
            inbox.clickInBellItem("Gamma", "button.archive");
            browser.await("Gamma gone from the dropdown", inbox::bellTitles, List.of("Beta", "Alpha")::equals);
            inbox.closeBell();
            inbox.awaitRows(List.of("Beta", "Alpha"));

            inbox.clickInRow("Beta", "button.archive");
            inbox.awaitRows(List.of("Alpha"));
            inbox.awaitBellLabel("1 unread notification");

            inbox.view("true");
            inbox.awaitRows(List.of("Gamma", "Beta"));
            inbox.clickInRow("Beta", "button.unarchive");
            inbox.awaitRows(List.of("Gamma"));
            inbox.view("false");
            inbox.awaitRows(List.of("Beta", "Alpha"));

            inbox.selectPage();
            inbox.batchArchive();
            inbox.awaitSummary("No notifications");
            inbox.view("true");
            inbox.awaitRows(List.of("Gamma", "Beta", "Alpha"));
            assertThat(server.call("GET", "/admin/system/notifications?archived=true", server.token(5), null).data().get("total").asInt())
                    .isEqualTo(3);
        }
    }

    @Test
    void snoozeMenu_hidesTheNotificationUntilTheChosenTime() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Later", "info", "reminder");
            Notifications.send(server, 5, "Tomorrow", "info", "reminder");
            Notifications.send(server, 5, "Monday", "info", "reminder");
            List<Long> ids = Notifications.ids(server, 5); // Monday, Tomorrow, Later
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Monday", "Tomorrow", "Later"));

            inbox.openBell();
            browser.await("the dropdown", inbox::bellTitles, List.of("Monday", "Tomorrow", "Later")::equals);
            assertThat(inbox.count("#bell-list [role=menu]:not([hidden])")).isZero();
            inbox.clickInBellItem("Later", "button.snooze");
            assertThat(inbox.texts("#bell-list [role=menu]:not([hidden]) [role=menuitem]"))
                    .containsExactly("1 hour", "Tomorrow 09:00", "Next week (Monday 09:00)");
            Instant clicked = Instant.now();
            inbox.clickInBellItem("Later", "[data-snooze=hour]");
            browser.await("Later gone from the dropdown", inbox::bellTitles, List.of("Monday", "Tomorrow")::equals);
            inbox.closeBell();
            inbox.awaitRows(List.of("Monday", "Tomorrow"));
            inbox.awaitBellLabel("2 unread notifications");
            assertThat(snoozedUntil(server, ids.get(2))).isCloseTo(clicked.plus(Duration.ofHours(1)), within(Duration.ofMinutes(1)));

            inbox.clickInRow("Tomorrow", "button.snooze");
            inbox.clickInRow("Tomorrow", "[data-snooze=tomorrow]");
            inbox.awaitRows(List.of("Monday"));
            assertThat(snoozedUntil(server, ids.get(1))).isEqualTo(localTime(browser, """
                    const d = new Date(); return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 9).toISOString();"""));

            inbox.clickInRow("Monday", "button.snooze");
            inbox.clickInRow("Monday", "[data-snooze=next_week]");
            inbox.awaitSummary("No notifications");
            Instant monday = snoozedUntil(server, ids.get(0));
            assertThat(localTime(browser, "return String(new Date(arguments[0]).getDay() * 100 + new Date(arguments[0]).getHours());",
                    monday.toString())).isEqualTo("109");
            assertThat(monday).isBetween(Instant.now(), Instant.now().plus(Duration.ofDays(8)));
        }
    }

    @Test
    void markUnread_raisesTheBadge() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Notifications.send(server, 5, "Seen it", "info", "message");
            Notifications.send(server, 5, "Also seen", "info", "message");
            for (long id : Notifications.ids(server, 5)) {
                Notifications.markRead(server, 5, id);
            }
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("Also seen", "Seen it")).awaitBellLabel("No unread notifications");
            inbox.clickInRow("Seen it", "button.mark-unread");
            inbox.awaitBellLabel("1 unread notification");
            browser.await("the row unread", () -> inbox.rowState("Seen it"), "Unread"::equals);
            assertThat(inbox.badgeText()).isEqualTo("1");

            inbox.openBell();
            browser.await("the dropdown", inbox::bellTitles, List.of("Also seen", "Seen it")::equals);
            inbox.clickInBellItem("Also seen", "button.mark-unread");
            inbox.awaitBellLabel("2 unread notifications");
            browser.await("both unread in the dropdown", inbox::unreadBellTitles, List.of("Also seen", "Seen it")::equals);
        }
    }

    @Test
    void collapsedNotification_showsItsCount_andIsReplacedLive() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            Map<String, Object> group = Map.of("group_key", "comments-42");
            Notifications.send(server, 5, "Other", "info", "message");
            Notifications.sendWith(server, 5, "New comments", group);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(5));
            inbox.awaitRows(List.of("New comments", "Other")).awaitBellLabel("2 unread notifications");
            inbox.openBell();
            browser.await("the dropdown", inbox::bellTitles, List.of("New comments", "Other")::equals);
            assertThat(inbox.count(".group-count")).isZero();

            assertThat(Notifications.sendWith(server, 5, "New comments", group).get("collapsed").asInt()).isEqualTo(1);
            browser.await("the count in the dropdown", () -> inbox.texts("#bell-list .group-count"), List.of("×22 similar notifications")::equals);
            browser.await("the count in the list", () -> inbox.texts("#rows .group-count"), List.of("×22 similar notifications")::equals);
            Notifications.sendWith(server, 5, "New comments", group);
            browser.await("the count 3", () -> inbox.texts("#bell-list .group-count"), List.of("×33 similar notifications")::equals);
            assertThat(inbox.count("#bell-list li")).as("replaced, not added").isEqualTo(2);
            inbox.awaitRowCount(2);
            assertThat(inbox.bellLabel()).isEqualTo("2 unread notifications");
            assertThat(inbox.toasts()).as("a collapsed push is not announced as new").isEmpty();
        }
    }

    static Instant snoozedUntil(TestServer server, long id) {
        var record = Notifications.get(server, 5, id);
        assertThat(record.get("snoozed_until").isTextual()).as(record.toString()).isTrue();
        return OffsetDateTime.parse(record.get("snoozed_until").asText()).toInstant();
    }

    static Object localTime(Browser browser, String js, Object... args) {
        Object value = browser.script(js, args);
        return value instanceof String s && s.endsWith("Z") && s.contains("T") ? Instant.parse(s) : value;
    }
}
