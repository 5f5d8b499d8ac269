package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.Notification;
import dev.herald.inbox.Preferences;
import dev.herald.inbox.StoredSend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Preferences in the store, on each database: merged changes, the stricter of category and type,
 * {@code off} recipients skipped and {@code quiet} ones stored store-only in the same send, the
 * send to everyone filtered in SQL, {@code force} ignoring them all.
 */
class PreferenceStoreTest extends StoreTestBase {

    @Test
    void updatePreferences_merges_onRemoves_emailSetAndCleared() {
        assertThat(store.preferences(1)).isEqualTo(Preferences.DEFAULT);
        store.updatePreferences(1, Map.of("task", "quiet", "message", "off"), Map.of("error", "off"), true, "a@example.com");
        Preferences p = store.updatePreferences(1, Map.of("task", "on"), Map.of("info", "quiet"), false, null);
        assertThat(p.categories()).isEqualTo(Map.of("message", "off"));
        assertThat(p.types()).isEqualTo(Map.of("error", "off", "info", "quiet"));
        assertThat(p.email()).isEqualTo("a@example.com");
        assertThat(store.preferences(1)).isEqualTo(p);
        assertThat(store.updatePreferences(1, Map.of(), Map.of(), true, null).email()).isNull();
        assertThat(store.preferences(2)).as("another user's untouched").isEqualTo(Preferences.DEFAULT);
    }

    @Test
    void concurrentChangesOfOneUser_allSucceed_oneOfThemWins() throws Exception {
        dev.herald.testing.Concurrently.run(6, i -> store.updatePreferences(9,
                Map.of("task", i % 2 == 0 ? "off" : "quiet"), Map.of(), true, "u" + i + "@example.com"));
        Preferences p = store.preferences(9);
        assertThat(p.categories()).containsOnlyKeys("task");
        assertThat(p.email()).matches("u[0-5]@example.com");
        assertThat(count("SELECT COUNT(*) FROM notification_preferences WHERE user_id = 9")).isEqualTo(1);
    }

    @Test
    void send_skipsOff_storesQuietAsStoreOnly_theStricterWins() {
        store.updatePreferences(2, Map.of("system", "off"), Map.of(), false, null);
        store.updatePreferences(3, Map.of("system", "quiet"), Map.of(), false, null);
        store.updatePreferences(4, Map.of("system", "quiet"), Map.of("info", "off"), false, null);
        store.updatePreferences(5, Map.of("task", "off"), Map.of("warning", "off"), false, null);

        StoredSend sent = store.send(List.of(1L, 2L, 3L, 4L, 5L), note("n"), NOBODY_KNOWN);

        assertThat(sent.skipped()).isEqualTo(2);
        Map<Long, String> levels = new java.util.TreeMap<>();
        sent.notifications().forEach(n -> levels.put(n.userId(), n.level()));
        assertThat(levels).isEqualTo(Map.of(1L, InboxLimits.URGENT, 3L, InboxLimits.NORMAL, 5L, InboxLimits.URGENT));
        assertThat(store.unreadCount(3)).as("quiet ones count as unread").isEqualTo(1);
        assertThat(store.unreadCount(2)).isZero();
        assertThat(store.backlog(3, 0, 10).notifications()).as("quiet ones are never pushed").isEmpty();
        assertThat(store.knownUserIds()).as("skipped users are still known").contains(2L, 4L);
    }

    @Test
    void force_ignoresPreferences() {
        store.updatePreferences(2, Map.of("system", "off"), Map.of(), false, null);
        store.updatePreferences(3, Map.of("system", "quiet"), Map.of(), false, null);
        StoredSend sent = store.send(List.of(2L, 3L), note("n").withForce(true), NOBODY_KNOWN);
        assertThat(sent.skipped()).isZero();
        assertThat(sent.notifications()).extracting(Notification::level).containsOnly(InboxLimits.URGENT);
    }

    @Test
    void groupCommit_singleRecipientSends_readPreferencesTogether() {
        store.updatePreferences(2, Map.of("system", "off"), Map.of(), false, null);
        store.updatePreferences(3, Map.of(), Map.of("info", "quiet"), false, null);
        List<StoredSend> out = store.insertGroup(List.of(
                store.grouped(null, List.of(1L), note("a"), NOBODY_KNOWN),
                store.grouped(null, List.of(2L), note("b"), NOBODY_KNOWN),
                store.grouped(null, List.of(3L), note("c"), NOBODY_KNOWN),
                store.grouped(null, List.of(2L), note("d", "x", "info", "task"), NOBODY_KNOWN),
                store.grouped(null, List.of(2L), note("e").withForce(true), NOBODY_KNOWN)));
        assertThat(out).extracting(StoredSend::skipped).containsExactly(0, 1, 0, 0, 0);
        assertThat(out.get(2).notifications().get(0).level()).isEqualTo(InboxLimits.NORMAL);
        assertThat(out.get(3).notifications()).hasSize(1);
        assertThat(out.get(4).notifications()).hasSize(1);
    }

    @Test
    void everyone_isFilteredInSql_andCountsTheMuted() {
        List<Long> users = new ArrayList<>();
        for (long u = 1; u <= 30; u++) {
            users.add(u);
        }
        store.send(users, note("seed"), NOBODY_KNOWN); // makes them known
        for (long u = 1; u <= 30; u += 10) {
            store.updatePreferences(u, Map.of("announcement", "off"), Map.of(), false, null);
        }
        store.updatePreferences(5, Map.of(), Map.of("warning", "off"), false, null);
        store.updatePreferences(6, Map.of("system", "off"), Map.of(), false, null);

        NotificationStore.Everyone all = store.everyone("announcement", "warning");
        assertThat(all.muted()).isEqualTo(4);
        assertThat(all.userIds()).hasSize(26).doesNotContain(1L, 11L, 21L, 5L).contains(6L);
    }
}
