package dev.herald.inbox;

import dev.herald.broker.JobLock;
import dev.herald.config.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's periodic jobs (seed 000's crontab): re-push unacked notifications every
 * {@code notifications.retry-interval} (5 min), wake snoozed ones every {@link #WAKE_INTERVAL}
 * and remove old read ones daily. With several nodes a
 * {@link JobLock} lets one node per period run each job.
 */
public final class InboxJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboxJobs.class);
    private static final Duration DAY = Duration.ofDays(1);
    /** How often snoozed notifications are checked for waking (a snooze ends at most this late). */
    static final Duration WAKE_INTERVAL = Duration.ofSeconds(15);

    private final InboxService service;
    private final Settings.Notifications settings;
    private final JobLock lock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-jobs");
        t.setDaemon(true);
        return t;
    });

    public InboxJobs(InboxService service, Settings.Notifications settings, JobLock lock) {
        this.service = Objects.requireNonNull(service);
        this.settings = Objects.requireNonNull(settings);
        this.lock = Objects.requireNonNull(lock);
    }

    public void start() {
        long retry = settings.retryInterval().toMillis();
        timer.scheduleAtFixedRate(this::retry, retry, retry, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::wake, WAKE_INTERVAL.toMillis(), WAKE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::cleanup, Duration.ofMinutes(1).toMillis(), DAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void retry() {
        if (!lock.claim("notifications.retry", settings.retryInterval())) {
            return;
        }
        service.retryUnsent(settings.retryBatch()).whenComplete((n, err) -> {
            if (err != null) {
                log.warn("retry job failed: {}", err.toString());
            } else if (n > 0) {
                log.info("retry job re-pushed count={}", n);
            }
        });
    }

    /** Wakes due snoozed notifications; one node per period (the claim), and each row is claimed once anyway. */
    void wake() {
        if (!lock.claim("notifications.wake", WAKE_INTERVAL)) {
            return;
        }
        service.wakeSnoozed(InboxLimits.WAKE_BATCH).whenComplete((n, err) -> {
            if (err != null) {
                log.warn("wake job failed: {}", err.toString());
            } else if (n > 0) {
                log.info("wake job showed snoozed count={}", n);
            }
        });
    }

    void cleanup() {
        if (!lock.claim("notifications.cleanup", DAY)) {
            return;
        }
        service.cleanup(settings.retentionDays()).whenComplete((n, err) -> {
            if (err != null) {
                log.warn("cleanup job failed: {}", err.toString());
            } else {
                log.info("cleanup job removed count={} older_than_days={}", n, settings.retentionDays());
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
