package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What every fault run shares: its own PostgreSQL and its own Redis (so killing or restarting
 * them disturbs nothing else on the machine), Herald nodes as separate JVMs from the real jar, the
 * herald.js-like clients' policy, and the result file plus a Markdown table row.
 */
abstract class ChaosRun implements Callable<Integer> {
    @Option(names = "--server-jar", description = "Herald's jar (default ${DEFAULT-VALUE})")
    Path serverJar = Path.of("server/target/herald.jar");

    @Option(names = "--server-opts", description = "JVM options for each Herald node")
    String serverOpts = "";

    @Option(names = "--server-env", description = "extra environment for every node, KEY=VALUE (repeatable)")
    Map<String, String> serverEnv = new LinkedHashMap<>();

    @Option(names = "--nodes", description = "Herald nodes (default ${DEFAULT-VALUE})")
    int nodeCount = 3;

    @Option(names = "--pg-bin", description = "PostgreSQL server binaries for the run's own database (default ${DEFAULT-VALUE})")
    Path pgBin = Path.of("/usr/lib/postgresql/15/bin");

    @Option(names = "--redis-server", description = "redis-server binary for the run's own Redis (default ${DEFAULT-VALUE})")
    String redisServer = "redis-server";

    @Option(names = "--presence-ttl", description = "HERALD_REDIS_PRESENCE_TTL of the nodes (default ${DEFAULT-VALUE})")
    String presenceTtl = "30s";

    @Option(names = "--client-threads", description = "event loop threads of the clients (default ${DEFAULT-VALUE})")
    int clientThreads = 2;

    @Option(names = "--backoff-base-ms", description = "clients' first reconnect delay, herald.js default ${DEFAULT-VALUE}")
    long backoffBaseMs = 1000;

    @Option(names = "--backoff-max-ms", description = "clients' reconnect delay cap (default ${DEFAULT-VALUE})")
    long backoffMaxMs = 30_000;

    @Option(names = "--jitter", description = "random share of each reconnect delay (default ${DEFAULT-VALUE})")
    double jitter = 0.5;

    @Option(names = "--heartbeat-ms", description = "clients' JSON ping interval (default ${DEFAULT-VALUE})")
    long heartbeatMs = 25_000;

    @Option(names = "--connect-in-flight", description = "handshakes in flight while the clients first connect (default ${DEFAULT-VALUE})")
    int connectInFlight = 100;

    @Option(names = "--results-dir", description = "where JSON results go (default ${DEFAULT-VALUE})")
    Path resultsDir = Path.of("bench/results");

    @Option(names = "--tag", description = "appended to the run's name in results (e.g. trial)")
    String tag;

