package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.herald.client.testing.HeraldProcess;
import dev.herald.client.testing.TestSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inbox API against a real Herald: sending with the API key, and every inbox call both as the
 * user (their JWT) and as the backend ({@code forUser}). Each test uses its own user ids.
 */
class InboxTest {
    static HeraldProcess herald;
    static HeraldClient client;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
        client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    static NewNotification.Builder note(String title, long... users) {
        return NewNotification.builder().userIds(users).title(title).content("content of " + title);
    }

    @Test
    void aSentNotificationIsReadBackWithEveryField() {
        Instant before = Instant.now().minusSeconds(1);
        SendResult sent = client.notifications().send(note("Export ready", 101, 102)
                .type("success").category("task").level("urgent")
                .data(Map.of("task_id", 42, "task_name", "export"))
                .action("link", "/exports/42")
                .build());
        assertThat(sent.count()).isEqualTo(2);
        assertThat(sent.ids()).hasSize(2);
        assertThat(sent.duplicate()).isFalse();
        assertThat(sent.pushed()).isZero(); // nobody online

        Inbox alice = client.asUser(herald.userToken(101));
        NotificationPage page = alice.list();
        assertThat(page.total()).isEqualTo(1);
        assertThat(page.page()).isEqualTo(1);
        assertThat(page.pageSize()).isEqualTo(20);
        Notification n = page.list().get(0);
        assertThat(sent.ids()).contains(n.id());
        assertThat(n.userId()).isEqualTo(101);
        assertThat(n.title()).isEqualTo("Export ready");
        assertThat(n.content()).isEqualTo("content of Export ready");
        assertThat(n.type()).isEqualTo("success");
        assertThat(n.category()).isEqualTo("task");
        assertThat(n.level()).isEqualTo("urgent");
        assertThat(n.data().path("task_id").asInt()).isEqualTo(42);
        assertThat(n.data().path("task_name").asText()).isEqualTo("export");
        assertThat(n.actionType()).isEqualTo("link");
        assertThat(n.actionData()).isEqualTo("/exports/42");
        assertThat(n.read()).isFalse();
        assertThat(n.readAt()).isNull();
        assertThat(n.sentViaWebsocket()).isFalse();
        assertThat(n.sentAt()).isNull();
        assertThat(n.retryCount()).isZero();
        assertThat(n.createdAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(n.updatedAt()).isNotNull();

        assertThat(alice.get(n.id())).isEqualTo(n);
        assertThat(client.notifications().forUser(101).get(n.id())).isEqualTo(n);
    }

    @Test
    void defaultsAreTheServersAndToEveryoneReachesKnownUsers() {
        client.notifications().send(note("make 111 known", 111).build());
        SendResult all = client.notifications().send(NewNotification.builder().toEveryone()
                .title("to everyone").content("hello all").build());
        assertThat(all.count()).isGreaterThanOrEqualTo(1).isEqualTo(all.ids().size());
        Notification n = client.notifications().forUser(111)
                .list(NotificationQuery.builder().keyword("to everyone").build()).list().get(0);
        assertThat(n.type()).isEqualTo("info");
        assertThat(n.category()).isEqualTo("system");
        assertThat(n.level()).isEqualTo("urgent");
        assertThat(n.data()).isNull();

        assertThatThrownBy(() -> NewNotification.builder().title("t").content("c").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("toEveryone");
    }

    @Test
    void aRepeatedIdempotencyKeyStoresOnceAndAnswersTheFirstResult() {
        NewNotification n = note("once", 121).idempotencyKey("order-121-shipped").build();
        SendResult first = client.notifications().send(n);
        SendResult again = client.notifications().send(n);
        assertThat(first.duplicate()).isFalse();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.ids()).isEqualTo(first.ids());
        assertThat(again.count()).isEqualTo(first.count());
        assertThat(client.notifications().forUser(121).list().total()).isEqualTo(1);

        // without a key of its own each send gets a fresh one: two sends, two notifications
        NewNotification keyless = note("twice", 122).build();
        assertThat(client.notifications().send(keyless).duplicate()).isFalse();
        assertThat(client.notifications().send(keyless).duplicate()).isFalse();
        assertThat(client.notifications().forUser(122).list().total()).isEqualTo(2);
    }

    @Test
    void listFiltersPagesAndCounts() {
        client.notifications().send(note("alpha task", 131).type("task").category("task").build());
        client.notifications().send(note("beta reminder", 131).type("warning").category("reminder").build());
        client.notifications().send(note("gamma reminder", 131).type("warning").category("reminder").build());
        Inbox inbox = client.asUser(herald.userToken(131));

        assertThat(inbox.list(NotificationQuery.builder().category("reminder").build()).total()).isEqualTo(2);
        assertThat(inbox.list(NotificationQuery.builder().type("task").build()).list())
                .extracting(Notification::title).containsExactly("alpha task");
        assertThat(inbox.list(NotificationQuery.builder().keyword("gamma").build()).list())
                .extracting(Notification::title).containsExactly("gamma reminder");
        NotificationPage second = inbox.list(NotificationQuery.builder().pageSize(2).page(2).build());
        assertThat(second.total()).isEqualTo(3);
        assertThat(second.page()).isEqualTo(2);
        assertThat(second.pageSize()).isEqualTo(2);
        assertThat(second.list()).extracting(Notification::title).containsExactly("alpha task"); // newest first
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(inbox.list(NotificationQuery.builder().startDate(today.minusDays(1)).endDate(today.plusDays(1)).build()).total())
                .isEqualTo(3);
        assertThat(inbox.list(NotificationQuery.builder().startDate(today.plusDays(2)).build()).total()).isZero();

        assertThat(inbox.unreadCount()).isEqualTo(3);
        assertThat(inbox.unread(2)).extracting(Notification::title).containsExactly("gamma reminder", "beta reminder");
        assertThat(inbox.unread()).hasSize(3);
        InboxStatistics stats = inbox.statistics();
        assertThat(stats.total()).isEqualTo(3);
        assertThat(stats.unread()).isEqualTo(3);
        assertThat(stats.read()).isZero();
        assertThat(stats.byType()).containsEntry("warning", 2L).containsEntry("task", 1L);
        assertThat(stats.byCategory()).containsEntry("reminder", 2L).containsEntry("task", 1L);

        NotificationPage read = inbox.list(NotificationQuery.builder().read(true).build());
        assertThat(read.total()).isZero();
    }

    @Test
    void readAndDeleteOneManyAndAll() {
        SendResult s = client.notifications().send(note("r1", 141).build());
        client.notifications().send(note("r2", 141).build());
        client.notifications().send(note("r3", 141).build());
        client.notifications().send(note("r4", 141).build());
        Inbox inbox = client.asUser(herald.userToken(141));
        List<Long> ids = inbox.list().list().stream().map(Notification::id).toList(); // r4, r3, r2, r1
        long r1 = s.ids().get(0);

        assertThat(inbox.markRead(r1)).isTrue();
        assertThat(inbox.markRead(r1)).isFalse();
        Notification one = inbox.get(r1);
        assertThat(one.read()).isTrue();
        assertThat(one.readAt()).isNotNull();

        assertThat(inbox.markRead(List.of(ids.get(0), ids.get(1), r1))).isEqualTo(2);
        assertThat(inbox.unreadCount()).isEqualTo(1);
        assertThat(inbox.markAllRead()).isEqualTo(1);
        assertThat(inbox.unreadCount()).isZero();

        assertThat(inbox.delete(ids.get(0))).isTrue();
        HeraldException gone = catchThrowableOfType(HeraldException.class, () -> inbox.get(ids.get(0)));
        assertThat(gone.status()).isEqualTo(404);
        assertThat(inbox.delete(List.of(ids.get(1), ids.get(0)))).isEqualTo(1);

        client.notifications().send(note("unread stays", 141).build());
        assertThat(inbox.clearRead()).isEqualTo(2); // r2 and r1 were read
        assertThat(inbox.list().list()).extracting(Notification::title).containsExactly("unread stays");
    }

    @Test
    void acknowledgeMarksOnlyTheUsersOwnUndeliveredNotificationsDelivered() {
        long mine = client.notifications().send(note("ack me", 161).build()).ids().get(0);
        long theirs = client.notifications().send(note("not yours", 162).build()).ids().get(0);
        Inbox inbox = client.asUser(herald.userToken(161));
        assertThat(inbox.acknowledge(List.of(mine, theirs))).isEqualTo(1);
        assertThat(inbox.acknowledge(List.of(mine))).isZero(); // already delivered
        assertThat(client.asUser(herald.userToken(162)).acknowledge(List.of(theirs))).isEqualTo(1);
        assertThat(inbox.get(mine).read()).isFalse(); // delivered is not read
    }

    @Test
    void theBackendWorksOnAUsersInboxWithTheApiKey() {
        client.notifications().send(note("b1", 151).build());
        client.notifications().send(note("b2", 151).build());
        Inbox inbox = client.notifications().forUser(151);
        assertThat(inbox.unreadCount()).isEqualTo(2);
        assertThat(inbox.statistics().total()).isEqualTo(2);
        long id = inbox.unread(1).get(0).id();
        assertThat(inbox.markRead(id)).isTrue();
        assertThat(inbox.list(NotificationQuery.builder().read(false).build()).total()).isEqualTo(1);
        assertThat(inbox.markAllRead()).isEqualTo(1);
        assertThat(inbox.markRead(List.of(id))).isZero();
        assertThat(inbox.delete(id)).isTrue();
        assertThat(inbox.delete(List.of(id))).isZero();
        assertThat(inbox.clearRead()).isEqualTo(1);
        assertThat(inbox.list().total()).isZero();
        // and the user's own view agrees
        assertThat(client.asUser(herald.userToken(151)).unreadCount()).isZero();
    }

    @Test
    void retryUnsentRepushesUnackedNotificationsOfOnlineUsersAndCleanupKeepsRecentOnes() throws Exception {
        try (TestSocket ws = TestSocket.connect(herald, herald.userToken(191))) {
            ws.next("init");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!client.checkOnline(191).online() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            client.notifications().send(note("u1", 191).build());
            client.notifications().send(note("u2", 191).build());
            client.notifications().send(note("stored only", 191).level("normal").build());
            ws.next(f -> "notification".equals(f.path("type").asText())
                    && "u2".equals(f.path("data").path("title").asText()), Duration.ofSeconds(5));

            assertThat(client.notifications().retryUnsent(100)).isEqualTo(2); // not acked, urgent only
            // the first push of u1 was passed over while waiting for u2: this one is the re-push
            ws.next(f -> "notification".equals(f.path("type").asText())
                    && "u1".equals(f.path("data").path("title").asText()), Duration.ofSeconds(5));
        }
        assertThat(client.notifications().forUser(191).list().list())
                .extracting(Notification::title, Notification::retryCount)
                .containsExactly(tuple("stored only", 0),
                        tuple("u2", 1), tuple("u1", 1));
        Inbox inbox = client.notifications().forUser(191);
        assertThat(inbox.markAllRead()).isEqualTo(3);
        assertThat(client.notifications().cleanup(1)).isZero(); // read, but not a day old
        assertThat(inbox.list().total()).isEqualTo(3);
    }

    @Test
    void oneClientIsSharedByManyThreads() throws Exception {
        int threads = 8;
        int each = 10;
        var pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SendResult>> sends = new ArrayList<>();
            for (int i = 0; i < threads * each; i++) {
                int n = i;
                sends.add(pool.submit(() -> client.notifications().send(note("parallel " + n, 195).build())));
            }
            Set<Long> ids = new HashSet<>();
            for (var f : sends) {
                SendResult r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.duplicate()).isFalse();
                ids.addAll(r.ids());
            }
            assertThat(ids).hasSize(threads * each);
            assertThat(client.notifications().forUser(195).statistics().total()).isEqualTo(threads * each);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The five lines of docs/java.md, as written there (with this test server's address and key). */
    @Test
    void theDocumentedExampleWorks() {
        HeraldClient herald = HeraldClient.builder()
                .baseUrl(InboxTest.herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
        herald.sendToUser(7, "order.shipped", Map.of("order_id", 42));
        herald.notifications().send(NewNotification.builder().userIds(7)
                .title("Order shipped").content("Order 42 is on its way").build());
        long unread = herald.notifications().forUser(7).unreadCount();
        assertThat(unread).isEqualTo(1);
    }
}
