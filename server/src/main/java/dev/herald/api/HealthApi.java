package dev.herald.api;

import dev.herald.api.Router.Access;
import dev.herald.broker.Broker;
import dev.herald.metrics.HeraldMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * {@code GET /health} (JSON: status up, degraded or stopping, with each dependency's state) and
 * {@code GET /metrics} (Prometheus text; behind an API key or admin token unless
 * {@code metrics.access=public}). Health is 200 while the node serves its connections, even
 * degraded (e.g. Redis down: local delivery still works); 503 once it is shutting down.
 *
 * <p>For Kubernetes probes: {@code GET /health/live} is 200 while the process serves HTTP at all
 * (restart it only when this fails); {@code GET /health/ready} is 200 only while every dependency
 * answers (the database and, in cluster mode, Redis) and the node is not shutting down, else 503
 * naming what is not ready (take it out of the load balancer, do not restart it).
 */
public final class HealthApi {
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeStats node;
    private final Broker broker;
    private final HeraldMetrics metrics;
    private final long startedAt = System.currentTimeMillis();
    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile String demoWarning;

    /**
     * What the health report says about this node: its id, its open WebSocket connections and the
     * users they belong to (read at each request).
     */
    public record NodeStats(String nodeId, IntSupplier connections, IntSupplier users) {
        public NodeStats {
            Objects.requireNonNull(nodeId);
            Objects.requireNonNull(connections);
            Objects.requireNonNull(users);
        }
    }

    public HealthApi(NodeStats node, Broker broker, HeraldMetrics metrics) {
        this.node = Objects.requireNonNull(node);
        this.broker = Objects.requireNonNull(broker);
        this.metrics = Objects.requireNonNull(metrics);
        checks.put("broker", broker::healthy);
        metrics.gauge("herald_broker_up", "1 when the broker reaches the other nodes", () -> broker.healthy() ? 1 : 0);
    }

    /** Adds a dependency to the health report (e.g. the database). */
    public void check(String name, BooleanSupplier up) {
        checks.put(name, up);
    }

    /** Demo mode is on: the report says so ({@code demo: true}) with this warning. */
    public void demoMode(String warning) {
        demoWarning = Objects.requireNonNull(warning);
    }

    public void stopping() {
        stopping = true;
    }

    /**
     * @param publicMetrics {@code metrics.access=public}: anyone may read {@code /metrics}; otherwise it
     *                      takes an API key or an admin token, like the server API
     */
    public void register(Router r, boolean publicMetrics) {
        r.get("/health", Access.PUBLIC, this::health);
        r.get("/health/live", Access.PUBLIC, this::live);
        r.get("/health/ready", Access.PUBLIC, this::ready);
        r.get("/metrics", publicMetrics ? Access.PUBLIC : Access.ADMIN, this::metrics);
    }

    /** Each check's state, "up" or "down" (a check that throws is down). */
    private Map<String, Object> runChecks() {
        Map<String, Object> deps = new LinkedHashMap<>();
        for (var e : checks.entrySet()) {
            boolean up;
            try {
                up = e.getValue().getAsBoolean();
            } catch (RuntimeException ex) {
                up = false;
            }
            deps.put(e.getKey(), up ? "up" : "down");
        }
        return deps;
    }

    private CompletionStage<Reply> live(Request req) {
        return CompletableFuture.completedFuture(Reply.envelope(200, "live", Map.of("status", "live")));
    }

    private CompletionStage<Reply> ready(Request req) {
        List<String> notReady = new ArrayList<>();
        if (stopping) {
            notReady.add("stopping");
        }
        runChecks().forEach((name, state) -> {
            if (!"up".equals(state)) {
                notReady.add(name);
            }
        });
        if (notReady.isEmpty()) {
            return CompletableFuture.completedFuture(Reply.envelope(200, "ready", Map.of("status", "ready")));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "not_ready");
        data.put("not_ready", notReady);
        return CompletableFuture.completedFuture(
                Reply.envelope(503, "not ready: " + String.join(", ", notReady), data));
    }

    private CompletionStage<Reply> health(Request req) {
        Map<String, Object> deps = runChecks();
        boolean allUp = !deps.containsValue("down");
        String status = stopping ? "stopping" : allUp ? "up" : "degraded";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("node_id", node.nodeId());
        data.put("uptime_seconds", (System.currentTimeMillis() - startedAt) / 1000);
        data.put("connections", node.connections().getAsInt());
        data.put("users", node.users().getAsInt());
        data.put("checks", deps);
        data.put("demo", demoWarning != null);
        if (demoWarning != null) {
            data.put("warning", demoWarning);
        }
        int code = stopping ? 503 : 200;
        return CompletableFuture.completedFuture(Reply.envelope(code, status, data));
    }

    private CompletionStage<Reply> metrics(Request req) {
        return CompletableFuture.completedFuture(
                new Reply(200, PROMETHEUS, metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    }
}
