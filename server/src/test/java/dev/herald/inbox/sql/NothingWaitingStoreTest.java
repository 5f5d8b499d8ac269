package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.inbox.Backlog;
import dev.herald.inbox.Notification;
import dev.herald.webhooks.EventSink;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store that is the inbox's only writer remembers who has nothing waiting, and every change of a
 * user's rows makes it forget them: after each change below, what it would answer on connect
 * without a query is either nothing or what the database says. On each database.
 */
class NothingWaitingStoreTest extends StoreTestBase {
    private static final long ME = 5;

    /** The public methods that only read; every other public method must forget the users it changes. */
    private static final Set<String> READS = Set.of("backlog", "connectBacklog", "knownNothingWaiting", "list", "unread",
            "unreadCount", "unreadCounts", "find", "statistics", "preferences", "everyone", "knownUserIds",
            "chatRecipient", "retryCandidates", "grouped", "groupCommit", "ackQueue", "stuckEscalations");
    /**
     * Public methods that change rows without changing what the push on connect says: delivery only
     * removes from the backlog, retries and escalations change no state a client sees, purges take
     * read rows only, preferences and known users are not notifications.
     */
    private static final Set<String> CHANGE_NOTHING_WAITING = Set.of("markDelivered", "incrementRetry",
            "claimEscalations", "finishEscalation", "purgeRead", "purgeIdempotencyKeys", "updatePreferences",
            "touchKnownUsers");
    /** Public methods that change a user's unread count or backlog: each is exercised below. */
    private static final Set<String> CHANGES = Set.of("insertForUsers", "send", "insertIdempotent", "markRead",
            "markUnread", "archive", "unarchive", "snooze", "wakeSnoozed", "takeAction", "markAllRead", "delete",
            "clearRead");

    private NotificationStore cached;

    @BeforeEach
    void cachedStore() {
        cached = new NotificationStore(db(), clock, EventSink.NONE, 100);
    }

    @Test
    void everyPublicMethod_isKnownToReadOrToChange() {
        Set<String> unclassified = new TreeSet<>();
        for (Method m : NotificationStore.class.getDeclaredMethods()) {
            String name = m.getName();
            if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !READS.contains(name)
                    && !CHANGE_NOTHING_WAITING.contains(name) && !CHANGES.contains(name)) {
                unclassified.add(name);
            }
        }
        assertThat(unclassified).as("a new store method: does it change what a user has waiting? classify it here"
                + " and, if it does, make it forget the users (NotificationStore.changing)").isEmpty();
    }

    @Test
    void everyChange_forgetsTheUser() {
        Notification a = remembered(() -> cached.insertForUsers(List.of(ME), note("a"), NOBODY_KNOWN).get(0));
        Notification b = remembered(() -> cached.send(List.of(ME), note("b"), NOBODY_KNOWN).notifications().get(0));
        Notification c = remembered(() -> cached.insertIdempotent("key-c", List.of(ME), note("c"), NOBODY_KNOWN)
                .notifications().get(0));
        Notification d = remembered(() -> cached.insertForUsers(List.of(ME), note("d").withActions(json(
                "[{\"id\":\"ok\",\"label\":\"OK\"}]")), NOBODY_KNOWN).get(0));
        Notification e = remembered(() -> cached.insertForUsers(List.of(ME), note("e"), NOBODY_KNOWN).get(0));

        change("mark one read", s -> s.markRead(ME, a.id()));
        change("mark unread", s -> s.markUnread(ME, a.id()));
        change("archive one", s -> s.archive(ME, a.id()));
        change("unarchive", s -> s.unarchive(ME, a.id()));
        change("archive many", s -> s.archive(ME, List.of(a.id(), b.id())));
        change("unarchive again", s -> s.unarchive(ME, b.id()));
        change("take an action", s -> s.takeAction(ME, d.id(), "ok"));
        change("mark many read", s -> s.markRead(ME, List.of(b.id(), c.id())));
        change("delete one unread", s -> s.delete(ME, e.id()));
        change("mark all read", s -> s.markAllRead(ME));
        change("mark unread again", s -> s.markUnread(ME, c.id()));
        change("clear read", s -> s.clearRead(ME));
        change("delete many", s -> s.delete(ME, List.of(c.id())));
        Notification f = remembered(() -> cached.insertForUsers(List.of(ME), note("f"), NOBODY_KNOWN).get(0));
        change("snooze", s -> s.snooze(ME, f.id(), now().plus(Duration.ofMinutes(1))));
        clock.advance(Duration.ofMinutes(2));
        change("wake snoozed", s -> assertThat(s.wakeSnoozed(10)).hasSize(1));
    }

    @Test
    void groupCommittedSends_forgetTheirRecipients() {
        remembered(() -> null);
        cached.groupCommit(Runnable::run).submit(cached.grouped(null, List.of(ME, 6L), note("g"), NOBODY_KNOWN)).join();
        assertAgreesOrForgot("a group-committed send");
    }

    @Test
    void anotherUsersChange_keepsWhatIsKnownOfMe() {
        remembered(() -> null);
        cached.insertForUsers(List.of(6L), note("theirs"), NOBODY_KNOWN);
        assertThat(cached.knownNothingWaiting(ME)).isPresent();
    }

    @Test
    void withoutSoleWriter_nothingIsRemembered() {
        store.connectBacklog(ME, 10);
        assertThat(store.knownNothingWaiting(ME)).isEmpty();
    }

    /** Runs {@code step}, acks everything of ME, and checks the store now remembers ME's answer. */
    private <T> T remembered(java.util.function.Supplier<T> step) {
        T result = step.get();
        Backlog page = cached.backlog(ME, 0, 1000);
        cached.markDelivered(ME, page.notifications().stream().map(Notification::id).toList());
        cached.connectBacklog(ME, 100);
        OptionalLong known = cached.knownNothingWaiting(ME);
        assertThat(known).as("nothing waiting, so remembered").isPresent();
        assertThat(known.getAsLong()).isEqualTo(cached.unreadCount(ME));
        return result;
    }

    /** With ME remembered, {@code change} must leave the store answering nothing or the truth. */
    private void change(String what, Consumer<NotificationStore> change) {
        remembered(() -> null);
        change.accept(cached);
        assertAgreesOrForgot(what);
    }

    private void assertAgreesOrForgot(String what) {
        OptionalLong known = cached.knownNothingWaiting(ME);
        if (known.isPresent()) {
            Backlog truth = cached.backlog(ME, 0, 100);
            assertThat(truth.notifications()).as(what + ": remembered as nothing waiting").isEmpty();
            assertThat(known.getAsLong()).as(what + ": remembered unread count").isEqualTo(truth.unreadCount());
        }
        assertThat(known).as(what + " forgets ME").isEmpty();
    }
}
