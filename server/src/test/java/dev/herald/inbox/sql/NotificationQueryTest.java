package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.Page;
import dev.herald.inbox.Statistics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NotificationQueryTest extends StoreTestBase {

    private static final long ME = 1;
    private static final long OTHER = 2;

    @Test
    void list_newestFirst_withTotalAndPages() {
        for (int i = 1; i <= 5; i++) {
            send(ME, "n" + i);
            clock.advance(Duration.ofSeconds(1));
        }
        send(OTHER, "not mine");

        Page<Notification> first = store.list(NotificationFilter.forUser(ME).withPage(1, 2));
        Page<Notification> third = store.list(NotificationFilter.forUser(ME).withPage(3, 2));
        Page<Notification> beyond = store.list(NotificationFilter.forUser(ME).withPage(9, 2));

        assertThat(titles(first.list())).containsExactly("n5", "n4");
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.page()).isEqualTo(1);
        assertThat(first.pageSize()).isEqualTo(2);
        assertThat(titles(third.list())).containsExactly("n1");
        assertThat(beyond.list()).isEmpty();
        assertThat(beyond.total()).isEqualTo(5);
    }

    @Test
    void list_sameCreatedAt_isOrderedByIdDescending() {
        List<Notification> batch = store.insertForUsers(List.of(ME), note("a"), NOBODY_KNOWN);
        Notification second = send(ME, "b");
        assertThat(titles(store.list(NotificationFilter.forUser(ME)).list())).containsExactly("b", "a");
        assertThat(second.id()).isGreaterThan(batch.get(0).id());
    }

    @Test
    void list_filtersByReadTypeAndCategory() {
        Notification a = send(ME, note("a", "x", "info", "system"));
        send(ME, note("b", "x", "warning", "system"));
        send(ME, note("c", "x", "warning", "task"));
        store.markRead(ME, a.id());

        assertThat(titles(store.list(NotificationFilter.forUser(ME).withRead(true)).list())).containsExactly("a");
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withRead(false)).list())).containsExactly("c", "b");
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withType("warning")).list())).containsExactly("c", "b");
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withType("warning").withCategory("system")).list()))
                .containsExactly("b");
        assertThat(store.list(NotificationFilter.forUser(ME).withType("nope")).total()).isZero();
    }

    @Test
    void list_keyword_matchesTitleOrContent_caseInsensitively() {
        send(ME, note("Server restarted", "planned", "info", "system"));
        send(ME, note("Deploy", "the SERVER is back", "info", "system"));
        send(ME, note("Other", "nothing here", "info", "system"));
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withKeyword("server")).list()))
                .containsExactlyInAnyOrder("Server restarted", "Deploy");
        assertThat(store.list(NotificationFilter.forUser(ME).withKeyword("   ")).total()).isEqualTo(3);
    }

    @Test
    void list_keywordWithWildcardsAndQuotes_matchesLiterally() {
        String[] tricky = {"100%", "a_b", "it's", "back\\slash", "\"; drop table system_notifications; --",
                "!bang", "%", "_"};
        send(ME, note("1000 percent", "plain", "info", "system"));
        send(ME, note("axb", "plain", "info", "system"));
        send(ME, note("its", "plain", "info", "system"));
        send(ME, note("backslash", "plain", "info", "system"));
        for (String t : tricky) {
            send(ME, note("has " + t + " inside", "plain", "info", "system"));
        }
        assertThat(titles(list("100%"))).containsExactly("has 100% inside");
        assertThat(titles(list("a_b"))).containsExactly("has a_b inside");
        assertThat(titles(list("it's"))).containsExactly("has it's inside");
        assertThat(titles(list("back\\slash"))).containsExactly("has back\\slash inside");
        assertThat(titles(list("\"; drop table system_notifications; --")))
                .containsExactly("has \"; drop table system_notifications; -- inside");
        assertThat(titles(list("!bang"))).containsExactly("has !bang inside");
        assertThat(titles(list("%"))).containsExactlyInAnyOrder("has 100% inside", "has % inside");
        assertThat(titles(list("_"))).containsExactlyInAnyOrder("has a_b inside", "has _ inside",
                "has \"; drop table system_notifications; -- inside"); // that one has '_' in it too
        assertThat(count("SELECT COUNT(*) FROM system_notifications")).isEqualTo(12);
    }

    @Test
    void list_dateRange_isInclusiveOfWholeDays() {
        clock.set(Instant.parse("2025-01-09T23:59:59.999Z"));
        send(ME, "before");
        clock.set(Instant.parse("2025-01-10T00:00:00Z"));
        send(ME, "start of first day");
        clock.set(Instant.parse("2025-01-12T23:59:59.999Z"));
        send(ME, "end of last day");
        clock.set(Instant.parse("2025-01-13T00:00:00Z"));
        send(ME, "after");

        LocalDate from = LocalDate.parse("2025-01-10");
        LocalDate to = LocalDate.parse("2025-01-12");
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withDates(from, to)).list()))
                .containsExactly("end of last day", "start of first day");
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withDates(null, from)).list()))
                .containsExactly("start of first day", "before");
        assertThat(titles(store.list(NotificationFilter.forUser(ME).withDates(to, null)).list()))
                .containsExactly("after", "end of last day");
        assertThat(store.list(NotificationFilter.forUser(ME).withDates(to, to)).total()).isEqualTo(1);
    }

    @Test
    void filter_badValues_areRejected() {
        LocalDate d = LocalDate.parse("2025-01-10");
        assertThatThrownBy(() -> NotificationFilter.forUser(ME).withDates(d, d.minusDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NotificationFilter.forUser(ME).withPage(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NotificationFilter.forUser(ME).withPage(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NotificationFilter.forUser(ME).withPage(1, 10_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NotificationFilter.forUser(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unread_newestFirst_limited_andOnlyMine() {
        Notification a = send(ME, "a");
        clock.advance(Duration.ofSeconds(1));
        send(ME, "b");
        clock.advance(Duration.ofSeconds(1));
        send(ME, "c");
        send(OTHER, "x");
        store.markRead(ME, a.id());

        assertThat(titles(store.unread(ME, 10))).containsExactly("c", "b");
        assertThat(titles(store.unread(ME, 1))).containsExactly("c");
        assertThatThrownBy(() -> store.unread(ME, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unreadCount_countsOnlyMyUnreadUndeleted() {
        Notification a = send(ME, "a");
        Notification b = send(ME, "b");
        send(ME, "c");
        send(OTHER, "x");
        store.markRead(ME, a.id());
        store.delete(ME, b.id());
        assertThat(store.unreadCount(ME)).isEqualTo(1);
        assertThat(store.unreadCount(OTHER)).isEqualTo(1);
        assertThat(store.unreadCount(999)).isZero();
    }

    @Test
    void unreadCounts_manyUsersAtOnce_onlyThoseWithUnread() {
        List<Long> users = LongStream.rangeClosed(1, IdTable.MAX_IDS + 10L).boxed().toList();
        store.insertForUsers(users, note("a"), NOBODY_KNOWN);
        store.insertForUsers(List.of(1L, 2L), note("b"), NOBODY_KNOWN);
        store.markAllRead(3);
        Notification gone = store.unread(4, 1).get(0);
        store.delete(4, gone.id());

        Map<Long, Long> counts = store.unreadCounts(Stream.concat(users.stream(), Stream.of(1L, 99_999L)).toList());

        assertThat(counts).hasSize(users.size() - 2).containsEntry(1L, 2L).containsEntry(2L, 2L).containsEntry(5L, 1L)
                .doesNotContainKeys(3L, 4L, 99_999L);
        assertThat(store.unreadCounts(List.of())).isEmpty();
    }

    @Test
    void find_otherUsersOrDeletedOrMissing_isEmpty_butAdminFindsAnyUsers() {
        Notification mine = send(ME, "mine");
        Notification theirs = send(OTHER, "theirs");
        Notification gone = send(ME, "gone");
        store.delete(ME, gone.id());

        assertThat(store.find(ME, mine.id())).contains(mine);
        assertThat(store.find(ME, theirs.id())).isEmpty();
        assertThat(store.find(ME, gone.id())).isEmpty();
        assertThat(store.find(ME, 987654321L)).isEmpty();
        assertThat(row(theirs.id())).contains(theirs);
        assertThat(row(gone.id())).isEmpty();
    }

    @Test
    void statistics_countsByReadTypeAndCategory_ignoringDeletedAndOthers() {
        Notification a = send(ME, note("a", "", "info", "system"));
        send(ME, note("b", "", "info", "task"));
        send(ME, note("c", "", "error", "task"));
        Notification d = send(ME, note("d", "", "error", "message"));
        send(OTHER, note("x", "", "success", "reminder"));
        store.markRead(ME, a.id());
        store.delete(ME, d.id());

        Statistics s = store.statistics(ME);
        assertThat(s.total()).isEqualTo(3);
        assertThat(s.unread()).isEqualTo(2);
        assertThat(s.read()).isEqualTo(1);
        assertThat(s.byType()).isEqualTo(Map.of("info", 2L, "error", 1L));
        assertThat(s.byCategory()).isEqualTo(Map.of("system", 1L, "task", 2L));
        assertThat(store.statistics(999)).isEqualTo(new Statistics(0, 0, 0, Map.of(), Map.of(), 0, 0));
    }

    private List<Notification> list(String keyword) {
        return store.list(NotificationFilter.forUser(ME).withKeyword(keyword)).list();
    }
}
