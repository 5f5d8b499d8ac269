package dev.herald.inbox;

import com.fasterxml.jackson.databind.JsonNode;
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
 * events), then mails each one: subject the title, body the content and the action links. A
 * failed send is tried {@link #ATTEMPTS} times in all, waiting {@code backoff}, then twice that;
 * then it is recorded as failed and never tried again. Claim before send makes it at most once:
 * a crash between the claim and the send loses that mail rather than sending it twice.
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
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-escalation");
        t.setDaemon(true);
        return t;
    });

    public EscalationJob(NotificationStore store, Mailer mailer, JobLock lock, HeraldMetrics metrics, Duration backoff) {
        this.store = Objects.requireNonNull(store);
        this.mailer = Objects.requireNonNull(mailer);
        this.lock = Objects.requireNonNull(lock);
        this.metrics = Objects.requireNonNull(metrics);
        this.backoff = Objects.requireNonNull(backoff);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::scheduled, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduled() {
        if (!lock.claim("notifications.escalate", INTERVAL)) {
            return;
        }
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("escalation job failed: {}", e.toString());
        }
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
                mailer.send(e.email(), e.title(), body(e));
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

    /** The email's text: the content, then the action links (the actions' URLs and the action data). */
    static String body(Escalation e) {
        StringBuilder b = new StringBuilder(e.content());
        StringBuilder links = new StringBuilder();
        if (e.actions() != null && e.actions().isArray()) {
            for (JsonNode a : e.actions()) {
                JsonNode url = a.get("url");
                if (url != null && url.isTextual() && !url.asText().isEmpty()) {
                    JsonNode label = a.get("label");
                    links.append(label != null && label.isTextual() ? label.asText() + ": " : "")
                            .append(url.asText()).append('\n');
                }
            }
        }
        if (e.actionData() != null && e.actionData().matches("(?i)https?://\\S+")) {
            links.append(e.actionData()).append('\n');
        }
        if (!links.isEmpty()) {
            b.append(b.isEmpty() ? "" : "\n\n").append(links);
        }
        return b.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
