package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.Backlog;
import dev.herald.inbox.Notification;
import dev.herald.store.StoreConflictException;
import dev.herald.testing.Concurrently;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeliveryTest extends StoreTestBase {

    private static final long ME = 1;
    private static final long OTHER = 2;

    @Test
    void undelivered_oldestFirst_afterSinceId_limited() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        send(ME, "c");
        send(OTHER, "x");

        assertThat(titles(store.undelivered(ME, 0, 10))).containsExactly("a", "b", "c");
        assertThat(titles(store.undelivered(ME, a.id(), 10))).containsExactly("b", "c");
        assertThat(titles(store.undelivered(ME, b.id(), 1))).containsExactly("c");
        assertThat(titles(store.undelivered(ME, 0, 2))).containsExactly("a", "b");
    }

    @Test
    void undelivered_includesReadOnes_excludesDeliveredAndDeleted() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        Notification c = send(ME, "c");
        store.markRead(ME, a.id());
        store.markDelivered(ME, List.of(b.id()));
        store.delete(ME, c.id());
        assertThat(titles(store.undelivered(ME, 0, 10))).containsExactly("a");
    }

    @Test
    void backlog_isTheUndeliveredPageWithTheUnreadCount_inOneQuery() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        Notification c = send(ME, "c");
        send(OTHER, "x");
        store.markRead(ME, a.id());
        store.markDelivered(ME, List.of(b.id()));

        Backlog all = store.backlog(ME, 0, 10);
        assertThat(all.notifications()).isEqualTo(store.undelivered(ME, 0, 10));
        assertThat(titles(all.notifications())).containsExactly("a", "c");
        assertThat(all.notifications().get(0)).isEqualTo(row(a.id()).orElseThrow());
        assertThat(all.unreadCount()).isEqualTo(2).isEqualTo(store.unreadCount(ME));
        assertThat(titles(store.backlog(ME, 0, 1).notifications())).containsExactly("a");
        assertThat(titles(store.backlog(ME, a.id(), 10).notifications())).containsExactly("c");

        Backlog none = store.backlog(ME, c.id(), 10);
        assertThat(none.notifications()).isEmpty();
        assertThat(none.unreadCount()).as("the count comes without rows too").isEqualTo(2);
        assertThat(store.backlog(999, 0, 10)).isEqualTo(new Backlog(List.of(), 0));
    }

    @Test
    void normalLevel_isStoredButNeverADeliveryOrRetryCandidate() {
        Notification quiet = store.insertForUsers(List.of(ME), note("quiet").withLevel("normal"), NOBODY_KNOWN).get(0);
        Notification loud = send(ME, "loud");

        assertThat(quiet.level()).isEqualTo("normal");
        assertThat(row(quiet.id()).orElseThrow()).isEqualTo(quiet);
        assertThat(loud.level()).isEqualTo("urgent");
        assertThat(titles(store.undelivered(ME, 0, 10))).containsExactly("loud");
        assertThat(titles(store.retryCandidates(10, 3))).containsExactly("loud");
        assertThat(titles(store.retryCandidates(List.of(ME), 10, 3))).containsExactly("loud");
        assertThat(store.incrementRetry(List.of(quiet.id(), loud.id()), 3)).containsExactly(loud.id());
        assertThat(store.unreadCount(ME)).isEqualTo(2);
        assertThatThrownBy(() -> note("x").withLevel("loud")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void markDelivered_setsFlagAndSentAt_firstAckWins() {
        Notification n = send(ME, "a");
        clock.advance(Duration.ofSeconds(2));
        var firstAck = now();

        assertThat(store.markDelivered(ME, List.of(n.id(), n.id()))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.markDelivered(ME, List.of(n.id()))).isZero();

        Notification delivered = store.find(ME, n.id()).orElseThrow();
        assertThat(delivered.sentViaWebsocket()).isTrue();
        assertThat(delivered.sentAt()).isEqualTo(firstAck);
        assertThat(delivered.updatedAt()).isEqualTo(firstAck);
        assertThat(delivered.read()).isFalse();
    }

    @Test
    void markDelivered_otherUsersIds_areIgnored() {
        Notification theirs = send(OTHER, "x");
        assertThat(store.markDelivered(ME, List.of(theirs.id(), 777L))).isZero();
        assertThat(row(theirs.id()).orElseThrow().sentViaWebsocket()).isFalse();
        assertThat(store.markDelivered(ME, List.of())).isZero();
    }

    @Test
    void retryCandidates_undeliveredBelowMaxRetries_leastRetriedThenOldestFirst() {
        Notification a = send(ME, "a");
        Notification b = send(OTHER, "b");
        Notification c = send(ME, "c");
        Notification d = send(OTHER, "d");
        store.markDelivered(ME, List.of(c.id()));
        store.delete(OTHER, d.id());
        store.incrementRetry(List.of(a.id()), 10);
        store.incrementRetry(List.of(a.id()), 10);
        store.incrementRetry(List.of(a.id()), 10);

        Notification e = send(ME, "e");
        store.incrementRetry(List.of(e.id()), 10);

        assertThat(titles(store.retryCandidates(10, 3))).containsExactly("b", "e");
        assertThat(titles(store.retryCandidates(10, 4))).containsExactly("b", "e", "a");
        assertThat(titles(store.retryCandidates(1, 4))).containsExactly("b");
        assertThat(store.retryCandidates(10, 0)).isEmpty();
        assertThat(row(a.id()).orElseThrow().retryCount()).isEqualTo(3);
        assertThat(b.retryCount()).isZero();
    }

    @Test
    void retryCandidatesOfUsers_onlyThoseUsers_oldestFirst_limited() {
        Notification a = send(ME, "a");
        send(OTHER, "b");
        send(3, "c");
        Notification d = send(ME, "d");
        send(3, "e");
        store.incrementRetry(List.of(a.id(), a.id()), 10); // counted once
        store.incrementRetry(List.of(a.id()), 10);
        store.incrementRetry(List.of(a.id()), 10);
        store.markDelivered(ME, List.of(d.id()));

        assertThat(titles(store.retryCandidates(List.of(ME, 3L, 3L), 10, 3))).containsExactly("c", "e");
        assertThat(titles(store.retryCandidates(List.of(ME, 3L), 10, 4))).containsExactly("a", "c", "e");
        assertThat(titles(store.retryCandidates(List.of(ME, 3L), 2, 4))).containsExactly("a", "c");
        assertThat(store.retryCandidates(List.of(), 10, 3)).isEmpty();
        assertThat(store.retryCandidates(List.of(999L), 10, 3)).isEmpty();
    }

    @Test
    void retryCandidatesOfUsers_manyUsers_spansQueries() {
        List<Long> users = LongStream.rangeClosed(1, NotificationStore.ID_CHUNK * 2L + 3).boxed().toList();
        List<Notification> created = store.insertForUsers(users, note("x"), NOBODY_KNOWN);
        assertThat(store.retryCandidates(users, NotificationStore.MAX_LIMIT, 3)).isEqualTo(created);
        assertThat(store.retryCandidates(users, 5, 3)).isEqualTo(created.subList(0, 5));
    }

    @Test
    void retryCandidates_badArguments_areRejected() {
        assertThatThrownBy(() -> store.retryCandidates(0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.retryCandidates(10, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void incrementRetry_countsUndeliveredLiveRowsOnce_andBumpsUpdatedAt() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        Notification c = send(OTHER, "c");
        Notification d = send(ME, "d");
        store.markDelivered(ME, List.of(b.id()));
        store.delete(ME, d.id());
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.incrementRetry(List.of(c.id(), a.id(), a.id(), b.id(), d.id(), 5555L), 3))
                .containsExactly(a.id(), c.id());

        Notification retried = row(a.id()).orElseThrow();
        assertThat(retried.retryCount()).isEqualTo(1);
        assertThat(retried.updatedAt()).isEqualTo(now());
        assertThat(row(b.id()).orElseThrow().retryCount()).isZero();
        assertThat(store.incrementRetry(List.of(), 3)).isEmpty();
    }

    @Test
    void incrementRetry_stopsAtTheMaximum() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        store.incrementRetry(List.of(a.id()), 3);
        store.incrementRetry(List.of(a.id()), 3);

        assertThat(store.incrementRetry(List.of(a.id(), b.id()), 3)).containsExactly(a.id(), b.id());
        assertThat(store.incrementRetry(List.of(a.id(), b.id()), 3)).as("a used its 3").containsExactly(b.id());
        assertThat(row(a.id()).orElseThrow().retryCount()).isEqualTo(3);
        assertThat(store.incrementRetry(List.of(b.id()), 0)).isEmpty();
    }

    @Test
    void incrementRetry_overlappingRuns_neverPassTheMaximum() throws Exception {
        List<Long> ids = store.insertForUsers(List.of(ME, OTHER, 3L, 4L, 5L), note("race"), NOBODY_KNOWN).stream()
                .map(Notification::id).toList();
        int runs = 8;
        Map<Long, Integer> counted = new HashMap<>();
        for (List<Long> incremented : Concurrently.call(runs, Duration.ofSeconds(60), i -> retryAll(ids))) {
            for (long id : incremented) {
                counted.merge(id, 1, Integer::sum);
            }
        }
        for (long id : ids) {
            assertThat(counted.get(id)).as("counted increments of %d", id).isEqualTo(3);
            assertThat(row(id).orElseThrow().retryCount()).isEqualTo(3);
        }
    }

    /** One run: increments the ids, retrying the whole run when the database reports a conflict. */
    private List<Long> retryAll(List<Long> ids) {
        for (int attempt = 0; ; attempt++) {
            try {
                return store.incrementRetry(ids, 3);
            } catch (StoreConflictException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }
}
