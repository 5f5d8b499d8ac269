package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.Statistics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inbox 2.0 states (SPEC §7) in the store, on each database: archived and snoozed rows leave the
 * default list, the unread count, the unread list, the delivery paths and the statistics' default
 * view alike; the wake job shows due snoozed rows again exactly once; actions are taken once.
 */
class NotificationStateTest extends StoreTestBase {

    private static final long ME = 1;
    private static final long OTHER = 2;

    private void assertAgrees(long user) {
        Statistics s = store.statistics(user);
        long listed = store.list(NotificationFilter.forUser(user).withPage(1, 100)).total();
        assertThat(s.total()).as("statistics total = default list total").isEqualTo(listed);
        assertThat(s.unread()).as("statistics unread = unread count").isEqualTo(store.unreadCount(user));
        assertThat(store.unread(user, 100)).hasSize((int) s.unread());
        assertThat(store.list(NotificationFilter.forUser(user).withRead(false).withPage(1, 100)).total())
                .isEqualTo(s.unread());
        assertThat(store.unreadCounts(List.of(user)).getOrDefault(user, 0L)).isEqualTo(s.unread());
        assertThat(store.backlog(user, 0, 100).unreadCount()).isEqualTo(s.unread());
    }

    @Test
    void archive_leavesDefaultListCountsAndDelivery_unarchiveBringsItBack() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        clock.advance(Duration.ofMinutes(1));

        assertThat(store.archive(ME, a.id())).hasValue(1);
        assertThat(store.archive(ME, a.id())).as("already archived").hasValue(0);

        Notification archived = store.find(ME, a.id()).orElseThrow();
        assertThat(archived.archived()).isTrue();
        assertThat(archived.updatedAt()).isEqualTo(now());
        assertThat(store.unreadCount(ME)).isEqualTo(1);
        assertThat(ids(store.list(NotificationFilter.forUser(ME)).list())).containsExactly(b.id());
        assertThat(ids(store.list(NotificationFilter.forUser(ME).withArchived(true)).list())).containsExactly(a.id());
        assertThat(ids(store.list(NotificationFilter.forUser(ME).withArchived(null)).list())).containsExactly(b.id(), a.id());
        assertThat(ids(store.backlog(ME, 0, 100).notifications())).containsExactly(b.id());
        Statistics s = store.statistics(ME);
        assertThat(s.total()).isEqualTo(1);
        assertThat(s.archived()).isEqualTo(1);
        assertAgrees(ME);

