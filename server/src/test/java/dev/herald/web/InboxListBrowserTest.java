package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The full list: filters, search, dates, paging, selection and batch actions give the right rows. */
class InboxListBrowserTest {
    private static final long USER = 4;

    /** 12 invoices (info/message), 8 deploys (task/task), 5 disk warnings (warning/system), oldest first. */
    private static void seed(TestServer server) {
        for (int i = 1; i <= 12; i++) {
            Notifications.send(server, USER, "Invoice " + i, "info", "message");
        }
        for (int i = 1; i <= 8; i++) {
            Notifications.send(server, USER, "Deploy " + i, "task", "task");
        }
        for (int i = 1; i <= 5; i++) {
            Notifications.send(server, USER, "Disk " + i, "warning", "system");
        }
    }

    private static List<String> titles(String prefix, int from, int downTo) {
        List<String> titles = new ArrayList<>();
        for (int i = from; i >= downTo; i--) {
            titles.add(prefix + " " + i);
        }
        return titles;
    }

    @Test
    void filters_search_dates_andPaging_giveTheRightRows() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            seed(server);
            List<Long> ids = Notifications.ids(server, USER);
            Notifications.markRead(server, USER, ids.get(0)); // Disk 5
            Notifications.markRead(server, USER, ids.get(24)); // Invoice 1
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(USER));

            inbox.awaitSummary("Page 1 of 2 · 25 notifications").awaitRowCount(20);
            List<String> newestFirst = new ArrayList<>(titles("Disk", 5, 1));
            newestFirst.addAll(titles("Deploy", 8, 1));
            newestFirst.addAll(titles("Invoice", 12, 1));
            assertThat(inbox.rowTitles()).isEqualTo(newestFirst.subList(0, 20));
            inbox.nextPage();
            inbox.awaitRows(titles("Invoice", 5, 1)).awaitSummary("Page 2 of 2 · 25 notifications");

            inbox.pageSize(10);
            inbox.awaitSummary("Page 1 of 3 · 25 notifications");
            inbox.nextPage();
            inbox.nextPage();
            inbox.awaitRows(titles("Invoice", 5, 1)).awaitSummary("Page 3 of 3 · 25 notifications");
            inbox.previousPage();
            inbox.awaitSummary("Page 2 of 3 · 25 notifications");

            inbox.search("Deploy");
            inbox.awaitRows(titles("Deploy", 8, 1)).awaitSummary("Page 1 of 1 · 8 notifications");
            inbox.filter("type", "warning");
            inbox.awaitSummary("No notifications");
            inbox.resetFilters();
            inbox.awaitSummary("Page 1 of 3 · 25 notifications");

            inbox.filter("type", "warning");
            inbox.awaitRows(titles("Disk", 5, 1));
            inbox.filter("type", "");
            inbox.filter("category", "task");
            inbox.awaitRows(titles("Deploy", 8, 1));
            inbox.filter("category", "");
            inbox.filter("is_read", "true");
            inbox.awaitRows(List.of("Disk 5", "Invoice 1"));
            inbox.filter("is_read", "false");
            inbox.awaitSummary("Page 1 of 3 · 23 notifications");
            inbox.filter("is_read", "");

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            inbox.dates(today.minusDays(3).toString(), today.minusDays(1).toString());
            inbox.awaitSummary("No notifications");
            inbox.dates(today.toString(), today.toString());
            inbox.awaitSummary("Page 1 of 3 · 25 notifications");
        }
    }

    @Test
    void selection_batchRead_andBatchDelete() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            seed(server);
            InboxPage inbox = new InboxPage(browser, server.baseUrl()).openWithToken(server.token(USER));
            inbox.awaitBellLabel("25 unread notifications");
            inbox.search("Disk");
            inbox.awaitRows(titles("Disk", 5, 1));

            inbox.select("Disk 4");
            inbox.select("Disk 2");
            assertThat(inbox.selectionCount()).isEqualTo("2 selected");
            inbox.batchRead();
            browser.await("two read rows", () -> List.of(inbox.rowState("Disk 4"), inbox.rowState("Disk 2"), inbox.rowState("Disk 3")),
                    states -> states.equals(List.of("Read", "Read", "Unread")));
            inbox.awaitBellLabel("23 unread notifications");
            assertThat(inbox.selectionCount()).isEqualTo("0 selected");

            inbox.selectPage();
            assertThat(inbox.selectionCount()).isEqualTo("5 selected");
            inbox.batchDelete();
            inbox.awaitSummary("No notifications");
            inbox.awaitBellLabel("20 unread notifications");
            inbox.resetFilters();
            inbox.awaitSummary("Page 1 of 1 · 20 notifications");
        }
    }
}
