package dev.herald.inbox;

import dev.herald.inbox.sql.NotificationStore;
import dev.herald.store.SqlWorkers;
import static dev.herald.api.NotificationFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.broker.LocalBroker;
import dev.herald.broker.LocalPresence;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbox's periodic jobs, and the connect path's known-user cache, on a hand-built service (H2,
 * local broker and presence): the retry job
 * re-pushes to online users, the cleanup job applies retention (read notifications, idempotency
 * keys older than 24 h), and a node runs a job only when its {@link InboxJobs.Gate} lets it. The
 * retry job on a running node: {@link InboxJobsEndToEndTest}.
 */
class InboxJobsTest {

    private TestDatabase testDb;
    private Database db;
    private SqlWorkers sql;
    private LocalPresence presence;
    private NotificationStore store;
    private InboxService service;
    private final List<Topic> published = new CopyOnWriteArrayList<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void handBuiltService() {
        testDb = TestDatabase.create(Dialect.H2);
        db = Database.open(testDb.config());
        db.migrate();
        sql = new SqlWorkers(2, new HeraldMetrics());
        LocalBroker broker = new LocalBroker(10, Duration.ofMinutes(1));
        broker.start((Topic topic, Message message) -> published.add(topic));
        presence = new LocalPresence();
        store = new NotificationStore(db);
        service = new InboxService(store, sql, broker, presence, new HeraldMetrics(),
                new Settings.Notifications(Duration.ofMinutes(5), 50, 3, 30, true, 100, 200));
    }

    @AfterEach
    void close() {
        if (sql != null) {
            sql.close();
            db.close();
            testDb.close();
        }
    }

    private InboxJobs jobs(boolean allowed) {
        var settings = new Settings.Notifications(Duration.ofMinutes(5), 50, 3, 30, true, 100, 200);
        return new InboxJobs(service, settings, (job, period) -> {
            assertThat(period).isPositive();
            asked.add(job);
            return allowed;
        });
    }

