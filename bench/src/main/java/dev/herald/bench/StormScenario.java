package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reconnect storm (issue 14): {@code --n} clients (over worker processes, {@code --per-process}
 * each) connected and idle; a backlog stored for {@code --backlog-users} users (one urgent
 * notification each through {@code POST /admin/system/notifications/send}, pushed live, never
 * acknowledged, so it stays undelivered and the server pushes it again on every connect); then
 * the node goes away and every client reconnects with herald.js's backoff and jitter
 * ({@link Backoff}, {@link StormClients}):
 * <ul>
 *   <li>default, a restart: SIGTERM to the one node (like a deploy: it closes its connections with
 *       1012), then the same command again on the same port and data directory (H2 file database,
 *       or the run's own PostgreSQL with {@code --db postgres}). Times count from "node up": the
 *       first TCP connect to its port that succeeds (tried every 10 ms), the earliest moment a
 *       client can get in. Its first 200 from {@code /health/ready} is reported too, but it can
 *       come late: that request waits behind the reconnects the node is busy with;</li>
 *   <li>{@code --kill}: {@code --nodes} (3) nodes on the run's own Redis and PostgreSQL, clients
 *       spread evenly over them (a worker per node), {@code kill -9} of node A: its clients dial
 *       the next node of their list, half of them walking it forward and half backward, so they
 *       split over B and C like a round-robin load balancer in front of the cluster would spread
 *       them (a dial that fails moves on the same way). Times count from the kill.</li>
 * </ul>
 * Reported: when 50 / 99 / 100 % of the dropped clients were back ({@code init}) and synced (the
 * {@code unread_count} that ends the server's backlog push on connect), the servers' CPU time from
 * node up (or the kill) to the last client synced, SQL work per reconnect ({@code
 * herald_sql_run_seconds_count} of /metrics: pieces of database work on the SQL workers, each one
 * or more statements) and, on PostgreSQL, database transactions per reconnect ({@code
 * xact_commit + xact_rollback} of {@code pg_stat_database}, read after the statistics settle; the
 * quiet rate measured before the stop subtracted); the dials and their failures; duplicates (a
 * notification id one connection got twice: must be 0) and lost (a backlog holder synced without
 * its notification: must be 0). The aim: every client synced within 10 s, at most one query per
 * reconnect.
 */
@Command(name = "storm", mixinStandardHelpOptions = true,
        description = "Reconnect storm: N clients, the node restarted (or --kill: one of three killed), clients back "
                + "with herald.js's backoff; time to 99/100 % back and synced, CPU, queries per reconnect.")
final class StormScenario extends Scenario {
    @Option(names = "--n", description = "clients (default ${DEFAULT-VALUE})")
    int n = 15_000;

    @Option(names = "--backlog-users", description = "users with one stored, unacknowledged urgent notification (default ${DEFAULT-VALUE})")
    int backlogUsers = 1000;

    @Option(names = "--kill", description = "kill -9 one of --nodes nodes (Redis + PostgreSQL) instead of restarting one node")
    boolean kill;

    @Option(names = "--nodes", description = "nodes with --kill (default ${DEFAULT-VALUE})")
    int nodeCount = 3;

    @Option(names = "--db", description = "h2 (the node's file database in its data dir) or postgres (the run's own; "
            + "always with --kill); default ${DEFAULT-VALUE}")
    String db = "h2";

    @Option(names = "--pg-bin", description = "PostgreSQL server binaries (default ${DEFAULT-VALUE})")
    Path pgBin = Path.of("/usr/lib/postgresql/15/bin");

    @Option(names = "--redis-server", description = "redis-server binary for --kill (default ${DEFAULT-VALUE})")
    String redisServer = "redis-server";

    @Option(names = "--timeout", description = "most time for every client to be back and synced (default ${DEFAULT-VALUE})")
    String timeout = "120s";

    @Option(names = "--pg-settle", description = "wait for PostgreSQL's statistics to arrive, before the quiet window, "
            + "that window, and after the storm (default ${DEFAULT-VALUE}; an idle backend reports after 10 s)")
    String pgSettle = "11s";

    @Option(names = "--backoff-base-ms", description = "herald.js reconnect.baseMs (default ${DEFAULT-VALUE})")
    long baseMs = Backoff.HERALD_JS.baseMs();

    @Option(names = "--backoff-max-ms", description = "herald.js reconnect.maxMs (default ${DEFAULT-VALUE})")
    long maxMs = Backoff.HERALD_JS.maxMs();

    @Option(names = "--backoff-restart-max-ms", description = "herald.js reconnect.restartMaxMs, the cap after a 1012 close"
            + " (default ${DEFAULT-VALUE})")
    long restartMaxMs = Backoff.HERALD_JS.restartMaxMs();

    @Option(names = "--jitter", description = "herald.js reconnect.jitter (default ${DEFAULT-VALUE})")
    double jitter = Backoff.HERALD_JS.jitter();

    @Option(names = "--seed", description = "seed of the clients' jitter (default ${DEFAULT-VALUE})")
    long seed = 42;

    private OwnPostgres pg;
    private OwnRedis redis;
    private String redisPrefix;

    @Override
    String name() {
        return kill ? "storm-kill" : "storm";
    }

    private boolean postgres() {
        return kill || db.equalsIgnoreCase("postgres");
    }

    @Override
    public Integer call() throws Exception {
        if (!db.equalsIgnoreCase("h2") && !db.equalsIgnoreCase("postgres")) {
            throw new IllegalArgumentException("--db is h2 or postgres, not " + db);
        }
        if (target != ServerUnderTest.Kind.HERALD || serverPid > 0 || !transport.equals("websocket")) {
            throw new IllegalArgumentException("storm restarts a Herald it starts itself, over WebSocket");
        }
        if (kill && nodeCount < 2) {
            throw new IllegalArgumentException("--kill needs --nodes 2 or more");
        }
        Thread cleanup = new Thread(this::tearDown, "storm-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            if (postgres()) {
                pg = OwnPostgres.start(pgBin, "herald");
                serverEnv.put("HERALD_DB_URL", pg.jdbcUrl());
                serverEnv.put("HERALD_DB_USER", "postgres");
                System.out.printf("  own PostgreSQL on %d%n", pg.port());
            }
            if (kill) {
                redis = OwnRedis.start(redisServer, resultsDir.resolve("logs").resolve("storm-redis.log"));
                redisPrefix = "herald-bench-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ":";
                // the node Scenario starts is node A of the cluster
                serverEnv.put("HERALD_REDIS_URL", redis.url());
                serverEnv.put("HERALD_REDIS_KEY_PREFIX", redisPrefix);
                serverEnv.put("HERALD_NODE_ID", "storm-a");
                System.out.printf("  own Redis on %d%n", redis.port());
            }
            return super.call();
        } finally {
            tearDown();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private synchronized void tearDown() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        if (!TokenKeys.algorithm(alg).equals("HS256")) {
            throw new IllegalArgumentException("storm mints HS256 tokens only");
        }
        List<ServerUnderTest> nodes = new ArrayList<>(List.of(server));
        List<ServerUnderTest> started = new ArrayList<>();
        try {
            if (kill) {
                started.addAll(launchRedisNodes(nodeCount - 1, "storm-peer", redis.url(),
                        Map.of("HERALD_REDIS_KEY_PREFIX", redisPrefix), server.secret(), server.apiKey()));
                nodes.addAll(started);
            }
            return storm(nodes, started);
        } finally {
            started.forEach(ServerUnderTest::close);
        }
    }

    private Map<String, Object> storm(List<ServerUnderTest> nodes, List<ServerUnderTest> started) throws Exception {
        ServerUnderTest victim = nodes.get(0);
        int k = nodes.size();
        int perNode = (n + k - 1) / k;
        int workers = kill ? k * Math.max(1, (perNode + perProcess - 1) / perProcess) : Math.max(1, (n + perProcess - 1) / perProcess);
        Backoff policy = new Backoff(baseMs, maxMs, jitter, restartMaxMs);
        int[] ports = nodes.stream().mapToInt(ServerUnderTest::port).toArray();
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        r.put("mode", kill ? "kill -9 of node A of " + k + " (Redis + PostgreSQL)" : "restart (SIGTERM, same port and data dir)");
        r.put("db", postgres() ? "postgres" : "h2");
        r.put("n", n);
        r.put("backoff", Map.of("base_ms", baseMs, "max_ms", maxMs, "jitter", jitter, "restart_max_ms", restartMaxMs));
        r.put("nodes", nodes.stream().map(ServerUnderTest::describe).toList());
        ServerUnderTest restarted = null;
        // SQL work a node does by itself when it starts (before any client): a restarted node's is left out
        long sqlAtBoot = sqlTasks(nodes);
        try (Fleet fleet = new Fleet(n, workers, workers == 1 && !noInProcess, ServerUnderTest.split(workerOpts),
                i -> workerInit(nodes.get(i % k)))) {
            r.put("worker_processes", fleet.size());
            setUp(fleet);
            long sqlFirst = sqlTasks(nodes) - sqlAtBoot;
            r.put("sql_tasks_at_boot", sqlAtBoot);
            r.put("sql_tasks_per_first_connect", round(sqlFirst / (double) Math.max(1, n), 2));
            fleet.all(i -> {
                ObjectNode c = Worker.command("storm_track").put("home", i % k).put("base_ms", baseMs)
                        .put("max_ms", maxMs).put("jitter", jitter).put("restart_max_ms", restartMaxMs).put("seed", seed + i);
                Arrays.stream(ports).forEach(c.putArray("ports")::add);
                return c;
            });
            int holders = storeBacklog(victim, fleet);
            List<JsonNode> armed = fleet.all(i -> Worker.command("storm_arm"));
            int population = 0;
            int withBacklog = 0;
            for (int i = 0; i < armed.size(); i++) {
                withBacklog += armed.get(i).path("with_backlog").asInt();
                if (!kill || i % k == 0) {
                    population += armed.get(i).path("clients").asInt();
                }
            }
            System.out.printf("  armed: %d clients, %d holding a backlog notification (%d expected), %d will reconnect%n",
                    armed.stream().mapToInt(a -> a.path("clients").asInt()).sum(), withBacklog, holders, population);
            List<ServerUnderTest> survivors = kill ? nodes.subList(1, k) : List.of();
            long settle = parseDuration(pgSettle);
            long quietXact = 0;
            double quietSeconds = 0;
            if (pg != null) {
                // what the connects so far did reaches the statistics late (an idle backend reports
                // after 10 s): let it arrive before the quiet window, which is then the nodes' own
                // background work alone
                Thread.sleep(settle / 1_000_000);
                long q0 = System.nanoTime();
                long x0 = xacts();
                Thread.sleep(settle / 1_000_000);
                quietXact = xacts() - x0;
                quietSeconds = (System.nanoTime() - q0) / 1e9;
            } else {
                Thread.sleep(1000);
            }
            long xactBefore = pg == null ? 0 : xacts();
            long xactBeforeAt = System.nanoTime();
            long sqlBefore = sqlTasks(survivors);
            long cpuBefore = cpuOf(survivors);

            long t0;
            long cpuAtUp = cpuBefore;
            long down = System.nanoTime();
            Map<String, Object> outage = new LinkedHashMap<>();
            if (kill) {
                victim.kill();
                t0 = down;
                System.out.println("  node A killed (kill -9)");
            } else {
                victim.close();
                long exited = System.nanoTime();
                restarted = victim.relaunch();
                t0 = awaitAccepting(restarted, 180_000);
                cpuAtUp = restarted.cpuMicros();
                long ready = restarted.awaitOk("/health/ready", 180_000, 20);
                outage.put("stop_s", round((exited - down) / 1e9, 3));
                outage.put("down_to_accepting_s", round((t0 - down) / 1e9, 3));
                outage.put("accepting_to_ready_s", round((ready - t0) / 1e9, 3));
                outage.put("startup_cpu_s", round(cpuAtUp / 1e6, 2));
                summary.put("outage_s", outage.get("down_to_accepting_s"));
                summary.put("ready_after_accepting_s", outage.get("accepting_to_ready_s"));
                System.out.printf("  stopped in %.2f s, accepting again %.2f s after the SIGTERM, ready %.2f s after that%n",
                        (exited - down) / 1e9, (t0 - down) / 1e9, (ready - t0) / 1e9);
            }
            List<ServerUnderTest> serving = kill ? survivors : List.of(restarted);
            long sqlAtUp = kill ? sqlBefore : sqlAtBoot;

            long deadline = System.nanoTime() + parseDuration(timeout);
            JsonNode last = null;
            long lastPrint = 0;
            while (System.nanoTime() < deadline) {
                last = merged(fleet, false);
                int dropped = last.path("dropped").asInt();
                int synced = last.path("synced").asInt();
                if (System.nanoTime() - lastPrint > 2_000_000_000L) {
                    System.out.printf("    +%.1f s: dropped %d, back %d, synced %d%n", (System.nanoTime() - t0) / 1e9,
                            dropped, last.path("back").asInt(), synced);
                    lastPrint = System.nanoTime();
                }
                if (dropped >= population && synced >= dropped) {
                    break;
                }
                Thread.sleep(250);
            }
            long end = System.nanoTime();
            long cpuEnd = cpuOf(serving);
            long sqlEnd = sqlTasks(serving);
            JsonNode detail = merged(fleet, true);
            long xactAfter = 0;
            long xactAfterAt = 0;
            if (pg != null) {
                Thread.sleep(settle / 1_000_000);
                xactAfter = xacts();
                xactAfterAt = System.nanoTime();
            }
            long[] backAt = longs(detail.path("back_at"));
            long[] syncedAt = longs(detail.path("synced_at"));
            Recovery back = Recovery.of(backAt, population, t0);
            Recovery synced = Recovery.of(syncedAt, population, t0);
            int reconnects = detail.path("back").asInt();
            long sqlTasks = sqlEnd - sqlAtUp;
            double cpuS = (cpuEnd - cpuAtUp) / 1e6;
            double windowS = (end - t0) / 1e9;

            r.put("outage", outage);
            r.put("population", population);
            r.put("backlog_holders", withBacklog);
            r.put("back", back.describe());
            r.put("synced", synced.describe());
            r.put("clients", ((ObjectNode) detail.deepCopy()).without(List.of("dropped_at", "back_at", "synced_at")));
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("servers_cpu_s", round(cpuS, 2));
            cpu.put("window_s", round(windowS, 2));
            cpu.put("cores_busy", round(cpuS / Math.max(1e-9, windowS), 2));
            cpu.put("us_per_reconnect", round((cpuEnd - cpuAtUp) / (double) Math.max(1, reconnects), 1));
            r.put("server_cpu", cpu);
            Map<String, Object> dbm = new LinkedHashMap<>();
            dbm.put("sql_tasks", sqlTasks);
            dbm.put("sql_tasks_per_reconnect", round(sqlTasks / (double) Math.max(1, reconnects), 2));
            if (pg != null) {
                double stormSeconds = (xactAfterAt - xactBeforeAt) / 1e9;
                long raw = xactAfter - xactBefore;
                double quietRate = quietXact / Math.max(1e-9, quietSeconds);
                double net = raw - quietRate * stormSeconds;
                dbm.put("pg_xacts", raw);
                dbm.put("pg_quiet_xacts_per_s", round(quietRate, 2));
                dbm.put("pg_xacts_per_reconnect", round(net / Math.max(1, reconnects), 2));
            } else {
                dbm.put("pg_xacts_per_reconnect", "n/a (H2)");
            }
            r.put("database", dbm);

            summary.put("mode", kill ? "kill" : "restart");
            summary.put("db", postgres() ? "postgres" : "h2");
            summary.put("clients", population);
            summary.put("back_t99_s", back.t99());
            summary.put("back_t100_s", back.t100());
            summary.put("synced_t99_s", synced.t99());
            summary.put("synced_t100_s", synced.t100());
            summary.put("not_synced", population - synced.done());
            summary.put("server_cpu_s", round(cpuS, 2));
            summary.put("sql_tasks_per_reconnect", dbm.get("sql_tasks_per_reconnect"));
            summary.put("pg_xacts_per_reconnect", dbm.get("pg_xacts_per_reconnect"));
            summary.put("duplicates", detail.path("duplicates").asLong());
            summary.put("lost", detail.path("lost").asLong());
            summary.put("failed_dials", sum(detail.path("dial_failures")));
            StringBuilder dialsPerClient = new StringBuilder();
            detail.path("dials_per_client").fields().forEachRemaining(e -> dialsPerClient.append(dialsPerClient.isEmpty() ? "" : " ")
                    .append(e.getKey()).append(':').append(e.getValue().asText()));
            summary.put("dials_per_client", dialsPerClient.toString()); // dials it took : clients
            summary.put("synced_within_10s", synced.t100() != null && synced.t100() <= 10.0); // the time half of the aim
            System.out.printf("  back: t99 %s s, t100 %s s; synced: t99 %s s, t100 %s s; dials/client %s; failed dials %s%n",
                    back.t99(), back.t100(), synced.t99(), synced.t100(), detail.path("dials_per_client"), detail.path("dial_failures"));
        } finally {
            if (restarted != null) {
                restarted.close();
            }
        }
        r.put("summary", summary);
        return r;
    }

    /**
     * Stores one urgent notification for each of {@code backlogUsers} users spread evenly over the
     * user ids (so over the nodes too), through {@code via}'s API, and waits until their open
     * connections hold it (the live push); returns how many connections should.
     */
    private int storeBacklog(ServerUnderTest via, Fleet fleet) throws Exception {
        int users = (n + devicesPerUser - 1) / devicesPerUser;
        int count = Math.min(backlogUsers, users);
        if (count <= 0) {
            return 0;
        }
        List<Long> ids = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            ids.add(1 + (long) j * users / count);
        }
        try (ApiClient api = new ApiClient(via.host(), via.port(), via.apiKey(), 1, 1)) {
            for (int from = 0; from < ids.size(); from += 500) {
                List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
                ObjectNode body = Worker.JSON.createObjectNode().put("title", "storm backlog")
                        .put("content", "stored before the storm, never acknowledged").put("level", "urgent");
                chunk.forEach(body.putArray("user_ids")::add);
                ApiClient.Response res = api.post("/admin/system/notifications/send", Worker.JSON.writeValueAsString(body))
                        .get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (res.status() != 200) {
                    throw new IllegalStateException("send answered " + res.status() + ": " + res.body());
                }
            }
        }
        int expected = count * devicesPerUser;
        long deadline = System.currentTimeMillis() + 60_000;
        int holding = 0;
        while (System.currentTimeMillis() < deadline) {
            holding = merged(fleet, false).path("holding_ids").asInt();
            if (holding >= expected) {
                break;
            }
            Thread.sleep(200);
        }
        System.out.printf("  backlog: %d users, %d connections hold their notification (of %d)%n", count, holding, expected);
        return expected;
    }

    /** Every worker's storm_stats added together (counts summed, maps merged, time lists joined). */
    private static JsonNode merged(Fleet fleet, boolean detail) throws Exception {
        ObjectNode m = Worker.JSON.createObjectNode();
        Map<String, Long> failures = new TreeMap<>();
        Map<Integer, Long> perClient = new TreeMap<>();
        List<Long> dropped = new ArrayList<>();
        List<Long> back = new ArrayList<>();
        List<Long> synced = new ArrayList<>();
        for (JsonNode s : fleet.all(i -> Worker.command("storm_stats").put("detail", detail))) {
            for (String f : List.of("clients", "holding_ids", "dropped", "back", "synced", "lost", "duplicates",
                    "clients_with_duplicates", "dials")) {
                m.put(f, m.path(f).asLong() + s.path(f).asLong());
            }
            m.put("max_drops", Math.max(m.path("max_drops").asInt(), s.path("max_drops").asInt()));
            s.path("dial_failures").fields().forEachRemaining(e -> failures.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            s.path("dials_per_client").fields().forEachRemaining(e -> perClient.merge(Integer.valueOf(e.getKey()), e.getValue().asLong(), Long::sum));
            s.path("dropped_at").forEach(x -> dropped.add(x.asLong()));
            s.path("back_at").forEach(x -> back.add(x.asLong()));
            s.path("synced_at").forEach(x -> synced.add(x.asLong()));
        }
        m.set("dial_failures", Worker.JSON.valueToTree(failures));
        Map<String, Long> pc = new LinkedHashMap<>();
        perClient.forEach((k, v) -> pc.put(Integer.toString(k), v));
        m.set("dials_per_client", Worker.JSON.valueToTree(pc));
        if (detail) {
            m.set("dropped_at", Worker.JSON.valueToTree(dropped));
            m.set("back_at", Worker.JSON.valueToTree(back));
            m.set("synced_at", Worker.JSON.valueToTree(synced));
        }
        return m;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static long sum(JsonNode counts) {
        long s = 0;
        for (JsonNode v : counts) {
            s += v.asLong();
        }
        return s;
    }

    private static long cpuOf(List<ServerUnderTest> servers) {
        long s = 0;
        for (ServerUnderTest x : servers) {
            s += x.cpuMicros();
        }
        return s;
    }

    /** Tries a TCP connect to {@code server}'s port every 10 ms; returns {@link System#nanoTime} of the first that succeeds. */
    private static long awaitAccepting(ServerUnderTest server, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!server.alive()) {
                throw new IllegalStateException("the restarted server exited");
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(server.host(), server.port()), 1000);
                return System.nanoTime();
            } catch (java.io.IOException e) {
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException("port " + server.port() + " not accepting within " + timeoutMs + " ms");
    }

    /** {@code herald_sql_run_seconds_count} of every server's /metrics added: pieces of work its SQL workers ran. */
    private static long sqlTasks(List<ServerUnderTest> servers) {
        long total = 0;
        for (ServerUnderTest s : servers) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL("http://" + s.host() + ":" + s.port() + "/metrics").openConnection();
                c.setRequestProperty("Authorization", "Bearer " + s.apiKey());
                c.setConnectTimeout(2000);
                c.setReadTimeout(10_000);
                String text = new String(c.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                total += sqlRunCount(text);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read /metrics of " + s.port() + ": " + e, e);
            }
        }
        return total;
    }

    /** The sum of the {@code herald_sql_run_seconds_count} samples of a Prometheus text. */
    static long sqlRunCount(String prometheusText) {
        long total = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith("herald_sql_run_seconds_count")) {
                String[] p = line.trim().split(" ");
                total += (long) Double.parseDouble(p[p.length - 1]);
            }
        }
        return total;
    }

    /** Transactions of the run's database so far (committed and rolled back), as PostgreSQL's statistics have them. */
    private long xacts() throws Exception {
        return pg.queryLong("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'herald'");
    }

    /**
     * When the clients of a population came back: {@code at} holds each dropped client's time
     * ({@link System#nanoTime}, 0 = not yet), {@code t0} the moment counted from. {@code t50},
     * {@code t99}, {@code t100}: seconds after {@code t0} by which that share of the
     * {@code population} was there (null when never within the run).
     */
    record Recovery(int population, int done, Double t50, Double t99, Double t100) {
        static Recovery of(long[] at, int population, long t0) {
            long[] times = Arrays.stream(at).filter(x -> x != 0).map(x -> x - t0).sorted().toArray();
            return new Recovery(population, times.length, rank(times, population, 0.50), rank(times, population, 0.99),
                    rank(times, population, 1.0));
        }

        private static Double rank(long[] sorted, int population, double share) {
            if (population <= 0) {
                return null;
            }
            int r = (int) Math.ceil(share * population - 1e-9);
            r = Math.max(1, r);
            if (r > sorted.length) {
                return null;
            }
            return round(sorted[r - 1] / 1e9, 3);
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("population", population);
            m.put("done", done);
            m.put("t50_s", t50);
            m.put("t99_s", t99);
            m.put("t100_s", t100);
            return m;
        }
    }
}
