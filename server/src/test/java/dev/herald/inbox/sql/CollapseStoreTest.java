package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.GroupedSend;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.StoredSend;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.testing.Concurrently;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Collapsing in the store, on each database (SPEC §7): a send whose recipient has an unread
 * notification with the same group_key younger than the window updates it in place; otherwise a
 * new row. Two writers on separate pools (two nodes) collapsing at once never create two rows nor
 * lose a count — on every database, PostgreSQL and MariaDB included.
 */
class CollapseStoreTest extends StoreTestBase {

    private static NewNotification grouped(String title, String key, int window) {
        return new NewNotification(title, "content of " + title, "info", "system",
                json("{\"n\":\"" + title + "\"}"), null, null).withGroup(key, window);
    }

    private Notification sendGrouped(long user, String title, String key, int window) {
        StoredSend s = store.send(List.of(user), grouped(title, key, window), NOBODY_KNOWN);
        assertThat(s.notifications()).hasSize(1);
        return s.notifications().get(0);
    }

    @Test
    void withinTheWindow_updatesInPlace_sameId_countUp_newestContent_movesToTop() {
        Notification first = sendGrouped(1, "first", "build-42", 600);
        assertThat(first.groupKey()).isEqualTo("build-42");
        assertThat(first.groupCount()).isEqualTo(1);
        Notification other = send(1, "other");
        clock.advance(Duration.ofMinutes(5));

        Notification second = sendGrouped(1, "second", "build-42", 600);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.groupCount()).isEqualTo(2);
        assertThat(second.title()).isEqualTo("second");
        assertThat(second.data().get("n").asText()).isEqualTo("second");
        assertThat(second.updatedAt()).isEqualTo(now());
        assertThat(second.sentViaWebsocket()).isFalse();
        assertThat(store.unreadCount(1)).isEqualTo(2);
        assertThat(ids(store.list(NotificationFilter.forUser(1)).list())).containsExactly(first.id(), other.id());
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(2);
    }

    @Test
    void afterTheWindow_orOnceRead_orForAnotherKeyOrUser_aNewRow() {
        Notification first = sendGrouped(1, "a", "k", 60);
        clock.advance(Duration.ofSeconds(61));
        Notification late = sendGrouped(1, "b", "k", 60);
        assertThat(late.id()).as("window passed").isNotEqualTo(first.id());
        assertThat(late.groupCount()).isEqualTo(1);

        store.markRead(1, late.id());
        Notification afterRead = sendGrouped(1, "c", "k", 60);
        assertThat(afterRead.id()).as("the group's one was read").isNotEqualTo(late.id());

        store.archive(1, afterRead.id());
        Notification afterArchive = sendGrouped(1, "d", "k", 60);
        assertThat(afterArchive.id()).isNotEqualTo(afterRead.id());

        assertThat(sendGrouped(1, "e", "K", 60).id()).as("keys are case-sensitive").isNotEqualTo(afterArchive.id());
        assertThat(sendGrouped(2, "f", "k", 60).userId()).isEqualTo(2);
        assertThat(sendGrouped(1, "g", "k", 60).id()).isEqualTo(afterArchive.id());
        assertThat(store.find(1, afterArchive.id()).orElseThrow().groupCount()).isEqualTo(2);
    }

    @Test
    void manyRecipients_eachCollapsesIntoTheirOwn() {
        store.send(List.of(1L, 2L, 3L), grouped("a", "k", 600), NOBODY_KNOWN);
        StoredSend second = store.send(List.of(1L, 2L, 3L, 4L), grouped("b", "k", 600), NOBODY_KNOWN);
        assertThat(second.notifications()).extracting(Notification::groupCount).containsExactlyInAnyOrder(2, 2, 2, 1);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(4);
    }

    @Test
    void manyRecipients_oneOfThemReadTheGroupsNotification_getsANewOne_theOthersCollapse() {
        StoredSend first = store.send(List.of(1L, 2L, 3L), grouped("a", "k", 600), NOBODY_KNOWN);
        store.markRead(2, first.notifications().get(1).id());
        StoredSend second = store.send(List.of(1L, 2L, 3L), grouped("b", "k", 600), NOBODY_KNOWN);
        assertThat(second.notifications()).extracting(Notification::userId).containsExactlyInAnyOrder(1L, 2L, 3L);
        for (Notification n : second.notifications()) {
            assertThat(n.title()).isEqualTo("b");
            assertThat(n.groupCount()).as("user " + n.userId()).isEqualTo(n.userId() == 2 ? 1 : 2);
        }
        StoredSend third = store.send(List.of(2L), grouped("c", "k", 600), NOBODY_KNOWN);
        assertThat(third.notifications().get(0).groupCount()).as("into user 2's new one").isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(4);
    }

    @Test
    void twoWritersOnSeparatePools_collapsingAtOnce_oneRowPerUser_noCountLost() throws Exception {
        int writers = 2;
        int sendsEach = dialect == Dialect.H2 ? 20 : 40;
        try (Database second = Database.open(testDatabase().config())) {
            NotificationStore[] stores = {store, new NotificationStore(second, clock)};
            Concurrently.run(writers * 4, i -> {
                NotificationStore s = stores[i % writers];
                for (int k = 0; k < sendsEach; k++) {
                    s.send(List.of(7L, 8L), grouped("t" + i + "-" + k, "race", 3600), user -> true);
                }
            });
        }
        int total = writers * 4 * sendsEach;
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE user_id = 7")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE user_id = 8")).isEqualTo(1);
        assertThat(count("SELECT group_count FROM system_notifications WHERE user_id = 7")).isEqualTo(total);
        assertThat(count("SELECT group_count FROM system_notifications WHERE user_id = 8")).isEqualTo(total);
        assertThat(count("SELECT COUNT(*) FROM notification_groups")).isEqualTo(2);
    }

    @Test
    void twoNodesGroupCommits_collapsingTheSameKeysInOppositeOrders_neverDeadlock_oneRowPerKey_noCountLost()
            throws Exception {
        // each round, two nodes (two pools) store one group each of 120 single-recipient collapsing
        // sends into the same 30 users x 4 keys, listed in opposite orders: a group takes its locks
        // in (user, group_key) order, so neither waits on the other in a cycle and both commit
        int rounds = dialect == Dialect.H2 ? 5 : 15;
        long[] users = java.util.stream.LongStream.rangeClosed(1, 30).toArray();
        String[] keys = {"d", "b", "c", "a"};
        try (Database second = Database.open(testDatabase().config())) {
            NotificationStore[] stores = {store, new NotificationStore(second, clock)};
            for (int r = 0; r < rounds; r++) {
                int round = r;
                Concurrently.run(2, Duration.ofSeconds(60), i -> {
                    List<GroupedSend> group = new ArrayList<>();
                    for (int u = 0; u < users.length; u++) {
                        long user = users[i == 0 ? u : users.length - 1 - u];
                        for (int k = 0; k < keys.length; k++) {
                            String key = keys[i == 0 ? k : keys.length - 1 - k];
                            group.add(stores[i].grouped(null, List.of(user), grouped("r" + round + "-" + i, key, 3600),
                                    x -> true));
                        }
                    }
                    List<StoredSend> stored = stores[i].insertGroup(group);
                    assertThat(stored).as("every member stored in the group, none left to run alone")
                            .allSatisfy(s -> assertThat(s.notifications()).hasSize(1));
                    for (int m = 0; m < group.size(); m++) {
                        Notification n = stored.get(m).notifications().get(0);
                        assertThat(n.userId()).isEqualTo(group.get(m).users()[0]);
                        assertThat(n.groupKey()).isEqualTo(group.get(m).notification().groupKey());
                    }
                });
            }
        }
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(users.length * keys.length);
        assertThat(count("SELECT COUNT(*) FROM notification_groups")).isEqualTo(users.length * keys.length);
        assertThat(count("SELECT MIN(group_count) FROM system_notifications")).isEqualTo(rounds * 2);
        assertThat(count("SELECT MAX(group_count) FROM system_notifications")).isEqualTo(rounds * 2);
    }

    @Test
    void aGroupWithTwoSendsForOneUserAndKey_theSecondCollapsesIntoTheFirst_quietAndOffApplied() {
        store.updatePreferences(3, java.util.Map.of("system", "off"), java.util.Map.of(), false, null);
        store.updatePreferences(4, java.util.Map.of(), java.util.Map.of("info", "quiet"), false, null);
        List<StoredSend> stored = store.insertGroup(List.of(
                store.grouped(null, List.of(2L), grouped("first", "k", 600), NOBODY_KNOWN),
                store.grouped(null, List.of(2L, 3L, 4L), grouped("second", "k", 600), NOBODY_KNOWN)));
        assertThat(stored.get(0).notifications()).extracting(Notification::groupCount).containsExactly(1);
        assertThat(stored.get(1).notifications()).extracting(Notification::userId).containsExactly(2L, 4L);
        assertThat(stored.get(1).notifications()).extracting(Notification::groupCount).containsExactly(2, 1);
        assertThat(stored.get(1).notifications().get(0).id()).isEqualTo(stored.get(0).notifications().get(0).id());
        assertThat(stored.get(1).notifications().get(1).level()).isEqualTo("normal");
        assertThat(stored.get(1).skipped()).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(3);
    }
}
