package dev.herald.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Herald's Prometheus metrics. Counters are looked up once per label value and cached, so the hot
 * paths pay an increment, not a registry lookup. Frame types that clients or publishers invent are
 * counted as {@code custom} to keep label cardinality bounded.
 *
 * <p>Every series with a known label value is registered at zero when the node starts (here, or by
 * the code that knows the values: frame handlers, error codes), so dashboards and alerts see it
 * before its first increment.
 */
public final class HeraldMetrics {
    private static final Set<String> KNOWN_TYPES = Set.of("init", "bind_success", "ping", "pong", "heartbeat",
            "subscribe", "unsubscribe", "chat", "broadcast", "sync", "ack", "read", "presence", "refresh", "error",
            "notification", "unread_count", "data_update", "message", "unknown");
    /** Frame types that pushes write (FanOut), plus {@code custom} for publisher-made types. */
    private static final List<String> PUSHED_TYPES = List.of("notification", "unread_count", "data_update",
            "message", "chat", "broadcast", "presence", "custom");
    private static final List<String> PUSH_KINDS = List.of("user", "users", "broadcast", "channel", "data_update",
            "chat", "disconnect", "notification", "pusher_event", "pusher_client_event");
    /** Close reasons as counted (spaces as underscores); {@code client} when the client closed. */
    private static final List<String> DISCONNECT_REASONS = List.of("client", "idle_timeout", "slow_consumer",
            "rate_limit_exceeded", "backlog_not_drained", "too_many_connections", "disconnected_by_server",
            "server_restarting", "bind_timeout", "token_expired", "frame_too_large", "protocol_error",
            "internal_error");
    private static final List<String> REFUSED_REASONS = List.of("connections", "connections_per_ip", "connect_rate",
            "rate_limit", "read_timeout", "http_backlog", "pusher_unknown_app", "pusher_protocol_version");
    /** What the Pusher protocol counts in {@code herald_errors_total} beside Herald's own error codes. */
    private static final List<String> PUSHER_ERRORS = List.of("pusher_auth", "pusher_client_event_rate", "pusher_signature");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> framesIn = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> framesOut = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> pushes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> disconnects = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> refused = new ConcurrentHashMap<>();
    private final Timer publishToWrite;
    private final Timer sqlWait;
    private final Timer sqlRun;
    private final Counter webhooksSent;
    private final Counter webhooksFailed;
    private final Counter webhooksRetried;
    private final Counter escalationsSent;
    private final Counter escalationsFailed;
    private final Counter escalationsSkipped;
    private final Timer webhookDelivery;
    private volatile java.util.function.LongSupplier webhookBacklog = () -> 0;
    private volatile java.util.function.LongSupplier webhookFailedStored = () -> 0;
    private volatile long escalationsStuck;

    public HeraldMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        publishToWrite = Timer.builder("herald_publish_to_write")
                .description("Time from a push entering this node to its frame being written to the last local connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        sqlWait = sqlTimer("herald_sql_wait", "Time a piece of database work waited for a free SQL worker");
        sqlRun = sqlTimer("herald_sql_run", "Time a piece of database work ran on its SQL worker (pool borrow, statements, commit)");
        webhooksSent = Counter.builder("herald_webhooks_sent").description("Webhook requests answered 2xx").register(registry);
        webhooksFailed = Counter.builder("herald_webhooks_failed")
                .description("Webhook events that used up webhooks.max-attempts and were marked failed").register(registry);
        webhooksRetried = Counter.builder("herald_webhooks_retried")
                .description("Webhook attempts after a first failed one").register(registry);
        escalationsSent = Counter.builder("herald_escalations_sent")
                .description("Escalation emails the SMTP server accepted").register(registry);
        escalationsFailed = Counter.builder("herald_escalations_failed")
                .description("Escalation emails given up after every attempt failed").register(registry);
        escalationsSkipped = Counter.builder("herald_escalations_skipped")
                .description("Due escalations not mailed because the recipient has no email preference").register(registry);
        webhookDelivery = Timer.builder("herald_webhook_delivery")
                .description("Time of one successful webhook request, from sending to the receiver's 2xx")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("herald_webhooks_backlog", () -> webhookBacklog.getAsLong())
                .description("Webhook events stored and not yet delivered nor failed (all nodes; refreshed every 5 s)")
                .register(registry);
        Gauge.builder("herald_escalations_stuck", () -> escalationsStuck)
                .description("Escalations claimed longer ago than 2 x smtp.timeout + 1 min and still sending: a node died"
                        + " between claim and send (those mails are lost), or is slow through a long batch (all nodes;"
                        + " refreshed every 15 s)")
                .register(registry);
        Gauge.builder("herald_webhooks_failed_stored", () -> webhookFailedStored.getAsLong())
                .description("Webhook events marked failed and kept in the outbox for inspection (all nodes)")
                .register(registry);
        counter(framesIn, "herald_frames_in", "type", "unknown");
        PUSHED_TYPES.forEach(t -> counter(framesOut, "herald_frames_out", "type", t));
        PUSH_KINDS.forEach(k -> counter(pushes, "herald_pushes", "kind", k));
        DISCONNECT_REASONS.forEach(r -> counter(disconnects, "herald_disconnects", "reason", r));
        REFUSED_REASONS.forEach(r -> counter(refused, "herald_refused", "reason", r));
        PUSHER_ERRORS.forEach(c -> counter(errors, "herald_errors", "code", c));
    }

