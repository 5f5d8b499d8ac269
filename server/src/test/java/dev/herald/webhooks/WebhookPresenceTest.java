package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.broker.JobLock;
import dev.herald.broker.LocalPresence;
import dev.herald.broker.Presence;
import dev.herald.testing.EveryDatabase;
import dev.herald.testing.FreshDatabase;
import dev.herald.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * user.online / user.offline against the table and a presence, on every database, with a
 * {@link TestClock} for the grace: one online per user however many devices, a reload inside the
 * grace is neither offline nor a second online, an absence longer than the grace is one offline.
 */
@EveryDatabase
class WebhookPresenceTest {
    private FreshDatabase database;
    private final TestClock clock = new TestClock();
    private final LocalPresence presence = new LocalPresence();
    private PresenceEvents events;
    private Presence watched;

    @BeforeEach
    void database(FreshDatabase database) {
        this.database = database;
        Outbox outbox = new Outbox(database.db(), clock);
        EventSink stored = new EventSink() { // straight into the outbox, in the presence change's transaction
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void publishIn(java.sql.Connection c, String type, java.util.List<java.util.Map<String, Object>> data)
                    throws java.sql.SQLException {
                outbox.insert(c, type, data);
            }

            @Override
            public void publish(String type, java.util.Map<String, Object> data) {
                throw new AssertionError("presence events are stored with their table change");
            }
        };
        this.events = new PresenceEvents(database.db(), stored, presence, JobLock.LOCAL, clock, Duration.ofSeconds(10),
                Runnable::run);
        this.watched = events.watching();
    }

    private long count(String type, long user) {
        return database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = '" + type + "' AND body LIKE '%\"user_id\":"
                + user + ",%'");
    }

    @Test
    void twoDevicesAndAReloadInsideTheGrace_areOneOnline_andNoOffline() {
        watched.userOnline(7);
        watched.userOnline(7); // a second node's first connection of the same user
        assertThat(count(EventSink.ONLINE, 7)).isEqualTo(1);
        watched.userOffline(7);
        events.sweep(); // gone: the grace starts
        clock.advance(Duration.ofSeconds(5));
        watched.userOnline(7); // the reloaded page
        events.sweep();
        clock.advance(Duration.ofSeconds(30));
        events.sweep();
        assertThat(count(EventSink.ONLINE, 7)).isEqualTo(1);
        assertThat(count(EventSink.OFFLINE, 7)).isZero();
    }

    @Test
    void anAbsenceLongerThanTheGrace_isOneOffline_thenAComebackIsANewOnline() {
        watched.userOnline(8);
        watched.userOffline(8);
        events.sweep();
        clock.advance(Duration.ofSeconds(9));
        events.sweep();
        assertThat(count(EventSink.OFFLINE, 8)).as("inside the grace").isZero();
        clock.advance(Duration.ofSeconds(2));
        events.sweep();
        events.sweep();
        assertThat(count(EventSink.OFFLINE, 8)).isEqualTo(1);
        // its "at" is when presence lost the user, not when the grace ran out
        assertThat(database.count("SELECT COUNT(*) FROM webhook_outbox WHERE type = 'user.offline'"
                + " AND body LIKE '%\"at\":\"2025-06-15T10:00:00.123Z\"%'")).isEqualTo(1);
        watched.userOnline(8);
        assertThat(count(EventSink.ONLINE, 8)).isEqualTo(2);
    }

    @Test
    void aUserTheFirstLookMissed_isAnnouncedByTheSweep_once() {
        presence.userOnline(9); // straight to presence, as when the insert could not run
        events.sweep();
        events.sweep();
        assertThat(count(EventSink.ONLINE, 9)).isEqualTo(1);
    }
}
