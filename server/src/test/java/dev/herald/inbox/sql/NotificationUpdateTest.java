package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationUpdateTest extends StoreTestBase {

    private static final long ME = 1;
    private static final long OTHER = 2;

    @Test
    void markRead_unread_setsReadAtAndUpdatedAt() {
        Notification n = send(ME, "a");
        clock.advance(Duration.ofMinutes(1));
        Instant later = now();

        assertThat(store.markRead(ME, n.id())).hasValue(1);

        Notification read = store.find(ME, n.id()).orElseThrow();
        assertThat(read.read()).isTrue();
        assertThat(read.readAt()).isEqualTo(later);
        assertThat(read.updatedAt()).isEqualTo(later);
        assertThat(read.createdAt()).isEqualTo(n.createdAt());
    }

    @Test
    void markRead_alreadyRead_isFoundButUnchanged() {
        Notification n = send(ME, "a");
        store.markRead(ME, n.id());
        Notification first = store.find(ME, n.id()).orElseThrow();
        clock.advance(Duration.ofMinutes(1));

        assertThat(store.markRead(ME, n.id())).hasValue(0);
        assertThat(store.find(ME, n.id())).contains(first);
    }

    @Test
    void markRead_otherUsersDeletedOrMissing_isNotFoundAndChangesNothing() {
        Notification theirs = send(OTHER, "theirs");
        Notification gone = send(ME, "gone");
        store.delete(ME, gone.id());

        assertThat(store.markRead(ME, theirs.id())).isEmpty();
        assertThat(store.markRead(ME, gone.id())).isEmpty();
        assertThat(store.markRead(ME, 424242L)).isEmpty();
        assertThat(row(theirs.id()).orElseThrow().read()).isFalse();
    }

    @Test
    void markReadBatch_countsOnlyMyChangedRows_duplicatesOnce() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        Notification c = send(ME, "c");
        Notification theirs = send(OTHER, "x");
        store.markRead(ME, c.id());

        int changed = store.markRead(ME, List.of(a.id(), a.id(), b.id(), c.id(), theirs.id(), -1L, 0L, 99999L));

        assertThat(changed).isEqualTo(2);
        assertThat(store.unreadCount(ME)).isZero();
        assertThat(store.unreadCount(OTHER)).isEqualTo(1);
        assertThat(store.markRead(ME, List.of())).isZero();
    }

    @Test
    void markReadBatch_moreIdsThanOneInList_changesAll() {
        List<Notification> many = new ArrayList<>();
        for (int i = 0; i < NotificationStore.ID_CHUNK + 20; i++) {
            many.add(send(ME, "n" + i));
        }
        assertThat(store.markRead(ME, ids(many))).isEqualTo(many.size());
        assertThat(store.unreadCount(ME)).isZero();
    }

    @Test
    void markAllRead_changesOnlyMyUnread_andBumpsUpdatedAt() {
        Notification a = send(ME, "a");
        send(ME, "b");
        send(OTHER, "x");
        store.markRead(ME, a.id());
        clock.advance(Duration.ofSeconds(30));

        assertThat(store.markAllRead(ME)).isEqualTo(1);
        assertThat(store.markAllRead(ME)).isZero();
        assertThat(store.unreadCount(OTHER)).isEqualTo(1);
        assertThat(store.list(NotificationFilter.forUser(ME)).list())
                .allSatisfy(n -> assertThat(n.read()).isTrue())
                .filteredOn(n -> n.id() != a.id())
                .allSatisfy(n -> assertThat(n.updatedAt()).isEqualTo(now()));
    }

    @Test
    void delete_hidesRowEverywhere_andSecondDeleteIsNotFound() {
        Notification n = send(ME, "a");
        send(ME, "b");

        assertThat(store.delete(ME, n.id())).isTrue();
        assertThat(store.delete(ME, n.id())).isFalse();

        assertThat(store.find(ME, n.id())).isEmpty();
        assertThat(titles(store.list(NotificationFilter.forUser(ME)).list())).containsExactly("b");
        assertThat(store.unreadCount(ME)).isEqualTo(1);
        assertThat(store.statistics(ME).total()).isEqualTo(1);
        assertThat(store.undelivered(ME, 0, 10)).extracting(Notification::title).containsExactly("b");
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE deleted_at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void deleteAndClearRead_setUpdatedAtToDeletionTime() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        store.markRead(ME, b.id());
        clock.advance(Duration.ofHours(1));
        store.delete(ME, a.id());
        clock.advance(Duration.ofHours(1));
        store.clearRead(ME);
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE deleted_at IS NOT NULL"
                + " AND updated_at = deleted_at AND updated_at > created_at")).isEqualTo(2);
    }

    @Test
    void delete_otherUsersRow_isNotFoundAndKept() {
        Notification theirs = send(OTHER, "x");
        assertThat(store.delete(ME, theirs.id())).isFalse();
        assertThat(store.find(OTHER, theirs.id())).isPresent();
    }

    @Test
    void deleteBatch_countsMineOnce_ignoresOthers() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        Notification theirs = send(OTHER, "x");
        assertThat(store.delete(ME, List.of(a.id(), b.id(), b.id(), theirs.id(), 123456L))).isEqualTo(2);
        assertThat(store.delete(ME, List.of(a.id()))).isZero();
        assertThat(store.find(OTHER, theirs.id())).isPresent();
    }

    @Test
    void clearRead_softDeletesOnlyMyReadOnes() {
        Notification a = send(ME, "a");
        send(ME, "b");
        Notification theirs = send(OTHER, "x");
        store.markRead(ME, a.id());
        store.markRead(OTHER, theirs.id());

        assertThat(store.clearRead(ME)).isEqualTo(1);
        assertThat(store.clearRead(ME)).isZero();
        assertThat(titles(store.list(NotificationFilter.forUser(ME)).list())).containsExactly("b");
        assertThat(store.find(OTHER, theirs.id())).isPresent();
    }
}