    /** A client frame type that has a handler: its {@code herald_frames_in_total} series starts at zero. */
    public void knownFrameIn(String type) {
        counter(framesIn, "herald_frames_in", "type", bounded(type));
    }

    /** The error codes the node can send: their {@code herald_errors_total} series start at zero. */
    public void knownErrorCodes(Collection<String> codes) {
        codes.forEach(code -> counter(errors, "herald_errors", "code", code));
    }

    private Timer sqlTimer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(20_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** The I/O transport the node's port runs on: {@code herald_transport{transport="io_uring"} 1} (Micrometer drops an {@code _info} suffix). */
    public void transport(String name) {
        Gauge.builder("herald_transport", () -> 1).tag("transport", name)
                .description("1, labelled with the I/O transport the port runs on (server.transport): io_uring, epoll or nio")
                .register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void frameIn(String type) {
        counter(framesIn, "herald_frames_in", "type", bounded(type)).increment();
    }

    public void framesOut(String type, int count) {
        counter(framesOut, "herald_frames_out", "type", bounded(type)).increment(count);
    }

    /** One push accepted from the API or a client, by kind (user, users, broadcast, channel, chat…). */
    public void push(String kind) {
        counter(pushes, "herald_pushes", "kind", kind).increment();
    }

    public void error(String code) {
        counter(errors, "herald_errors", "code", code).increment();
    }

    public void disconnect(String reason) {
        counter(disconnects, "herald_disconnects", "reason", reason).increment();
    }

    /**
     * A connection, upgrade or request turned away (or cut) by a limit: connections, connections_per_ip,
     * connect_rate, rate_limit, read_timeout, http_backlog. Reasons are fixed strings, never client input.
     */
    public void refused(String reason) {
        counter(refused, "herald_refused", "reason", reason).increment();
    }

    public void publishToWrite(long nanos) {
        publishToWrite.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One piece of SQL work: how long it waited for a worker, then how long it ran. */
    public void sql(long waitNanos, long runNanos) {
        sqlWait.record(waitNanos, TimeUnit.NANOSECONDS);
        sqlRun.record(runNanos, TimeUnit.NANOSECONDS);
    }

    /** A webhook request answered 2xx after {@code nanos}. */
    /** One escalation email accepted by the SMTP server. */
    public void escalationSent() {
        escalationsSent.increment();
    }

    /** One escalation email given up. */
    public void escalationFailed() {
        escalationsFailed.increment();
    }

    /** Due escalations whose recipients have no email address. */
    public void escalationsSkipped(int count) {
        escalationsSkipped.increment(count);
    }

    /** What the stuck-escalations gauge reads (the count of the escalation job's last look). */
    public void escalationsStuck(long count) {
        escalationsStuck = count;
    }

    public void webhookSent(long nanos) {
        webhooksSent.increment();
        webhookDelivery.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A webhook event marked failed (its attempts used up). */
    public void webhookFailed() {
        webhooksFailed.increment();
    }

    /** A webhook attempt after a failed one. */
    public void webhookRetried() {
        webhooksRetried.increment();
    }

    /** Where the webhook gauges read the outbox's pending and failed counts. */
    public void webhookCounts(java.util.function.LongSupplier backlog, java.util.function.LongSupplier failedStored) {
        this.webhookBacklog = backlog;
        this.webhookFailedStored = failedStored;
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private static String bounded(String type) {
        return KNOWN_TYPES.contains(type) ? type : "custom";
    }

    private Counter counter(ConcurrentHashMap<String, Counter> cache, String name, String tag, String value) {
        Counter c = cache.get(value);
        if (c == null) {
            c = cache.computeIfAbsent(value, v -> Counter.builder(name).tag(tag, v).register(registry));
        }
        return c;
    }
}
