package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.Concurrently;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class NotificationSendTest extends StoreTestBase {

    @Test
    void insertForUsers_storesOneFreshRecordPerUser_withAllFields() {
        JsonNode data = json("{\"order\":{\"id\":42,\"items\":[1,2.5,\"三\"]},\"ok\":true,\"none\":null}");
        NewNotification n = new NewNotification("Order shipped", "Your order 42 is on its way", "success",
                "task", data, "link", "/orders/42");

        List<Notification> created = store.insertForUsers(List.of(3L, 1L, 2L), n, NOBODY_KNOWN);

        assertThat(created).extracting(Notification::userId).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(ids(created)).isSorted().doesNotHaveDuplicates();
        for (Notification stored : created) {
            assertThat(store.find(stored.userId(), stored.id())).contains(stored);
            assertThat(stored.title()).isEqualTo("Order shipped");
            assertThat(stored.content()).isEqualTo("Your order 42 is on its way");
            assertThat(stored.type()).isEqualTo("success");
            assertThat(stored.category()).isEqualTo("task");
            assertThat(stored.data()).isEqualTo(data);
            assertThat(stored.actionType()).isEqualTo("link");
            assertThat(stored.actionData()).isEqualTo("/orders/42");
            assertThat(stored.read()).isFalse();
            assertThat(stored.readAt()).isNull();
            assertThat(stored.sentViaWebsocket()).isFalse();
            assertThat(stored.sentAt()).isNull();
            assertThat(stored.retryCount()).isZero();
            assertThat(stored.createdAt()).isEqualTo(now());
            assertThat(stored.updatedAt()).isEqualTo(now());
        }
    }

    @Test
    void insertForUsers_withoutOptionalFields_storesNulls() {
        Notification stored = send(9, note("plain"));
        Notification read = store.find(9, stored.id()).orElseThrow();
        assertThat(read.data()).isNull();
        assertThat(read.actionType()).isNull();
        assertThat(read.actionData()).isNull();
    }

    @Test
    void insertForUsers_unicodeAndLongContent_roundTripExactly() {
        String title = "🔔 通知 — ünïcödé 'quotes' \"double\" \\back\\slash".repeat(3);
        String content = "内容🙂".repeat(64 * 1024 / 3); // about 64 KiB of characters, beyond 64 KiB of bytes
        JsonNode data = json("{\"emoji\":\"🙂\",\"quote\":\"it's \\\"x\\\"\",\"nested\":[[{}]],\"big\":12345678901234567890}");
        Notification stored = send(5, new NewNotification(title, content, "info", "message", data, null, "{\"a\":1}"));

        Notification read = store.find(5, stored.id()).orElseThrow();
        assertThat(read.title()).isEqualTo(title);
        assertThat(read.content()).isEqualTo(content);
        assertThat(read.data()).isEqualTo(data);
        assertThat(read.actionData()).isEqualTo("{\"a\":1}");
    }

    @Test
    void insertForUsers_duplicateRecipients_storesOnePerUser() {
        List<Notification> created = store.insertForUsers(List.of(7L, 7L, 8L, 7L, 8L), note("dup"), NOBODY_KNOWN);
        assertThat(created).extracting(Notification::userId).containsExactly(7L, 8L);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(2);
    }

    @Test
    void insertForUsers_emptyRecipients_storesNothing() {
        assertThat(store.insertForUsers(List.of(), note("nobody"), NOBODY_KNOWN)).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isZero();
    }

    @Test
    void insertForUsers_nonPositiveOrNullRecipient_isRejectedBeforeAnyWrite() {
        assertThatThrownBy(() -> store.insertForUsers(List.of(1L, -5L), note("x"), NOBODY_KNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.insertForUsers(List.of(0L), note("x"), NOBODY_KNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.insertForUsers(Arrays.asList(1L, null), note("x"), NOBODY_KNOWN))
                .isInstanceOf(NullPointerException.class);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isZero();
    }

    @Test
    void insertForUsers_manyChunks_storesEveryRecipientOnce() {
        NotificationStore chunked = new NotificationStore(db(), clock, 7);
        List<Long> users = LongStream.rangeClosed(1, 100).boxed().toList();
        List<Notification> created = chunked.insertForUsers(users, note("chunked"), NOBODY_KNOWN);
        assertThat(created).hasSize(100);
        assertThat(created).extracting(Notification::userId).containsExactlyInAnyOrderElementsOf(users);
        assertThat(count("SELECT COUNT(DISTINCT user_id) FROM system_notifications")).isEqualTo(100);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(100);
    }

    @Test
    void insertForUsers_failureInLaterChunk_commitsNothing() {
        sql("ALTER TABLE system_notifications ADD CONSTRAINT test_reject_77 CHECK (user_id <> 77)");
        try {
            NotificationStore chunked = new NotificationStore(db(), clock, 10);
            List<Long> users = LongStream.rangeClosed(1, 100).boxed().toList(); // 77 is in the 8th chunk
            assertThatThrownBy(() -> chunked.insertForUsers(users, note("doomed"), NOBODY_KNOWN))
                    .isInstanceOf(StoreException.class)
                    .isNotInstanceOf(StoreUnavailableException.class);
            assertThat(count("SELECT COUNT(*) FROM system_notifications")).isZero();
            assertThat(count("SELECT COUNT(*) FROM known_users")).isZero();
        } finally {
            sql("ALTER TABLE system_notifications DROP CONSTRAINT test_reject_77");
        }
    }

    @Test
    void insertForUsers_marksRecipientsKnown_withoutMovingLastSeenOfKnownOnes() {
        store.touchKnownUsers(List.of(1L));
        String lastSeenBefore = lastSeen(1);
        clock.advance(Duration.ofHours(1));

        store.insertForUsers(List.of(1L, 2L), note("hello"), NOBODY_KNOWN);

        assertThat(store.knownUserIds()).containsExactly(1L, 2L);
        assertThat(lastSeen(1)).isEqualTo(lastSeenBefore);
    }

    @Test
    void insertForUsers_concurrentSendsToSameNewUsers_allSucceed() throws Exception {
        List<Long> users = LongStream.rangeClosed(1, 50).boxed().toList();
        Concurrently.run(4, t -> store.insertForUsers(users, note("race"), NOBODY_KNOWN));
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(50);
    }

    @Test
    void newNotification_invalidFields_areRejected() {
        assertThatThrownBy(() -> note(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> note("x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> note("t", "c", "x".repeat(51), "system")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> note("t", "c", "info", "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(note("x".repeat(255)).title()).hasSize(255);
        assertThat(new NewNotification("t", "", "info", "system", json("null"), null, null).data()).isNull();
    }

    private String lastSeen(long userId) {
        try (var c = db().dataSource().getConnection();
                var ps = c.prepareStatement("SELECT last_seen FROM known_users WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
