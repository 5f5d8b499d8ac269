package dev.herald.inbox;

import dev.herald.broker.JobLock;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.metrics.HeraldMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * E-mail escalation (SPEC §8, docs/inbox.md): every {@link #INTERVAL} one node of the cluster
 * ({@link JobLock}) claims the notifications whose {@code escalate_at} has passed while they stayed
 * unread, not archived, not snoozed and not deleted ({@link NotificationStore#claimEscalations}:
 * {@code escalated_at} recorded first, in one transaction with the {@code notification.escalated}
 * events), then mails each one ({@link EscalationMail}: subject the title, a text and an HTML body
 * with the content and the action links). A failed send is tried {@link #ATTEMPTS} times in all,
 * waiting {@code backoff}, then twice that; then it is recorded as failed and never tried again.
 * Claim before send makes it at most once: a crash between the claim and the send loses that mail
 * rather than sending it twice, and leaves the row {@code sending}; every node counts such rows
 * claimed longer ago than {@code stuckAfter} for the {@code herald_escalations_stuck} gauge at each
 * tick, lock or not.
 */
public final class EscalationJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EscalationJob.class);
    /** How often due escalations are looked for (an email goes out at most this late). */
    static final Duration INTERVAL = Duration.ofSeconds(15);
    /** Tries of one email, the first included. */
    static final int ATTEMPTS = 3;

    private final NotificationStore store;
    private final Mailer mailer;
    private final JobLock lock;
    private final HeraldMetrics metrics;
    private final Duration backoff;
    private final EscalationMail mail;
    private final Duration stuckAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-escalation");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code stuckAfter}: how long after its claim a row still {@code sending} counts as stuck
     * ({@link #stuckAfter(Duration)} of {@code smtp.timeout}).
     */
    public EscalationJob(NotificationStore store, Mailer mailer, EscalationMail mail, JobLock lock, HeraldMetrics metrics,
                         Duration backoff, Duration stuckAfter) {
        this.store = Objects.requireNonNull(store);
        this.mailer = Objects.requireNonNull(mailer);
        this.mail = Objects.requireNonNull(mail);
        this.lock = Objects.requireNonNull(lock);
        this.metrics = Objects.requireNonNull(metrics);
        this.backoff = Objects.requireNonNull(backoff);
        this.stuckAfter = Objects.requireNonNull(stuckAfter);
    }

    /** The stuck threshold for an SMTP timeout of {@code smtpTimeout}: twice it, plus a minute. */
    public static Duration stuckAfter(Duration smtpTimeout) {
        return smtpTimeout.multipliedBy(2).plusMinutes(1);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::scheduled, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduled() {
        try {
            refreshStuck();
        } catch (RuntimeException e) {
            log.warn("escalation job: counting stuck escalations failed: {}", e.toString());
        }
        if (!lock.claim("notifications.escalate", INTERVAL)) {
            return;
        }
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("escalation job failed: {}", e.toString());
        }
    }

    /** Counts the escalations stuck in {@code sending} (all nodes) for the {@code herald_escalations_stuck} gauge. */
    public long refreshStuck() {
        long stuck = store.stuckEscalations(stuckAfter);
        metrics.escalationsStuck(stuck);
        return stuck;
    }

    /**
     * One run, without the cluster lock (the claim alone keeps a row from being mailed twice):
     * claims and mails due escalations batch after batch until none is due. Returns the emails sent.
     */
    public int runOnce() {
        int sent = 0;
        while (true) {
            NotificationStore.ClaimedEscalations claimed = store.claimEscalations(InboxLimits.ESCALATION_BATCH);
            if (claimed.skipped() > 0) {
                metrics.escalationsSkipped(claimed.skipped());
                log.info("escalation skipped count={} (no email preference)", claimed.skipped());
            }
            for (Escalation e : claimed.toSend()) {
                boolean ok = send(e);
                store.finishEscalation(e.id(), ok);
                if (ok) {
                    sent++;
                    metrics.escalationSent();
                } else {
                    metrics.escalationFailed();
                }
            }
            if (claimed.toSend().size() + claimed.skipped() < InboxLimits.ESCALATION_BATCH) {
                return sent;
            }
        }
    }

    private boolean send(Escalation e) {
        Duration wait = backoff;
        for (int attempt = 1; ; attempt++) {
            try {
                mailer.send(e.email(), e.title(), mail.text(e), mail.html(e));
                log.info("escalation sent notification_id={} user_id={}", e.id(), e.userId());
                return true;
            } catch (Exception err) {
                // the message may name the server, never the password
                log.warn("escalation email failed notification_id={} attempt={}/{}: {}", e.id(), attempt, ATTEMPTS,
                        err.toString());
                if (attempt >= ATTEMPTS) {
                    return false;
                }
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                wait = wait.multipliedBy(2);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