    @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})")
    long seed = 7;

    String apiKey = "chaos-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    final String prefix = "chaos-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3)) + ":";
    /** The zero of the times a run prints and records: set when its load starts. */
    volatile long t0 = System.nanoTime();
    OwnPostgres pg;
    OwnRedis redis;
    final List<ServerUnderTest> nodes = new ArrayList<>();
    final List<String> nodeIds = new ArrayList<>();

    abstract String name();

    /** Runs the scenario against the started environment; returns the result with a {@code summary}. */
    abstract Map<String, Object> run() throws Exception;

    /** The nodes' {@code HERALD_DB_URL}: the run's PostgreSQL (db-cut puts its forwarder in between). */
    String dbUrl() {
        return pg.jdbcUrl();
    }

    String fullName() {
        return "chaos-" + name() + (tag == null || tag.isEmpty() ? "" : "-" + tag);
    }

    Path log(String what) {
        return resultsDir.resolve("logs").resolve(fullName() + "-" + what + "-" + stamp + ".log");
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", fullName());
        result.put("label", "herald");
        result.put("time", stamp);
        result.put("machine", Machine.describe());
        Thread cleanup = new Thread(this::tearDown, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            System.out.printf("%s: own PostgreSQL, own Redis, %d Herald nodes%n", fullName(), nodeCount);
            pg = OwnPostgres.start(pgBin, "herald");
            redis = OwnRedis.start(redisServer, log("redis"));
            System.out.printf("  PostgreSQL on %d, Redis on %d%n", pg.port(), redis.port());
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(launchNode(i));
            }
            result.put("environment", Map.of("postgres_port", pg.port(), "redis_port", redis.port(),
                    "nodes", nodes.stream().map(n -> n.port()).toList(), "node_ids", nodeIds,
                    "presence_ttl", presenceTtl, "server_opts", serverOpts));
            result.putAll(run());
        } finally {
            tearDown();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        result.put("load_avg_at_end", Machine.loadAvg());
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) result.getOrDefault("summary", Map.of());
        StringBuilder line = new StringBuilder(fullName());
        summary.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.println();
        System.out.println(markdown(summary));
        Scenario.writeResult(resultsDir, fullName(), "herald", stamp, result);
        return 0;
    }

    ServerUnderTest launchNode(int i) throws Exception {
        String id = "chaos-" + (char) ('a' + i);
        if (nodeIds.size() <= i) {
            nodeIds.add(id);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HERALD_DB_URL", dbUrl());
        env.put("HERALD_DB_USER", "postgres");
        env.put("HERALD_REDIS_URL", redis.url());
        env.put("HERALD_REDIS_KEY_PREFIX", prefix);
        env.put("HERALD_NODE_ID", id);
        env.put("HERALD_REDIS_PRESENCE_TTL", presenceTtl);
        env.putAll(serverEnv);
        return ServerUnderTest.launch(ServerUnderTest.Kind.HERALD, "127.0.0.1", 0, serverJar, Path.of("."),
                ServerUnderTest.split(serverOpts), env, secret, apiKey, log("node-" + id), 300_000);
    }

    private synchronized void tearDown() {
        nodes.forEach(ServerUnderTest::close);
        if (redis != null) {
            redis.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    ChaosClients.Policy policy() {
        ChaosClients.Policy p = new ChaosClients.Policy();
        p.baseMs = backoffBaseMs;
        p.maxMs = backoffMaxMs;
        p.jitter = jitter;
        p.heartbeatMs = heartbeatMs;
        return p;
    }

    List<String> nodeAddresses() {
        return nodes.stream().map(n -> n.host() + ":" + n.port()).toList();
    }

    /** Seconds since the load started. */
    double at(long nanos) {
        return Scenario.round((nanos - t0) / 1e9, 2);
    }

    static double seconds(long nanos) {
        return Scenario.round(nanos / 1e9, 2);
    }

    /** Status and parsed body of one call, with the API key; status -1 when no answer came. */
    record Answer(int status, JsonNode body) {}

    Answer http(ServerUnderTest node, String method, String path, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + node.host() + ":" + node.port() + path).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10_000);
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", "Bearer " + apiKey);
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            JsonNode b = in == null ? null : Worker.JSON.readTree(in);
            return new Answer(status, b);
        } catch (IOException e) {
            return new Answer(-1, null);
        }
    }

    /** The summary as a Markdown table, one figure a row (a full-size run adds a column). */
    String markdown(Map<String, Object> summary) {
        StringBuilder sb = new StringBuilder("| figure | " + fullName() + " (" + stamp + ") |\n|---|---|\n");
        summary.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(String.valueOf(v).replace("|", "/")).append(" |\n"));
        return sb.toString();
    }

    /** The {@code chaos} command: one subcommand per fault. */
    @Command(name = "chaos", mixinStandardHelpOptions = true,
            description = "Fault runs: real load through real Herald nodes (own PostgreSQL and Redis) while a fault is "
                    + "injected; counts what was acknowledged, stored, delivered, lost and duplicated. See RELIABILITY.md.",
            subcommands = {InboxChaos.NodeKill.class, InboxChaos.DbRestart.class, InboxChaos.DbCut.class,
                    ChannelChaos.class, FuzzChaos.class, FuzzChaos.Load.class})
    static final class Chaos implements Callable<Integer> {
        @Override
        public Integer call() {
            new picocli.CommandLine(this).usage(System.out);
            return 0;
        }
    }
}