    private long retryCount(long id) {
        return db.withConnection("read retry count", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT retry_count FROM system_notifications WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("notification %d exists", id).isTrue();
                    return rs.getLong(1);
                }
            }
        });
    }

    private void backdate(String sqlText, Instant when, Object key) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sqlText)) {
                ps.setObject(1, db.dialect().timestamp(when));
                ps.setObject(2, key);
                return ps.executeUpdate();
            }
        });
    }

    @Test
    void retryJob_whenTheGateSaysNo_doesNothing() {
        long id = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        presence.userOnline(7);
        try (InboxJobs jobs = jobs(false)) {
            jobs.retry();
        }
        assertThat(asked).containsExactly("notifications.retry");
        assertThat(published).isEmpty();
        assertThat(retryCount(id)).isZero();
    }

    @Test
    void retryJob_whenTheGateSaysYes_rePushesToOnlineUsersOnly() {
        long online = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        long offline = store.insertForUsers(List.of(8L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        presence.userOnline(7);
        try (InboxJobs jobs = jobs(true)) {
            jobs.retry();
            await("a retry", Duration.ofSeconds(10), () -> retryCount(online) == 1);
        }
        assertThat(published).containsExactly(new Topic.User(7));
        assertThat(retryCount(offline)).isZero();
    }

    @Test
    void wakeJob_whenTheGateSaysNo_leavesSnoozedOnesAlone() {
        long id = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        store.snooze(7, id, Instant.now().minusSeconds(1));
        try (InboxJobs jobs = jobs(false)) {
            jobs.wake();
        }
        assertThat(asked).containsExactly("notifications.wake");
        assertThat(store.find(7, id).orElseThrow().snoozedUntil()).isNotNull();
        assertThat(store.unreadCount(7)).isZero();
    }

    @Test
    void wakeJob_whenTheGateSaysYes_showsDueOnesAgain_andPushesThem_once() {
        long due = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        long later = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        store.snooze(7, due, Instant.now().minusSeconds(1));
        store.snooze(7, later, Instant.now().plusSeconds(3600));
        presence.userOnline(7);
        try (InboxJobs jobs = jobs(true)) {
            jobs.wake();
            await("the wake", Duration.ofSeconds(10), () -> store.unreadCount(7) == 1);
        }
        assertThat(store.find(7, due).orElseThrow().snoozedUntil()).isNull();
        assertThat(store.find(7, later).orElseThrow().snoozedUntil()).isNotNull();
        await("the pushes", Duration.ofSeconds(10), () -> published.size() >= 2);
        assertThat(published).as("the notification, then the unread count").containsOnly(new Topic.User(7));
        int before = published.size();
        assertThat(service.wakeSnoozed(100).toCompletableFuture().join()).as("woken once").isZero();
        assertThat(published).hasSize(before);
    }

    @Test
    void retryUnsent_overlappingRuns_pushTheLastRetryOnce() {
        long id = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        store.incrementRetry(List.of(id), 3);
        store.incrementRetry(List.of(id), 3);
        presence.userOnline(7);

        var first = service.retryUnsent(50).toCompletableFuture();
        var second = service.retryUnsent(50).toCompletableFuture();
        int pushed = first.join() + second.join();

        assertThat(pushed).as("one retry was left").isEqualTo(1);
        assertThat(published).containsExactly(new Topic.User(7));
        assertThat(retryCount(id)).isEqualTo(3);
    }

    @Test
    void connected_upsertsTheKnownUserOnlyOnTheFirstConnectToThisNode() {
        Backlog first = service.connected(9).toCompletableFuture().join();
        assertThat(first).isEqualTo(new Backlog(List.of(), 0));
        assertThat(store.knownUserIds()).as("known once connected").containsExactly(9L);

        db.withConnection(c -> c.createStatement().executeUpdate("DELETE FROM known_users"));
        long id = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        Backlog again = service.connected(9).toCompletableFuture().join();
        assertThat(again.notifications()).isEmpty();
        Backlog seven = service.connected(7).toCompletableFuture().join();
        assertThat(seven.notifications()).extracting(Notification::id).containsExactly(id);
        assertThat(seven.unreadCount()).isEqualTo(1);
        assertThat(store.knownUserIds()).as("7 known once connected; 9 was not written again").containsExactly(7L);
    }

    @Test
    void send_addsRecipientsToKnownUsersOnce_andEveryoneReachesExactlyTheKnownUsers() {
        NewNotification n = NewNotification.of("t", "c", "info", "system");
        service.send(new long[] {3, 4}, n, null).toCompletableFuture().join();
        assertThat(store.knownUserIds()).containsExactly(3L, 4L);

        db.withConnection(c -> c.createStatement().executeUpdate("DELETE FROM known_users WHERE user_id = 4"));
        service.send(new long[] {4, 5}, n, null).toCompletableFuture().join();
        assertThat(store.knownUserIds()).as("4 is known to this node, so not added again").containsExactly(3L, 5L);

        var everyone = service.send(new long[0], n, null).toCompletableFuture().join();
        assertThat(everyone.count()).isEqualTo(2);
        assertThat(store.knownUserIds()).containsExactly(3L, 5L);
    }

    @Test
    void cleanupJob_removesOldReadNotificationsAndExpiredIdempotencyKeys() {
        NewNotification n = NewNotification.of("t", "c", "info", "system");
        long oldRead = store.insertForUsers(List.of(7L), n, user -> false).get(0).id();
        long oldUnread = store.insertForUsers(List.of(7L), n, user -> false).get(0).id();
        long newRead = store.insertForUsers(List.of(7L), n, user -> false).get(0).id();
        store.markRead(7, List.of(oldRead, newRead));
        Instant old = Instant.now().minus(Duration.ofDays(31));
        backdate("UPDATE system_notifications SET created_at = ? WHERE id = ?", old, oldRead);
        backdate("UPDATE system_notifications SET created_at = ? WHERE id = ?", old, oldUnread);
        store.insertIdempotent("day-old", List.of(9L), n, user -> false);
        store.insertIdempotent("fresh", List.of(9L), n, user -> false);
        backdate("UPDATE idempotency_keys SET created_at = ? WHERE idempotency_key = ?",
                Instant.now().minus(Duration.ofHours(25)), "day-old");

        try (InboxJobs jobs = jobs(true)) {
            jobs.cleanup();
            await("the cleanup", Duration.ofSeconds(10), () -> store.find(7, oldRead).isEmpty());
        }
        assertThat(asked).containsExactly("notifications.cleanup");
        assertThat(store.find(7, oldUnread)).as("unread is kept").isPresent();
        assertThat(store.find(7, newRead)).as("recent read is kept").isPresent();
        await("the keys purged", Duration.ofSeconds(10),
                () -> !store.insertIdempotent("day-old", List.of(9L), n, user -> false).replayed());
        assertThat(store.insertIdempotent("fresh", List.of(9L), n, user -> false).replayed()).as("kept at least 24 h").isTrue();
    }

    @Test
    void cleanupJob_whenTheGateSaysNo_removesNothing() {
        long oldRead = store.insertForUsers(List.of(7L), NewNotification.of("t", "c", "info", "system"), user -> false).get(0).id();
        store.markRead(7, List.of(oldRead));
        backdate("UPDATE system_notifications SET created_at = ? WHERE id = ?",
                Instant.now().minus(Duration.ofDays(400)), oldRead);
        try (InboxJobs jobs = jobs(false)) {
            jobs.cleanup();
        }
        assertThat(store.find(7, oldRead)).isPresent();
    }

    @Test
    void scheduledJobs_stopWhenClosed() {
        var settings = new Settings.Notifications(Duration.ofMillis(20), 50, 3, 30, true, 100, 200);
        InboxJobs jobs = new InboxJobs(service, settings, (job, period) -> {
            asked.add(job);
            return false;
        });
        jobs.start();
        await("the retry job to run", Duration.ofSeconds(10), () -> asked.contains("notifications.retry"));
        jobs.close();
        int runs = asked.size();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(asked.size()).as("at most a run that was already starting").isLessThanOrEqualTo(runs + 1);
    }
}
