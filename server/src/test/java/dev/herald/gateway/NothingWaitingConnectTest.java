package dev.herald.gateway;

import static dev.herald.api.NotificationFixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.NotificationFixture;
import dev.herald.store.Dialect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A single node answers the push on connect of a user it knows to have nothing waiting without a
 * query; whatever changes while they are away is still what their next connect gets.
 */
class NothingWaitingConnectTest {
    private static final String BASE = NotificationFixture.BASE;
    static NotificationFixture fx;

    @BeforeAll
    static void start() {
        fx = NotificationFixture.start(Dialect.H2);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void changesWhileAway_reachTheNextConnect() {
        long user = newUser();
        fx.openEmpty(user).close();
        fx.openEmpty(user).close(); // answered from what the node knows

        long id = fx.sendOne(user, "while away");
        NotificationFixture.Opened back = fx.open(user);
        assertThat(NotificationFixture.pushedIds(back.notifications())).containsExactly(id);
        assertThat(back.unreadCount()).isEqualTo(1);
        back.ws().request("ack", Map.of("notification_ids", List.of(id)));
        back.ws().close();

        NotificationFixture.Opened acked = fx.open(user);
        assertThat(acked.notifications()).as("delivered: nothing to push").isEmpty();
        assertThat(acked.unreadCount()).isEqualTo(1);
        acked.ws().close();
        NotificationFixture.Opened known = fx.open(user);
        assertThat(known.notifications()).isEmpty();
        assertThat(known.unreadCount()).isEqualTo(1);
        known.ws().close();

        NotificationFixture.ok(fx.post(BASE + "/" + id + "/read", fx.userToken(user), null));
        NotificationFixture.Opened read = fx.open(user);
        assertThat(read.notifications()).isEmpty();
        assertThat(read.unreadCount()).as("read over HTTP while away").isZero();
        read.ws().close();

        NotificationFixture.ok(fx.post(BASE + "/" + id + "/unread", fx.userToken(user), null));
        NotificationFixture.Opened unread = fx.open(user);
        assertThat(unread.unreadCount()).as("marked unread over HTTP while away").isEqualTo(1);
        unread.ws().close();
    }
}
