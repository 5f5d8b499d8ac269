package dev.herald.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.sql.NotificationStore;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connects are written to known_users together: one flush for every user who connected until it ran. */
class ConnectTouchesTest {
    private TestDatabase testDb;
    private Database db;
    private NotificationStore store;
    private final KnownUserCache known = new KnownUserCache(1000, Duration.ofHours(1));
    /** The writers, run by hand. */
    private final Queue<Runnable> queued = new ArrayDeque<>();

    @BeforeEach
    void open() {
        testDb = TestDatabase.create(Dialect.H2);
        db = Database.open(testDb.config());
        db.migrate();
        store = new NotificationStore(db);
    }

    @AfterEach
    void close() {
        db.close();
        testDb.close();
    }

    @Test
    void aBurstOfConnects_isOneFlush_andTheUsersCountAsTouchedOnlyAfterIt() {
        ConnectTouches touches = new ConnectTouches(store, queued::add, known);
        var first = touches.add(1);
        for (long user = 2; user <= 500; user++) {
            touches.add(user);
        }
        var again = touches.add(7); // again before the flush: once
        assertThat(queued).as("one flush queued for 500 connects").hasSize(1);
        assertThat(known.needsTouch(7)).isTrue();
        assertThat(first).isNotDone();

        queued.poll().run();
        assertThat(first).as("answered when the flush has committed").isDone();
        assertThat(again).isDone();
        assertThat(store.knownUserIds()).hasSize(500);
        assertThat(known.needsTouch(7)).isFalse();
        assertThat(touches.pending()).isZero();

        touches.add(501);
        assertThat(queued).as("the next connect queues the next flush").hasSize(1);
    }

    @Test
    void aFailedFlush_leavesTheUsersUntouched_forTheirNextConnect() {
        ConnectTouches touches = new ConnectTouches(store, queued::add, known);
        var answer = touches.add(3);
        db.close(); // the database is gone
        queued.poll().run();
        assertThat(answer).as("a connect does not fail for it").isCompleted();
        assertThat(known.needsTouch(3)).isTrue();
        assertThat(touches.pending()).isZero();
        db = Database.open(testDb.config()); // for close()
    }

    @Test
    void refusedByFullWorkers_theNextConnectQueuesTheFlush() {
        boolean[] full = {true};
        Executor writers = task -> {
            if (full[0]) {
                throw new RejectedExecutionException("full");
            }
            queued.add(task);
        };
        ConnectTouches touches = new ConnectTouches(store, writers, known);
        touches.add(1);
        assertThat(queued).isEmpty();
        full[0] = false;
        touches.add(2);
        queued.poll().run();
        assertThat(store.knownUserIds()).containsExactly(1L, 2L);
    }

    @Test
    void waitingUsers_areBounded() {
        ConnectTouches touches = new ConnectTouches(store, queued::add, known);
        for (long user = 1; user <= ConnectTouches.MAX_PENDING + 10; user++) {
            touches.add(user);
        }
        assertThat(touches.pending()).isEqualTo(ConnectTouches.MAX_PENDING);
    }
}
