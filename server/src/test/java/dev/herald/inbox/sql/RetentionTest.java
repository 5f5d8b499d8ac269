package dev.herald.inbox.sql;

import dev.herald.inbox.Notification;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RetentionTest extends StoreTestBase {

    private static final Duration DAYS_30 = Duration.ofDays(30);

    @Test
    void purgeRead_removesOldReadAndOldDeleted_keepsUnreadAndRecent() {
        Notification oldRead = send(1, "old read");
        Notification oldUnread = send(1, "old unread");
        Notification oldDeletedLongAgo = send(1, "old, deleted long ago");
        Notification oldDeletedRecently = send(1, "old, deleted recently");
        store.markRead(1, oldRead.id());
        store.delete(1, oldDeletedLongAgo.id());
        clock.advance(Duration.ofDays(40));
        store.delete(1, oldDeletedRecently.id());
        Notification recentRead = send(1, "recent read");
        store.markRead(1, recentRead.id());
        send(1, "recent unread");

        long removed = store.purgeRead(now().minus(DAYS_30));

        assertThat(removed).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE id IN ("
                + oldRead.id() + "," + oldDeletedLongAgo.id() + ")")).isZero();
        assertThat(store.find(1, oldUnread.id())).isPresent();
        assertThat(store.find(1, recentRead.id())).isPresent();
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(4);
    }

    @Test
    void purgeRead_nothingOld_removesNothing() {
        Notification n = send(1, "fresh");
        store.markRead(1, n.id());
        assertThat(store.purgeRead(now().minus(DAYS_30))).isZero();
        assertThat(store.purgeRead(Instant.EPOCH)).isZero();
    }

    @Test
    void purge_manyChunks_removesAllMatchingRows() {
        List<Notification> created = store.insertForUsers(LongStream.rangeClosed(1, 23).boxed().toList(), note("x"), NOBODY_KNOWN);
        for (Notification n : created) {
            store.markRead(n.userId(), n.id());
        }
        send(1, "unread stays");
        clock.advance(Duration.ofDays(31));

        long removed = Retention.purge(db(), now().minus(DAYS_30), 5);

        assertThat(removed).isEqualTo(23);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(1);
    }

    @Test
    void purgeIdempotencyKeys_removesOnlyOlderKeys() {
        store.insertIdempotent("a", List.of(1L), note("a"), NOBODY_KNOWN);
        clock.advance(Duration.ofHours(30));
        store.insertIdempotent("b", List.of(1L), note("b"), NOBODY_KNOWN);
        assertThat(store.purgeIdempotencyKeys(now().minus(Duration.ofHours(24)))).isEqualTo(1);
        assertThat(store.purgeIdempotencyKeys(now().minus(Duration.ofHours(24)))).isZero();
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(1);
    }
}
