package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.GroupedSend;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.inbox.StoredSend;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.SqlWorkers;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.Concurrently;
import dev.herald.testing.TcpForwarder;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit of small sends ({@link GroupCommit}, {@link NotificationStore#insertGroup}): every
 * send answered with its own ids, exactly once, idempotency kept inside and across groups, a
 * failing member failing alone, a dead database failing the whole group with nothing committed.
 * A CHECK constraint that refuses the title {@code poison} makes a member fail in the database.
 */
class NotificationGroupCommitTest extends StoreTestBase {

    @BeforeEach
    void addPoison() {
        sql("ALTER TABLE system_notifications ADD CONSTRAINT test_no_poison CHECK (title <> 'poison')");
    }

    @AfterEach
    void dropPoison() {
        sql("ALTER TABLE system_notifications DROP CONSTRAINT test_no_poison");
    }

    private GroupedSend grouped(String key, String title, long... users) {
        return store.grouped(key, Arrays.stream(users).boxed().toList(), note(title), NOBODY_KNOWN);
    }

    @Test
    void insertGroup_storesTheGoodMembers_andLeavesTheFailedOnesToRunAlone() {
        List<GroupedSend> group = List.of(
                grouped(null, "a", 1, 2),
                grouped("k1", "b", 3),
                grouped("k1", "b again", 4), // same key as the member before: fails on the key
                grouped("kp", "poison", 5), // refused by the constraint
                grouped(null, "c", 6));

        List<StoredSend> results = store.insertGroup(group);

        assertThat(results).hasSize(5);
        assertThat(results.get(2)).isNull();
        assertThat(results.get(3)).isNull();
        assertThat(results.get(0).notifications()).extracting(Notification::userId).containsExactly(1L, 2L);
        assertThat(results.get(1).notifications()).extracting(Notification::userId).containsExactly(3L);
        assertThat(results.get(4).notifications()).extracting(Notification::userId).containsExactly(6L);
        for (int i : new int[] {0, 1, 4}) {
            assertThat(results.get(i).replayed()).isFalse();
            for (Notification n : results.get(i).notifications()) {
                assertThat(store.find(n.userId(), n.id())).contains(n);
            }
        }
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(4); // 1, 2, 3, 6: not 4 or 5
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(1); // kp rolled back

        // the failed members alone: the key's second send replays the first, the poison fails
        StoredSend replay = store.insertAlone(group.get(2));
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.notifications()).isEqualTo(results.get(1).notifications());
        assertThatThrownBy(() -> store.insertAlone(group.get(3))).isInstanceOf(StoreException.class);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(4);
    }

    @Test
    void insertGroup_keylessMembersSharingUsers_overSeveralStatements_eachGetsItsOwnRows() {
        List<GroupedSend> group = new ArrayList<>();
        for (int m = 0; m < RowsInsert.MAX_ROWS + 100; m++) {
            group.add(grouped(null, "single " + m, 1 + m % 250)); // users 1..250, each several times
        }
        group.add(7, grouped(null, "to three", 3, 300, 301));
        group.add(9, grouped("k", "keyed", 3));

        List<StoredSend> results = store.insertGroup(group);

        assertEachMemberGotItsOwnRows(group, results);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(RowsInsert.MAX_ROWS + 100 + 3 + 1);
        assertThat(count("SELECT COUNT(*) FROM known_users")).isEqualTo(252); // 1..250, 300, 301
    }

    @Test
    void insertGroup_bigKeylessRows_goOverSeveralStatementsBySize() {
        String big = "x".repeat(60_000);
        List<GroupedSend> group = new ArrayList<>();
        // more than MariaDB's default 16 MiB packet in all: refused there unless split by size
        int rows = (int) ((16L << 20) / big.length()) + 5;
        for (int m = 0; m < rows; m++) {
            group.add(store.grouped(null, List.of((long) m + 1), new NewNotification("big " + m, big + m, "info", "system",
                    null, null, null), NOBODY_KNOWN));
        }

        List<StoredSend> results = store.insertGroup(group);

        assertEachMemberGotItsOwnRows(group, results);
        Notification last = results.get(rows - 1).notifications().get(0);
        assertThat(store.find(last.userId(), last.id()).orElseThrow().content()).isEqualTo(big + (rows - 1));
    }

    private void assertEachMemberGotItsOwnRows(List<GroupedSend> group, List<StoredSend> results) {
        Set<Long> ids = new HashSet<>();
        for (int m = 0; m < group.size(); m++) {
            GroupedSend send = group.get(m);
            List<Notification> rows = results.get(m).notifications();
            assertThat(rows).extracting(Notification::userId)
                    .containsExactlyElementsOf(Arrays.stream(send.users()).boxed().toList());
            assertThat(rows).extracting(Notification::id).isSorted();
            for (Notification n : rows) {
                assertThat(ids.add(n.id())).as("id %d given once", n.id()).isTrue();
                assertThat(store.find(n.userId(), n.id()).orElseThrow().title()).isEqualTo(send.notification().title());
            }
        }
    }

    @Test
    void insertGroup_failingSendWithoutKey_failsTheGroup_nothingCommitted() {
        assertThatThrownBy(() -> store.insertGroup(List.of(
                grouped("k", "a", 1), grouped(null, "poison", 2), grouped(null, "b", 3))))
                .isInstanceOf(StoreException.class);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isZero();
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isZero();
        assertThat(count("SELECT COUNT(*) FROM known_users")).isZero();
    }

    @Test
    void failingSendWithoutKey_othersRunAlone_eachAnsweredOnce() throws Exception {
        DeferredExecutor writer = new DeferredExecutor();
        GroupCommit groups = new GroupCommit(store, writer);
        CompletableFuture<StoredSend> first = groups.submit(grouped(null, "first", 1));
        CompletableFuture<StoredSend> keyed = groups.submit(grouped("k", "keyed", 2));
        CompletableFuture<StoredSend> poison = groups.submit(grouped(null, "poison", 3));
        CompletableFuture<StoredSend> sameKey = groups.submit(grouped("k", "keyed again", 4));
        CompletableFuture<StoredSend> last = groups.submit(grouped(null, "last", 5));
        writer.runAll();

        assertThat(groups.groups()).as("the group did not commit").isZero();
        assertThat(first.get(5, TimeUnit.SECONDS).notifications()).extracting(Notification::title).containsExactly("first");
        assertThat(last.get(5, TimeUnit.SECONDS).notifications()).extracting(Notification::title).containsExactly("last");
        assertThat(keyed.get().replayed()).isFalse();
        assertThat(sameKey.get().replayed()).isTrue();
        assertThat(sameKey.get().notifications()).isEqualTo(keyed.get().notifications());
        assertThatThrownBy(() -> poison.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreException.class);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(1);
    }

    @Test
    void keylessMemberWaitingOnAnotherTransactionsLock_othersStillStored() throws Exception {
        if (dialect != Dialect.H2) {
            return; // PostgreSQL and MariaDB wait (MariaDB 50 s) instead of H2's 2 s lock timeout
        }
        try (Connection other = db().dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (var st = other.createStatement()) { // user 5 added, not committed: its row is locked
                st.executeUpdate("INSERT INTO known_users (user_id, first_seen, last_seen)"
                        + " VALUES (5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            }
            DeferredExecutor writer = new DeferredExecutor();
            GroupCommit groups = new GroupCommit(store, writer);
            CompletableFuture<StoredSend> blocked = groups.submit(grouped(null, "to 5", 5));
            CompletableFuture<StoredSend> free = groups.submit(grouped(null, "to 6", 6));
            writer.runAll();
            assertThat(free.get(30, TimeUnit.SECONDS).notifications()).extracting(Notification::title)
                    .containsExactly("to 6");
            assertThatThrownBy(() -> blocked.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            other.rollback();
        }
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(1);
    }

    @Test
    void insertGroup_keyAlreadyCommitted_memberFailsAlone_othersStored() {
        StoredSend first = store.insertIdempotent("used", List.of(7L), note("first"), NOBODY_KNOWN);
        List<StoredSend> results = store.insertGroup(List.of(
                grouped("used", "second", 8), grouped("fresh", "third", 9)));
        assertThat(results.get(0)).isNull();
        assertThat(results.get(1).notifications()).extracting(Notification::userId).containsExactly(9L);
        StoredSend replay = store.insertAlone(grouped("used", "second", 8));
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.notifications()).isEqualTo(first.notifications());
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(2);
    }

    @Test
    void queuedSends_goInOneTransaction_eachGetsItsOwnAnswer() throws Exception {
        DeferredExecutor writer = new DeferredExecutor();
        GroupCommit groups = new GroupCommit(store, writer);
        List<CompletableFuture<StoredSend>> plain = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            plain.add(groups.submit(grouped(null, "t" + i, i)));
        }
        CompletableFuture<StoredSend> keyed = groups.submit(grouped("dup", "keyed", 11));
        CompletableFuture<StoredSend> sameKey = groups.submit(grouped("dup", "keyed again", 12));
        CompletableFuture<StoredSend> poison = groups.submit(grouped("kp", "poison", 13));
        assertThat(writer.pending()).as("writers started, however many sends").isEqualTo(GroupCommit.WRITERS);
        assertThat(plain).noneMatch(CompletableFuture::isDone);

        writer.runAll();

        assertThat(groups.groups()).isEqualTo(1);
        assertThat(groups.grouped()).isEqualTo(13);
        for (int i = 1; i <= 10; i++) {
            StoredSend r = plain.get(i - 1).get(5, TimeUnit.SECONDS);
            assertThat(r.replayed()).isFalse();
            Notification n = r.notifications().get(0);
            assertThat(n.userId()).isEqualTo(i);
            assertThat(store.find(i, n.id()).orElseThrow().title()).isEqualTo("t" + i);
        }
        StoredSend first = keyed.get(5, TimeUnit.SECONDS);
        StoredSend second = sameKey.get(5, TimeUnit.SECONDS);
        assertThat(first.replayed()).isFalse();
        assertThat(second.replayed()).isTrue();
        assertThat(second.notifications()).isEqualTo(first.notifications());
        assertThatThrownBy(() -> poison.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreException.class);
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(11);
    }

    @Test
    void loneSend_runsAtOnceInItsOwnTransaction() throws Exception {
        GroupCommit groups = new GroupCommit(store, Runnable::run);
        StoredSend r = groups.submit(grouped(null, "alone", 1)).get(5, TimeUnit.SECONDS);
        assertThat(r.notifications()).hasSize(1);
        assertThat(groups.groups()).isZero();
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(1);
    }

    @Test
    void manyConcurrentSends_someSharingKeys_oneFailing_eachStoredExactlyOnce() throws Exception {
        int senders = 8;
        int perSender = 40;
        try (SqlWorkers workers = new SqlWorkers(4, new HeraldMetrics())) {
            GroupCommit groups = new GroupCommit(store, workers);
            Map<String, CompletableFuture<StoredSend>> byTitle = new ConcurrentHashMap<>();
            Map<String, String> keyOf = new ConcurrentHashMap<>();
            Concurrently.run(senders, sender -> {
                for (int i = 0; i < perSender; i++) {
                    String title = sender == 3 && i == 17 ? "poison" : "s" + sender + "-" + i;
                    // every 5th send uses one of 4 keys, shared by all senders
                    String key = i % 5 == 0 ? "key-" + (i / 5 % 4) : null;
                    if (key != null) {
                        keyOf.put(title, key);
                    }
                    long user = sender * 1000L + i + 1;
                    byTitle.put(title, groups.submit(grouped(key, title, user)));
                }
            });
            CompletableFuture.allOf(byTitle.values().toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null).get(60, TimeUnit.SECONDS);

            assertThat(byTitle).hasSize(senders * perSender);
            assertThat(groups.groups()).as("sends that arrived during a transaction were grouped").isPositive();
            assertThatThrownBy(() -> byTitle.get("poison").get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreException.class);
            Map<String, List<Long>> firstOfKey = new HashMap<>();
            Set<Long> allIds = new HashSet<>();
            int stored = 0;
            for (var e : byTitle.entrySet()) {
                if (e.getKey().equals("poison")) {
                    continue;
                }
                StoredSend r = e.getValue().get();
                String key = keyOf.get(e.getKey());
                if (r.replayed()) {
                    assertThat(key).as("only a keyed send can be a replay: " + e.getKey()).isNotNull();
                    continue;
                }
                assertThat(r.notifications()).hasSize(1);
                Notification n = r.notifications().get(0);
                assertThat(store.find(n.userId(), n.id()).orElseThrow().title()).isEqualTo(e.getKey());
                assertThat(allIds.add(n.id())).isTrue();
                stored++;
                if (key != null) {
                    assertThat(firstOfKey.put(key, ids(r.notifications())))
                            .as("one first send for " + key).isNull();
                }
            }
            assertThat(firstOfKey).hasSize(4);
            for (var e : byTitle.entrySet()) {
                String key = keyOf.get(e.getKey());
                if (key != null) {
                    assertThat(ids(e.getValue().get().notifications())).isEqualTo(firstOfKey.get(key));
                }
            }
            int keyedSends = keyOf.size();
            assertThat(stored).isEqualTo(senders * perSender - 1 - keyedSends + 4);
            assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(stored);
            assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE title = 'poison'")).isZero();
            assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(4);
        }
    }

    @Test
    void twoNodesGroupsClaimingTheSameKeysInOppositeOrder_eachKeyStoredOnce() throws Exception {
        // two GroupCommits = two nodes; their groups lock x then y, and y then x: a deadlock when
        // they interleave, which must cost only the losing member a re-run on its own
        DeferredExecutor nodeA = new DeferredExecutor();
        DeferredExecutor nodeB = new DeferredExecutor();
        GroupCommit a = new GroupCommit(store, nodeA);
        GroupCommit b = new GroupCommit(store, nodeB);
        List<CompletableFuture<StoredSend>> all = List.of(
                a.submit(grouped("x", "a-x", 1)), a.submit(grouped(null, "a-plain", 2)), a.submit(grouped("y", "a-y", 3)),
                b.submit(grouped("y", "b-y", 4)), b.submit(grouped(null, "b-plain", 5)), b.submit(grouped("x", "b-x", 6)));
        Concurrently.run(2, Duration.ofSeconds(60), i -> (i == 0 ? nodeA : nodeB).runAll());
        Map<String, List<Long>> firstOfKey = new HashMap<>();
        for (int i : new int[] {0, 2, 3, 5}) {
            StoredSend r = all.get(i).get(5, TimeUnit.SECONDS);
            String key = i == 0 || i == 5 ? "x" : "y";
            if (!r.replayed()) {
                assertThat(firstOfKey.put(key, ids(r.notifications()))).as("one first send for " + key).isNull();
            }
        }
        assertThat(firstOfKey).containsOnlyKeys("x", "y");
        for (int i : new int[] {0, 2, 3, 5}) {
            String key = i == 0 || i == 5 ? "x" : "y";
            assertThat(ids(all.get(i).get().notifications())).isEqualTo(firstOfKey.get(key));
        }
        assertThat(all.get(1).get().replayed()).isFalse();
        assertThat(all.get(4).get().replayed()).isFalse();
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(2);
    }

    @Test
    void databaseDown_everyMemberFailsUnavailable_nothingCommitted() throws Exception {
        try (TcpForwarder proxy = new TcpForwarder(testDatabase().serverPort());
                Database remote = Database.open(testDatabase().configVia(proxy.port()))) {
            NotificationStore viaProxy = new NotificationStore(remote, clock);
            assertThat(viaProxy.unreadCount(1)).isZero();
            DeferredExecutor writer = new DeferredExecutor();
            GroupCommit groups = new GroupCommit(viaProxy, writer);
            List<CompletableFuture<StoredSend>> sends = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                sends.add(groups.submit(viaProxy.grouped(i == 3 ? "k" : null, List.of((long) i), note("lost " + i), NOBODY_KNOWN)));
            }
            proxy.cut();
            writer.runAll();
            for (CompletableFuture<StoredSend> f : sends) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreUnavailableException.class);
            }
        }
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isZero();
        assertThat(count("SELECT COUNT(*) FROM idempotency_keys")).isZero();
        assertThat(count("SELECT COUNT(*) FROM known_users")).isZero();
    }
}