        assertThat(store.unarchive(ME, a.id())).hasValue(1);
        assertThat(store.unarchive(ME, a.id())).hasValue(0);
        assertThat(store.unreadCount(ME)).isEqualTo(2);
        assertAgrees(ME);
    }

    @Test
    void batchArchive_countsOnlyMyChangedRows() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        Notification theirs = send(OTHER, "t");
        store.archive(ME, b.id());

        assertThat(store.archive(ME, List.of(a.id(), a.id(), b.id(), theirs.id(), 9999L))).isEqualTo(1);
        assertThat(row(theirs.id()).orElseThrow().archived()).isFalse();
        assertThat(store.unreadCount(ME)).isZero();
        assertAgrees(ME);
        assertAgrees(OTHER);
    }

    @Test
    void newStateEndpoints_onOthersDeletedOrMissing_areNotFound() {
        Notification theirs = send(OTHER, "theirs");
        Notification gone = send(ME, "gone");
        store.delete(ME, gone.id());
        for (long id : new long[] {theirs.id(), gone.id(), 424242L}) {
            assertThat(store.archive(ME, id)).isEmpty();
            assertThat(store.unarchive(ME, id)).isEmpty();
            assertThat(store.markUnread(ME, id)).isEmpty();
            assertThat(store.snooze(ME, id, now().plusSeconds(60))).isEmpty();
            assertThat(store.takeAction(ME, id, "x")).isEqualTo(NotificationStore.Taking.NOT_FOUND);
        }
        Notification t = row(theirs.id()).orElseThrow();
        assertThat(t.archived()).isFalse();
        assertThat(t.snoozedUntil()).isNull();
    }

    @Test
    void markUnread_readOne_countsAgain() {
        Notification a = send(ME, "a");
        store.markRead(ME, a.id());
        clock.advance(Duration.ofSeconds(5));

        assertThat(store.markUnread(ME, a.id())).hasValue(1);
        assertThat(store.markUnread(ME, a.id())).hasValue(0);
        Notification n = store.find(ME, a.id()).orElseThrow();
        assertThat(n.read()).isFalse();
        assertThat(n.readAt()).isNull();
        assertThat(n.updatedAt()).isEqualTo(now());
        assertThat(store.unreadCount(ME)).isEqualTo(1);
        assertAgrees(ME);
    }

    @Test
    void snooze_hidesUntilWoken_thenShownAsNewAndUndelivered_once() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        store.markDelivered(ME, List.of(a.id()));
        assertThat(store.snooze(ME, a.id(), now().plus(Duration.ofHours(1)))).hasValue(1);

        assertThat(store.unreadCount(ME)).isEqualTo(1);
        assertThat(ids(store.list(NotificationFilter.forUser(ME).withArchived(null)).list())).containsExactly(b.id());
        assertThat(store.statistics(ME).snoozed()).isEqualTo(1);
        assertAgrees(ME);

        clock.advance(Duration.ofMinutes(59));
        assertThat(store.wakeSnoozed(100)).as("not due yet").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        List<Notification> woken = store.wakeSnoozed(100);
        assertThat(ids(woken)).containsExactly(a.id());
        Notification w = woken.get(0);
        assertThat(w.snoozedUntil()).isNull();
        assertThat(w.createdAt()).as("comes back at the top").isEqualTo(now());
        assertThat(w.sentViaWebsocket()).as("pushed again as new").isFalse();
        assertThat(store.wakeSnoozed(100)).as("woken once").isEmpty();
        assertThat(ids(store.list(NotificationFilter.forUser(ME)).list())).containsExactly(a.id(), b.id());
        assertThat(ids(store.backlog(ME, 0, 100).notifications())).containsExactly(a.id(), b.id());
        assertThat(store.unreadCount(ME)).isEqualTo(2);
        assertAgrees(ME);
    }

    @Test
    void snooze_ofArchived_leavesArchive_andArchive_endsSnooze() {
        Notification a = send(ME, "a");
        store.archive(ME, a.id());
        store.snooze(ME, a.id(), now().plusSeconds(60));
        Notification n = store.find(ME, a.id()).orElseThrow();
        assertThat(n.archived()).isFalse();
        assertThat(n.snoozedUntil()).isEqualTo(now().plusSeconds(60));

        store.archive(ME, a.id());
        n = store.find(ME, a.id()).orElseThrow();
        assertThat(n.archived()).isTrue();
        assertThat(n.snoozedUntil()).isNull();
        clock.advance(Duration.ofMinutes(5));
        assertThat(store.wakeSnoozed(100)).isEmpty();
        assertAgrees(ME);
    }

    @Test
    void takeAction_recordsOnce_marksRead_unknownActionRefused() {
        Notification a = send(ME, note("a").withActions(json(
                "[{\"id\":\"approve\",\"label\":\"Approve\",\"style\":\"primary\"},{\"id\":\"deny\",\"label\":\"Deny\"}]")));
        assertThat(a.actions().size()).isEqualTo(2);
        Notification plain = send(ME, "plain");
        clock.advance(Duration.ofSeconds(3));

        assertThat(store.takeAction(ME, a.id(), "nope")).isEqualTo(NotificationStore.Taking.NO_SUCH_ACTION);
        assertThat(store.takeAction(ME, plain.id(), "approve")).isEqualTo(NotificationStore.Taking.NO_SUCH_ACTION);
        assertThat(store.takeAction(ME, a.id(), "approve")).isEqualTo(NotificationStore.Taking.TAKEN);
        assertThat(store.takeAction(ME, a.id(), "deny")).isEqualTo(NotificationStore.Taking.ALREADY_TAKEN);

        Notification n = store.find(ME, a.id()).orElseThrow();
        assertThat(n.actionTaken().get("id").asText()).isEqualTo("approve");
        assertThat(n.actionTaken().get("at").asText()).isEqualTo(dev.herald.inbox.NotificationJson.date(now()));
        assertThat(n.read()).isTrue();
        assertThat(n.readAt()).isEqualTo(now());
        assertThat(n.actions()).isEqualTo(a.actions());
        assertThat(store.unreadCount(ME)).isEqualTo(1);
    }
}
