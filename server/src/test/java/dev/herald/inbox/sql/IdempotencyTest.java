package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.Notification;
import dev.herald.inbox.StoredSend;
import dev.herald.testing.Concurrently;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IdempotencyTest extends StoreTestBase {

    @Test
    void sameKeyTwice_secondReplaysFirstAndStoresNothing() {
        StoredSend first = store.insertIdempotent("req-1", List.of(1L, 2L), note("once"), NOBODY_KNOWN);
        StoredSend second = store.insertIdempotent("req-1", List.of(1L, 2L), note("once"), NOBODY_KNOWN);

        assertThat(first.replayed()).isFalse();
        assertThat(first.notifications()).hasSize(2);
        assertThat(second.replayed()).isTrue();
        assertThat(second.notifications()).isEqualTo(first.notifications());
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(2);
    }

    @Test
    void sameKeyWithOtherContent_stillReturnsFirstResult() {
        StoredSend first = store.insertIdempotent("req-2", List.of(1L), note("first"), NOBODY_KNOWN);
        StoredSend second = store.insertIdempotent("req-2", List.of(1L, 2L, 3L), note("second"), NOBODY_KNOWN);
        assertThat(second.replayed()).isTrue();
        assertThat(titles(second.notifications())).containsExactly("first");
        assertThat(second.notifications()).isEqualTo(first.notifications());
    }

    @Test
    void differentKeys_orKeysDifferingInCase_storeSeparately() {
        store.insertIdempotent("Key", List.of(1L), note("a"), NOBODY_KNOWN);
        store.insertIdempotent("key", List.of(1L), note("b"), NOBODY_KNOWN);
        store.insertIdempotent("KEY ", List.of(1L), note("c"), NOBODY_KNOWN);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(3);
    }

    @Test
    void sameKeyFromManyThreadsAtOnce_storesExactlyOneSet() throws Exception {
        int threads = 6;
        for (int round = 0; round < 3; round++) {
            String key = "concurrent-" + round;
            List<StoredSend> done = Concurrently.call(threads,
                    t -> store.insertIdempotent(key, LongStream.rangeClosed(1, 20).boxed().toList(), note(key), NOBODY_KNOWN));
            assertThat(done).filteredOn(r -> !r.replayed()).hasSize(1);
            StoredSend winner = done.stream().filter(r -> !r.replayed()).findFirst().orElseThrow();
            assertThat(done).allSatisfy(r -> assertThat(r.notifications()).isEqualTo(winner.notifications()));
            assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE title = '" + key + "'")).isEqualTo(20);
        }
    }

    @Test
    void replay_afterRecipientDeletedOne_returnsTheRest() {
        StoredSend first = store.insertIdempotent("req-3", List.of(1L, 2L), note("x"), NOBODY_KNOWN);
        Notification ofUser1 = first.notifications().stream().filter(n -> n.userId() == 1).findFirst().orElseThrow();
        store.delete(1, ofUser1.id());
        StoredSend replay = store.insertIdempotent("req-3", List.of(1L, 2L), note("x"), NOBODY_KNOWN);
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.notifications()).extracting(Notification::userId).containsExactly(2L);
    }

    @Test
    void emptyRecipients_recordKeyWithEmptyResult() {
        assertThat(store.insertIdempotent("nobody", List.of(), note("x"), NOBODY_KNOWN).notifications()).isEmpty();
        StoredSend again = store.insertIdempotent("nobody", List.of(1L), note("x"), NOBODY_KNOWN);
        assertThat(again.replayed()).isTrue();
        assertThat(again.notifications()).isEmpty();
    }

    @Test
    void purgedKey_canBeUsedAgain_andRecentKeysSurvive() {
        store.insertIdempotent("old", List.of(1L), note("old"), NOBODY_KNOWN);
        clock.advance(Duration.ofHours(25));
        store.insertIdempotent("fresh", List.of(1L), note("fresh"), NOBODY_KNOWN);

        assertThat(store.purgeIdempotencyKeys(now().minus(Duration.ofHours(24)))).isEqualTo(1);

        assertThat(store.insertIdempotent("old", List.of(1L), note("old"), NOBODY_KNOWN).replayed()).isFalse();
        assertThat(store.insertIdempotent("fresh", List.of(1L), note("fresh"), NOBODY_KNOWN).replayed()).isTrue();
    }

    @Test
    void badKeys_areRejected() {
        assertThatThrownBy(() -> store.insertIdempotent(" ", List.of(1L), note("x"), NOBODY_KNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.insertIdempotent("k".repeat(InboxLimits.IDEMPOTENCY_KEY_MAX + 1), List.of(1L), note("x"), NOBODY_KNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.insertIdempotent("k".repeat(InboxLimits.IDEMPOTENCY_KEY_MAX), List.of(1L), note("x"), NOBODY_KNOWN).replayed()).isFalse();
    }

    @Test
    void keyWithQuotesAndWildcards_isStoredLiterally() {
        String key = "'; DROP TABLE idempotency_keys; -- %_\\";
        store.insertIdempotent(key, List.of(1L), note("x"), NOBODY_KNOWN);
        assertThat(store.insertIdempotent(key, List.of(1L), note("x"), NOBODY_KNOWN).replayed()).isTrue();
        assertThat(store.insertIdempotent("'; DROP TABLE idempotency_keys; -- %_", List.of(1L), note("x"), NOBODY_KNOWN).replayed())
                .isFalse();
    }
}
