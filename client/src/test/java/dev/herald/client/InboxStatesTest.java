package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.testing.HeraldProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inbox 2.0 through the Java client against the real server jar: preferences, collapsing,
 * archive/unarchive/batch-archive, snooze, mark unread, actions — and 404 for another user's
 * notification on every new call.
 */
class InboxStatesTest {
    static HeraldProcess herald;
    static HeraldClient client;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
        client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    static NewNotification.Builder note(String title, long... users) {
        return NewNotification.builder().userIds(users).title(title).content("content of " + title);
    }

    @Test
    void preferences_quietAndOff_skippedCount_force() {
        Inbox inbox = client.asUser(herald.userToken(401));
        NotificationPreferences p = inbox.updatePreferences(Map.of("task", "off"), Map.of("warning", "quiet"));
        assertThat(p.categories()).isEqualTo(Map.of("task", "off"));
        assertThat(inbox.updateEmail("ops@example.com").email()).isEqualTo("ops@example.com");
        assertThat(client.notifications().forUser(401).preferences()).isEqualTo(inbox.preferences());

        SendResult off = client.notifications().send(note("t", 401, 402).category("task").build());
        assertThat(off.count()).isEqualTo(1);
        assertThat(off.skipped()).isEqualTo(1);
        SendResult quiet = client.notifications().send(note("w", 401).type("warning").build());
        assertThat(inbox.get(quiet.ids().get(0)).level()).isEqualTo("normal");
        SendResult forced = client.notifications().send(note("f", 401).category("task").force(true).build());
        assertThat(forced.skipped()).isZero();
        assertThat(forced.count()).isEqualTo(1);
        assertThat(catchThrowableOfType(HeraldException.class,
                () -> inbox.updatePreferences(Map.of("task", "loud"), Map.of())).status()).isEqualTo(422);
        assertThat(inbox.updateEmail(null).email()).isNull();
    }

    @Test
    void collapsing_sameIdAndGroupCount() {
        SendResult first = client.notifications().send(note("1 comment", 411).groupKey("post-1").groupWindow(3600).build());
        SendResult second = client.notifications().send(note("2 comments", 411).groupKey("post-1").build());
        assertThat(second.ids()).isEqualTo(first.ids());
        assertThat(second.collapsed()).isEqualTo(1);
        Notification n = client.asUser(herald.userToken(411)).get(first.ids().get(0));
        assertThat(n.groupKey()).isEqualTo("post-1");
        assertThat(n.groupCount()).isEqualTo(2);
        assertThat(n.title()).isEqualTo("2 comments");
    }

    @Test
    void archiveSnoozeUnreadAndActions() {
        Inbox inbox = client.asUser(herald.userToken(421));
        long a = client.notifications().send(note("a", 421).actions(
                new NotificationAction("approve", "Approve", "https://example.com/ok", "primary"),
                NotificationAction.of("deny", "Deny")).build()).ids().get(0);
        long b = client.notifications().send(note("b", 421).build()).ids().get(0);
        long c = client.notifications().send(note("c", 421).build()).ids().get(0);

        assertThat(inbox.archive(a)).isTrue();
        assertThat(inbox.get(a).archived()).isTrue();
        assertThat(inbox.unreadCount()).isEqualTo(2);
        assertThat(inbox.list(NotificationQuery.builder().archived("true").build()).list())
                .extracting(Notification::id).containsExactly(a);
        assertThat(inbox.statistics().archived()).isEqualTo(1);
        assertThat(inbox.unarchive(a)).isTrue();
        assertThat(inbox.archive(List.of(b, c))).isEqualTo(2);
        assertThat(inbox.unreadCount()).isEqualTo(1);

        Instant until = Instant.now().plus(Duration.ofHours(1));
        assertThat(inbox.snooze(a, until)).isEqualTo(until.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(inbox.get(a).snoozedUntil()).isNotNull();
        assertThat(inbox.unreadCount()).isZero();
        assertThat(inbox.statistics().snoozed()).isEqualTo(1);

        Notification taken = inbox.takeAction(a, "approve");
        assertThat(taken.actionTaken().id()).isEqualTo("approve");
        assertThat(taken.read()).isTrue();
        assertThat(taken.actions()).extracting(NotificationAction::id).containsExactly("approve", "deny");
        assertThat(catchThrowableOfType(HeraldException.class, () -> inbox.takeAction(a, "deny")).status()).isEqualTo(409);
        assertThat(inbox.markUnread(a)).isTrue();
        assertThat(inbox.get(a).read()).isFalse();

        Inbox other = client.asUser(herald.userToken(422));
        for (var call : List.<Runnable>of(() -> other.archive(a), () -> other.unarchive(a), () -> other.markUnread(a),
                () -> other.snooze(a, until), () -> other.takeAction(a, "approve"))) {
            assertThat(catchThrowableOfType(HeraldException.class, call::run).status()).isEqualTo(404);
        }
        assertThat(other.archive(List.of(a))).isZero();
    }
}
