package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NothingWaitingTest {

    @Test
    void anOffer_isRemembered_untilTheUserChanges() {
        NothingWaiting w = new NothingWaiting(10);
        w.offer(7, w.stamp(), 3);
        assertThat(w.unreadCount(7)).isEqualTo(OptionalLong.of(3));
        assertThat(w.unreadCount(8)).isEmpty();
        w.changed(7);
        assertThat(w.unreadCount(7)).isEmpty();
    }

    @Test
    void anOffer_readBeforeAChangeCommitted_isRefused() {
        NothingWaiting w = new NothingWaiting(10);
        long stamp = w.stamp();     // the connect's query starts
        w.changed(7);               // a send to 7 commits meanwhile: the query may not have seen it
        w.offer(7, stamp, 0);
        assertThat(w.unreadCount(7)).as("an answer older than the change").isEmpty();
        w.offer(7, w.stamp(), 1);   // a query begun after the change
        assertThat(w.unreadCount(7)).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void aChangeOfAnotherUser_refusesOnlyOffersOfTheSameSlot() {
        NothingWaiting w = new NothingWaiting(100);
        long stamp = w.stamp();
        w.changed(1);
        int refused = 0;
        for (long user = 2; user < 102; user++) {
            w.offer(user, stamp, 0);
            refused += w.unreadCount(user).isEmpty() ? 1 : 0;
        }
        assertThat(refused).as("one slot in 4,096 is shared with user 1, at most a few of 100").isLessThan(3);
    }

    @Test
    void manyUsersChanged_andEveryoneChanged_forgetThem() {
        NothingWaiting w = new NothingWaiting(10);
        w.offer(1, w.stamp(), 0);
        w.offer(2, w.stamp(), 0);
        w.offer(3, w.stamp(), 0);
        long stamp = w.stamp();
        w.changed(new long[] {1, 2});
        assertThat(w.unreadCount(1)).isEmpty();
        assertThat(w.unreadCount(2)).isEmpty();
        assertThat(w.unreadCount(3)).isPresent();
        w.changedAll();
        assertThat(w.unreadCount(3)).isEmpty();
        w.offer(3, stamp, 0);
        assertThat(w.unreadCount(3)).as("begun before everyone changed").isEmpty();
    }

    @Test
    void isBounded_leastRecentlyUsedGoesFirst() {
        NothingWaiting w = new NothingWaiting(2);
        w.offer(1, w.stamp(), 0);
        w.offer(2, w.stamp(), 0);
        w.unreadCount(1);
        w.offer(3, w.stamp(), 0);
        assertThat(w.size()).isEqualTo(2);
        assertThat(w.unreadCount(2)).isEmpty();
        assertThat(w.unreadCount(1)).isPresent();
        assertThatThrownBy(() -> new NothingWaiting(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
