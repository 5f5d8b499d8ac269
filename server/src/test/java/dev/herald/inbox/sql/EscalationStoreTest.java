package dev.herald.inbox.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.broker.JobLock;
import dev.herald.inbox.Escalation;
import dev.herald.inbox.EscalationJob;
import dev.herald.inbox.EscalationMail;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.Database;
import dev.herald.store.Dialect;
import dev.herald.testing.Concurrently;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The escalation claim (SPEC §8) on each database: due only when unread, not archived, not
 * snoozed, not deleted once {@code escalate_after} has passed; claimed exactly once, also by two
 * stores on separate pools at once; no email → skipped and never claimed again; a collapse keeps
 * the group's deadline; a claim never finished counts as stuck once older than the threshold.
 */
class EscalationStoreTest extends StoreTestBase {

    private Notification escalating(long user, String title, int seconds) {
        return send(user, note(title).withEscalation(seconds));
    }

    private void email(long user, String address) {
        store.updatePreferences(user, Map.of(), Map.of(), true, address);
    }

    private String escalation(long id) {
        return database.db().withConnection("read", c -> {
            try (var ps = c.prepareStatement("SELECT escalation FROM system_notifications WHERE id = ?")) {
                ps.setLong(1, id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    @Test
    void dueAfterTheDelay_claimedOnce_thenFinished() {
        email(1, "one@example.com");
        Notification n = escalating(1, "late", 60);
        send(1, "never escalates");
        clock.advance(Duration.ofSeconds(59));
        assertThat(store.claimEscalations(100).toSend()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        List<Escalation> claimed = store.claimEscalations(100).toSend();
        assertThat(claimed).extracting(Escalation::id).containsExactly(n.id());
        assertThat(claimed.get(0).email()).isEqualTo("one@example.com");
        assertThat(claimed.get(0).title()).isEqualTo("late");
        assertThat(escalation(n.id())).isEqualTo("sending");
        assertThat(count("SELECT COUNT(*) FROM system_notifications WHERE escalated_at IS NOT NULL")).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(store.claimEscalations(100).toSend()).isEmpty();
        store.finishEscalation(n.id(), true);
        assertThat(escalation(n.id())).isEqualTo("sent");
    }

    @Test
    void readArchivedDeletedOrSnoozedBeforeTheDeadline_neverClaimed() {
        email(1, "one@example.com");
        Notification read = escalating(1, "read", 60);
        Notification archived = escalating(1, "archived", 60);
        Notification deleted = escalating(1, "deleted", 60);
        Notification snoozed = escalating(1, "snoozed", 60);
        Notification kept = escalating(1, "kept", 60);
        store.markRead(1, read.id());
        store.archive(1, archived.id());
        store.delete(1, deleted.id());
        store.snooze(1, snoozed.id(), clock.instant().plus(Duration.ofDays(1)));
        clock.advance(Duration.ofMinutes(5));
        assertThat(store.claimEscalations(100).toSend()).extracting(Escalation::id).containsExactly(kept.id());
        // read after the claim changes nothing: it was escalated
        store.markRead(1, kept.id());
        assertThat(escalation(kept.id())).isEqualTo("sending");
    }

    @Test
    void noEmail_skippedOnce_neverRetried() {
        Notification n = escalating(2, "nobody to mail", 60);
        clock.advance(Duration.ofMinutes(2));
        NotificationStore.ClaimedEscalations first = store.claimEscalations(100);
        assertThat(first.toSend()).isEmpty();
        assertThat(first.skipped()).isEqualTo(1);
        assertThat(escalation(n.id())).isEqualTo("skipped");
        // an address set later does not bring it back
        email(2, "two@example.com");
        NotificationStore.ClaimedEscalations second = store.claimEscalations(100);
        assertThat(second.toSend()).isEmpty();
        assertThat(second.skipped()).isZero();
    }

    @Test
    void collapse_keepsTheGroupsDeadline() {
        email(1, "one@example.com");
        Notification first = send(1, note("first").withGroup("g", 3600).withEscalation(120));
        clock.advance(Duration.ofSeconds(100));
        Notification second = store.send(List.of(1L), note("second").withGroup("g", 3600).withEscalation(120),
                NOBODY_KNOWN).notifications().get(0);
        assertThat(second.id()).isEqualTo(first.id());
        clock.advance(Duration.ofSeconds(20));
        assertThat(store.claimEscalations(100).toSend()).extracting(Escalation::title).containsExactly("second");
    }

    @Test
    void twoStoresOnSeparatePools_claimingAtOnce_eachRowOnce() throws Exception {
        email(1, "one@example.com");
        int rows = dialect == Dialect.H2 ? 50 : 150;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ids.add(escalating(1, "n" + i, 60).id());
        }
        clock.advance(Duration.ofMinutes(2));
        try (Database second = Database.open(testDatabase().config())) {
            NotificationStore[] stores = {store, new NotificationStore(second, clock)};
            List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
            Concurrently.run(4, Duration.ofSeconds(60), i -> {
                for (int k = 0; k < 10; k++) {
                    stores[i % 2].claimEscalations(7).toSend().forEach(e -> claimed.add(e.id()));
                }
            });
            // the batches of 7 may leave some for later runs; none is ever claimed twice
            while (true) {
                List<Escalation> more = store.claimEscalations(100).toSend();
                if (more.isEmpty()) {
                    break;
                }
                more.forEach(e -> claimed.add(e.id()));
            }
            assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void restartBetweenClaimAndSend_theMailIsLost_notSentTwice() {
        email(1, "one@example.com");
        Notification n = escalating(1, "claimed then crashed", 60);
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.claimEscalations(100).toSend()).hasSize(1);
        // the node dies before sending: a new node on the same database never claims it again
        reopen();
        NotificationStore restarted = new NotificationStore(db(), clock);
        clock.advance(Duration.ofHours(1));
        assertThat(restarted.claimEscalations(100).toSend()).isEmpty();
        assertThat(escalation(n.id())).isEqualTo("sending");
    }

    @Test
    void claimedAndNeverFinished_countedAsStuck_onceClaimedLongerAgoThanTheThreshold_readByTheGauge() {
        email(1, "one@example.com");
        Notification crashed = escalating(1, "claimed, then the node died", 60);
        Notification sent = escalating(1, "sent", 60);
        Notification failed = escalating(1, "failed", 60);
        escalating(2, "no address: skipped", 60);
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.claimEscalations(100).toSend()).hasSize(3);
        store.finishEscalation(sent.id(), true);
        store.finishEscalation(failed.id(), false);
        HeraldMetrics metrics = new HeraldMetrics();
        Duration threshold = EscalationJob.stuckAfter(Duration.ofSeconds(10));
        assertThat(threshold).isEqualTo(Duration.ofSeconds(80));
        EscalationJob job = new EscalationJob(store, (to, subject, text, html) -> {
            throw new AssertionError("nothing is due: no mail");
        }, new EscalationMail(Optional.empty()), JobLock.LOCAL, metrics, Duration.ofMillis(1), threshold);
        assertThat(job.refreshStuck()).isZero();
        assertThat(gauge(metrics)).isEqualTo("0.0");
        clock.advance(threshold);
        assertThat(job.refreshStuck()).as("claimed exactly the threshold ago: not yet").isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(job.refreshStuck()).as("only the unfinished one").isEqualTo(1);
        assertThat(gauge(metrics)).isEqualTo("1.0");
        assertThat(store.stuckEscalations(threshold)).isEqualTo(1);
        // finished late (a slow batch, not a crash): no longer stuck
        store.finishEscalation(crashed.id(), true);
        assertThat(job.refreshStuck()).isZero();
        assertThat(gauge(metrics)).isEqualTo("0.0");
    }

    /** The value of herald_escalations_stuck in the metrics' exposition. */
    private static String gauge(HeraldMetrics metrics) {
        for (String line : metrics.scrape().split("\n")) {
            if (line.startsWith("herald_escalations_stuck ")) {
                return line.substring(line.indexOf(' ') + 1);
            }
        }
        throw new AssertionError("no herald_escalations_stuck in the exposition");
    }
}
