package dev.herald.webhooks;

import dev.herald.metrics.HeraldMetrics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox: one thread of its own (never a Netty loop of the server) POSTs rows with a
 * {@link WebhookClient} (a Netty event loop of its own, keep-alive connections) up to the in-flight
 * places, and records the outcomes in batches.
 *
 * <p>Rows come two ways. Events this node's transactions store are <b>handed off</b>: born leased
 * to this node ({@link #reserve}, {@link Outbox#insert(java.sql.Connection, String, List, String, long)}),
 * they join an in-memory queue when their transaction commits ({@link #handOff}) and go out as soon
 * as a place is free, with no claim — the database sees one insert and one finish per event. At
 * most {@link #HAND_OFF_MAX} wait so; more are stored for claiming. A handed-off row whose lease
 * is about to run out is dropped from memory instead of sent: it is due to every node then (a node
 * that stopped leaves its rows for the others, after the lease or at once on a clean stop).
 * Everything else — events stored past that bound, by another node's failed attempt, retries —
 * is <b>claimed</b> from the table: due rows up to the free places, when there is reason to think
 * some are due (a wake, a claim that came back full, every poll interval). Round trips are batched
 * both ways: a claim waits until a quarter of the in-flight places are free (or all), so it takes
 * many rows at once, and claims that did not fill up are at least {@link #CLAIM_SPACING_MS} apart;
 * outcomes are written together, every {@link #FINISH_EVERY_MS} or {@link #FINISH_AT} outcomes.
 * Backoff after the n-th failed attempt:
 * {@code min(retryInitial × 2^(n-1), retryMax)}. A database that is down stops claiming and keeps
 * outcomes in memory until it is back; a row whose outcome is lost goes out again when its lease
 * ends (at least once).
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int BATCH = 200;
    /** Handed-off rows waiting in memory at most (reserved ones included); ~1 KB each. */
    static final int HAND_OFF_MAX = 4_000;
    /** Outcomes are written when this many wait, or {@link #FINISH_EVERY_MS} after the last write. */
    static final int FINISH_AT = 100;
    static final long FINISH_EVERY_MS = 100;
    private static final long HOUSEKEEPING_MS = 5_000;
    /** Least time between two claims that did not fill up (a stream of single events, woken by each). */
    static final long CLAIM_SPACING_MS = 10;

    private final Outbox outbox;
    private final String owner;
    private final URI url;
    private final byte[] secret;
    private final java.util.Map<String, PusherTarget> pusherTargets;
    private final int maxAttempts;
    private final long retryInitialMs;
    private final long retryMaxMs;
    private final long retentionMs;
    private final Duration timeout;
    private final long pollMs;
    private final long leaseMs;
    private final Clock clock;
    private final HeraldMetrics metrics;
    private final Semaphore inFlight;
    private final int maxInFlight;
    /** Free in-flight places worth a claim while others are still under way. */
    private final int claimAt;
    private final java.util.concurrent.atomic.AtomicLong claims = new java.util.concurrent.atomic.AtomicLong();
    private long lastClaim = System.nanoTime() - 1_000_000_000L;
    private final WebhookClient http;
    private final ConcurrentLinkedQueue<Outbox.Result> results = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger resultCount = new java.util.concurrent.atomic.AtomicInteger();
    private long lastFinish = System.nanoTime();

    /** A row handed off by its transaction, and when its lease ends. */
    private record HandedOff(Outbox.Row row, long leaseUntil) {}

    private final ConcurrentLinkedQueue<HandedOff> handedOff = new ConcurrentLinkedQueue<>();
    /** Places of {@link #HAND_OFF_MAX} taken: reserved by open transactions, or queued. */
    private final java.util.concurrent.atomic.AtomicInteger handOffPlaces = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether the table may hold rows due to this node: set by {@link #wake}, a full claim, each poll interval. */
    private volatile boolean claimDue = true;
    private long lastPoll = System.nanoTime();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean woken;
    private volatile boolean running = true;
    private volatile long backlog;
    private volatile long failedRows;
    private final Thread thread;
    private long nextHousekeeping;
    private long lastWarning = System.nanoTime() - 120_000_000_000L;

    /** A Pusher app's receiver: its webhook url, the app key and the secret that signs. */
    record PusherTarget(URI url, String key, byte[] secret) {}

    Dispatcher(Outbox outbox, String owner, URI url, byte[] secret, int maxAttempts, Duration retryInitial,
               Duration retryMax, Duration retention, int maxInFlight, Duration timeout, Duration poll, Clock clock,
               HeraldMetrics metrics) {
        this(outbox, owner, url, secret, java.util.Map.of(), maxAttempts, retryInitial, retryMax, retention, maxInFlight,
                timeout, poll, clock, metrics);
    }

    /**
     * {@code url}/{@code secret}: Herald's receiver (format 0 rows), or null when {@code webhooks.url}
     * is not set; {@code pusherTargets}: the Pusher apps' receivers by app id (format 1 rows).
     */
    Dispatcher(Outbox outbox, String owner, URI url, byte[] secret, java.util.Map<String, PusherTarget> pusherTargets,
               int maxAttempts, Duration retryInitial, Duration retryMax, Duration retention, int maxInFlight,
               Duration timeout, Duration poll, Clock clock, HeraldMetrics metrics) {
        this.outbox = outbox;
        this.owner = owner;
        this.url = url;
        this.secret = secret == null ? new byte[0] : secret.clone();
        this.pusherTargets = java.util.Map.copyOf(pusherTargets);
        this.maxAttempts = maxAttempts;
        this.retryInitialMs = retryInitial.toMillis();
        this.retryMaxMs = retryMax.toMillis();
        this.retentionMs = retention.toMillis();
        this.timeout = timeout;
        this.pollMs = poll.toMillis();
        this.leaseMs = timeout.toMillis() * 2 + 30_000;
        this.clock = clock;
        this.metrics = metrics;
        this.inFlight = new Semaphore(maxInFlight);
        this.maxInFlight = maxInFlight;
        this.claimAt = Math.max(1, Math.min(maxInFlight, BATCH) / 4);
        this.http = new WebhookClient(timeout);
        this.thread = new Thread(this::run, "herald-webhooks");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Look for due rows in the table now rather than at the next poll (an event was just stored for claiming). */
    void wake() {
        claimDue = true;
        nudge();
    }

    /** Run the loop now: a handed-off row is waiting, or places came free. */
    private void nudge() {
        lock.lock();
        try {
            woken = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** This node's name on the leases it holds. */
    String owner() {
        return owner;
    }

    /** When the lease of a row stored now for hand-off ends. */
    long leaseUntil() {
        return clock.millis() + leaseMs;
    }

    /**
     * Reserves {@code n} places for rows a transaction is about to store leased to this node;
     * false when the hand-off queue is full (store them for claiming). Every reservation is ended
     * by one {@link #handOff} of its rows (the transaction committed) or one {@link #unreserve}.
     */
    boolean reserve(int n) {
        if (handOffPlaces.addAndGet(n) > HAND_OFF_MAX || !running) {
            handOffPlaces.addAndGet(-n);
            return false;
        }
        return true;
    }

    /** Gives back {@code n} reserved places: their rows were never stored (the transaction rolled back). */
    void unreserve(int n) {
        handOffPlaces.addAndGet(-n);
    }

    /** The transaction that reserved places for {@code rows} committed: they are queued to be sent (leased until {@code leaseUntil}). */
    void handOff(List<Outbox.Row> rows, long leaseUntil) {
        for (Outbox.Row row : rows) {
            handedOff.add(new HandedOff(row, leaseUntil));
        }
        nudge();
    }

    long backlog() {
        return backlog;
    }

    long failedRows() {
        return failedRows;
    }

    /** The wait after the {@code attempts}-th failed attempt. */
    long backoffMillis(int attempts) {
        return backoffMillis(attempts, retryInitialMs, retryMaxMs);
    }

    /** {@code min(initial × 2^(attempts-1), max)}, without overflow. */
    static long backoffMillis(int attempts, long initialMs, long maxMs) {
        int shift = Math.min(Math.max(attempts - 1, 0), 40);
        long d = initialMs << shift;
        return d <= 0 || d > maxMs || (d >> shift) != initialMs ? maxMs : d;
    }

    private void run() {
        while (running) {
            boolean more = false;
            try {
                if (resultCount.get() >= FINISH_AT
                        || System.nanoTime() - lastFinish >= TimeUnit.MILLISECONDS.toNanos(FINISH_EVERY_MS)) {
                    finishResults();
                }
                housekeeping();
                sendHandedOff();
                if (System.nanoTime() - lastPoll >= TimeUnit.MILLISECONDS.toNanos(pollMs)) {
                    lastPoll = System.nanoTime();
                    claimDue = true; // retries fall due, other nodes' leases run out: look now and then
                }
                int available = inFlight.availablePermits();
                int free = Math.min(available, BATCH);
                // with requests under way, wait for a quarter of the places: one claim for many rows
                if (claimDue && (free >= claimAt || (free > 0 && available == maxInFlight))) {
                    claimDue = false;
                    lastClaim = System.nanoTime();
                    List<Outbox.Row> rows = outbox.claim(owner, free, leaseMs);
                    if (!rows.isEmpty()) {
                        claims.incrementAndGet();
                    }
                    for (Outbox.Row row : rows) {
                        inFlight.acquireUninterruptibly();
                        send(row);
                    }
                    more = rows.size() == free;
                    claimDue |= more;
                }
            } catch (RuntimeException e) {
                claimDue = true;
                // the database is down, most likely: say so once a minute, not every poll
                long now = System.nanoTime();
                if (now - lastWarning > 60_000_000_000L) {
                    lastWarning = now;
                    log.warn("webhook dispatch paused (retrying every {} ms): {}", pollMs, e.getMessage());
                }
            }
            if (!more) {
                // outcomes waiting are written within FINISH_EVERY_MS, even when nothing else happens
                await(resultCount.get() > 0 ? Math.min(pollMs, FINISH_EVERY_MS) : pollMs);
                pace();
            }
        }
    }

    /**
     * Sends handed-off rows while places are free. A row whose lease would end before its attempt
     * could finish is dropped from memory: it is due to every node's claim by then, this one's too.
     */
    private void sendHandedOff() {
        long margin = timeout.toMillis() + 1_000;
        for (HandedOff h; !handedOff.isEmpty() && inFlight.tryAcquire(); ) {
            h = handedOff.poll();
            if (h == null) {
                inFlight.release();
                break;
            }
            handOffPlaces.decrementAndGet();
            if (h.leaseUntil() - clock.millis() < margin) {
                inFlight.release();
                claimDue = true;
                continue;
            }
            send(h.row());
        }
    }

    /** Keeps claims that did not fill up {@link #CLAIM_SPACING_MS} apart: what is stored meanwhile goes in the next one. */
    private void pace() {
        long left = lastClaim + TimeUnit.MILLISECONDS.toNanos(CLAIM_SPACING_MS) - System.nanoTime();
        if (left > 0 && running) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Claims that took at least one row, since the start. */
    long claims() {
        return claims.get();
    }

    private void await(long millis) {
        lock.lock();
        try {
            // a handed-off row waiting for a place that is free: no wait (with no place free, a finished request nudges)
            if (!woken && running && (handedOff.isEmpty() || inFlight.availablePermits() == 0)) {
                wake.await(millis, TimeUnit.MILLISECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Where a row goes and with which headers, signed as its format says. */
    private record Request(URI url, Map<String, String> headers, byte[] body) {}

    /** The request for a row; null when its receiver is not configured (any more). */
    private Request request(Outbox.Row row) {
        byte[] body = row.body().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Herald-Webhooks");
        if (row.format() == Outbox.PUSHER) {
            PusherTarget target = pusherTargets.get(row.target());
            if (target == null) {
                return null;
            }
            headers.put(PusherWebhookSignature.KEY_HEADER, target.key());
            headers.put(PusherWebhookSignature.HEADER, PusherWebhookSignature.hex(target.secret(), body));
            return new Request(target.url(), headers, body);
        }
        if (url == null) {
            return null;
        }
        long t = clock.millis() / 1000;
        headers.put(Signature.HEADER, Signature.header(secret, t, body));
        headers.put("Herald-Event-Id", row.eventId());
        headers.put("Herald-Event-Type", row.type());
        return new Request(url, headers, body);
    }

    private void send(Outbox.Row row) {
        Request request = request(row);
        if (request == null) {
            addResult(new Outbox.Result(row, false, "no receiver configured for "
                    + (row.format() == Outbox.PUSHER ? "Pusher app " + row.target() : "webhooks.url"), clock.millis()));
            inFlight.release();
            return;
        }
        long started = System.nanoTime();
        if (row.attempts() > 0) {
            metrics.webhookRetried();
        }
        http.post(request.url(), request.headers(), request.body()).whenComplete((status, err) -> {
            boolean ok = err == null && status / 100 == 2;
            String error = err != null ? err.getClass().getSimpleName() + ": " + err.getMessage()
                    : ok ? null : "HTTP " + status;
            if (ok) {
                metrics.webhookSent(System.nanoTime() - started);
            }
            addResult(new Outbox.Result(row, ok, error, clock.millis()));
            inFlight.release();
            // not for every request: when a handed-off row waits for the place, or enough are free for a claim
            if (!handedOff.isEmpty() || (claimDue && inFlight.availablePermits() >= claimAt)) {
                nudge();
            }
        });
    }

    private void addResult(Outbox.Result r) {
        results.add(r);
        resultCount.incrementAndGet();
    }

    private void finishResults() {
        lastFinish = System.nanoTime();
        if (results.isEmpty()) {
            return;
        }
        List<Outbox.Result> batch = new ArrayList<>();
        for (Outbox.Result r; batch.size() < 1000 && (r = results.poll()) != null; ) {
            batch.add(r);
        }
        resultCount.addAndGet(-batch.size());
        try {
            int failed = outbox.finish(owner, batch, maxAttempts, this::backoffMillis);
            for (int i = 0; i < failed; i++) {
                metrics.webhookFailed();
            }
            if (failed > 0) {
                refreshCounts();
                log.warn("webhooks: {} events failed for good after {} attempts (kept in webhook_outbox, state 2)",
                        failed, maxAttempts);
            }
            for (Outbox.Result r : batch) {
                if (!r.ok()) {
                    log.debug("webhook {} attempt {} failed: {}", r.row().eventId(), r.row().attempts() + 1, r.error());
                }
            }
        } catch (RuntimeException e) {
            batch.forEach(this::addResult); // the database is down: keep the outcomes, try again next round
            throw e;
        }
    }

    private void housekeeping() {
        long now = clock.millis();
        if (now < nextHousekeeping) {
            return;
        }
        nextHousekeeping = now + HOUSEKEEPING_MS;
        int purged = outbox.purgeDelivered(now - retentionMs);
        if (purged > 0) {
            log.info("webhooks: {} delivered events older than the retention deleted", purged);
        }
        refreshCounts();
    }

    void refreshCounts() {
        long[] counts = outbox.counts();
        backlog = counts[Outbox.PENDING];
        failedRows = counts[Outbox.FAILED];
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // outcomes of attempts still under way are lost: their rows go out again after the lease
        try {
            finishResults();
        } catch (RuntimeException e) {
            log.debug("webhook outcomes not recorded on close: {}", e.getMessage());
        }
        http.close();
        try {
            outbox.release(owner);
        } catch (RuntimeException e) {
            log.debug("webhook leases not released on close (they expire): {}", e.getMessage());
        }
    }
}
