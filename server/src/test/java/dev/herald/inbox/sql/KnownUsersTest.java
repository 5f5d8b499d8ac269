package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.Notification;
import dev.herald.testing.Concurrently;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class KnownUsersTest extends StoreTestBase {

    @Test
    void touchKnownUser_newUser_becomesKnown() {
        store.touchKnownUsers(List.of(42L));
        assertThat(store.knownUserIds()).containsExactly(42L);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(1);
    }

    @Test
    void insertForUsers_addsOnlyTheRecipientsNotVouchedForAsKnown() {
        List<Notification> sent = store.insertForUsers(List.of(1L, 2L, 3L, 4L), note("x"), user -> user % 2 == 0);
        assertThat(sent).hasSize(4);
        assertThat(store.knownUserIds()).as("2 and 4 were vouched for, so not written").containsExactly(1L, 3L);
        store.insertIdempotent("k", List.of(5L, 6L), note("y"), user -> user == 6);
        assertThat(store.knownUserIds()).containsExactly(1L, 3L, 5L);
        store.insertForUsers(List.of(6L), note("z"), NOBODY_KNOWN);
        assertThat(store.knownUserIds()).containsExactly(1L, 3L, 5L, 6L);
    }

    @Test
    void touchKnownUser_again_movesLastSeenButNotFirstSeen() {
        store.touchKnownUsers(List.of(42L));
        clock.advance(Duration.ofMinutes(5));
        store.touchKnownUsers(List.of(42L));
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM known_users WHERE last_seen > first_seen")).isEqualTo(1);
    }

    @Test
    void touchKnownUsers_manyAtOnce_addsTheNewAndMovesTheKnown_duplicatesOnce() {
        store.touchKnownUsers(List.of(5L, 9L));
        clock.advance(Duration.ofMinutes(5));
        store.touchKnownUsers(List.of(9L, 3L, 9L, 12L, 5L));
        assertThat(store.knownUserIds()).containsExactly(3L, 5L, 9L, 12L);
        assertThat(count("SELECT COUNT(*) FROM known_users WHERE last_seen > first_seen"))
                .as("5 and 9 were known and moved; 3 and 12 are new").isEqualTo(2);
    }

    @Test
    void touchKnownUsers_moreThanOneStatementHolds_allInOneCall() {
        List<Long> users = LongStream.rangeClosed(1, IdTable.MAX_IDS + 5).boxed().toList();
        store.touchKnownUsers(users);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(IdTable.MAX_IDS + 5);
    }

    @Test
    void touchKnownUser_sameNewUserFromManyThreads_neverFails() throws Exception {
        Concurrently.run(4, t -> store.touchKnownUsers(List.of(7L)));
        assertThat(store.knownUserIds()).containsExactly(7L);
    }

    @Test
    void touchKnownUser_nonPositive_isRejected() {
        assertThatThrownBy(() -> store.touchKnownUsers(List.of(0L))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knownUserIds_pagesByKeyset_ascending() {
        store.insertForUsers(LongStream.rangeClosed(1, 25).map(i -> i * 3).boxed().toList(), note("x"), NOBODY_KNOWN);
        List<Long> first = store.knownUserIds(0, 10);
        List<Long> second = store.knownUserIds(first.get(9), 10);
        List<Long> third = store.knownUserIds(second.get(9), 10);
        assertThat(first).hasSize(10).startsWith(3L, 6L).isSorted();
        assertThat(second).hasSize(10).isSorted();
        assertThat(third).hasSize(5).endsWith(75L);
        assertThat(store.knownUserIds(75, 10)).isEmpty();
    }

    @Test
    void knownUserIds_all_readsPastOnePage() {
        int total = NotificationStore.MAX_LIMIT + 5;
        store.insertForUsers(LongStream.rangeClosed(1, total).boxed().toList(), note("many"), NOBODY_KNOWN);
        List<Long> all = store.knownUserIds();
        assertThat(all).hasSize(total).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void knownUserIds_badLimit_isRejected() {
        assertThatThrownBy(() -> store.knownUserIds(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.knownUserIds(0, NotificationStore.MAX_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
