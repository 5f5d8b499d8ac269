package dev.herald.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Three Herald nodes (the real jar, each its own port and data dir) sharing one Redis, against one
 * node alone (started by {@link Scenario}, no Redis), in one invocation:
 * <ol>
 *   <li>unicast: {@code --n} connections and {@code send-to-user} at {@code --rate} (open loop,
 *       latency from the scheduled send time), once on the single node through its own API, once
 *       across nodes: the connections on nodes B and C, the pushes through node A's API, so every
 *       message crosses Redis. Both set-ups stay connected and take turns for {@code --rounds}
 *       windows, so machine noise falls on both; the p99 ratio is the headline;</li>
 *   <li>broadcast through node A to {@code --broadcast-conns} connections spread evenly over A, B
 *       and C: every connection must receive every broadcast; per-frame delivery latency and
 *       API-to-last-frame per broadcast.</li>
 * </ol>
 * For the cross-node windows and the broadcast, Redis's CPU time (utime + stime from /proc) and its
 * INFO counters (commands, PUBLISH calls, bytes) are read before and after. Both unicast set-ups
 * use the same load-generator layout (two worker processes), so only the server side differs.
 *
 * <p>With {@code --redis-shards N} the nodes share N redis-servers the bench starts on free ports
 * ({@link OwnRedis}, no persistence) instead of {@code --redis-url}, passed as
 * {@code HERALD_REDIS_URLS}: topics are sharded over them (docs/cluster.md, "Several Redis
 * servers"). Redis figures are then the sums over the servers, with each server's under
 * {@code by_server}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Three nodes on one Redis vs one node: cross-node unicast p99 ratio, broadcast to N connections "
                + "over three nodes without loss, Redis CPU and messages per second.")
final class ClusterScenario extends Scenario {
    private static final int NODES = 3;

    @Option(names = "--redis-url", description = "the Redis the nodes share, on this machine (default ${DEFAULT-VALUE})")
    String redisUrl = "redis://127.0.0.1:6379";

    @Option(names = "--redis-shards", description = "start this many redis-servers of the bench's own and shard the nodes "
            + "over them (redis.urls) instead of using --redis-url; 0: --redis-url (default ${DEFAULT-VALUE})")
    int redisShards = 0;

    @Option(names = "--redis-server", description = "redis-server binary for --redis-shards (default ${DEFAULT-VALUE})")
    String redisServer = "redis-server";

    @Option(names = "--n", description = "unicast: connected users (default ${DEFAULT-VALUE})")
    int n = 2000;

    @Option(names = "--rate", description = "unicast: messages per second (default ${DEFAULT-VALUE})")
    double rate = 1000;

    @Option(names = "--duration", description = "unicast: measuring window per step (default ${DEFAULT-VALUE})")
    String duration = "20s";

    @Option(names = "--warmup", description = "unicast: sending before measuring, per step (default ${DEFAULT-VALUE})")
    String warmup = "10s";

    @Option(names = "--rounds", description = "unicast: measuring windows per side, one node and cross-node taking turns "
            + "(default ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--http-connections", description = "keep-alive API connections (default ${DEFAULT-VALUE})")
    int httpConnections = 32;

    @Option(names = "--broadcast-conns", description = "broadcast: connections over the three nodes (default ${DEFAULT-VALUE})")
    int broadcastConns = 15_000;

    @Option(names = "--broadcast-rate", description = "broadcast: broadcasts per second (default ${DEFAULT-VALUE})")
    double broadcastRate = 2;

    @Option(names = "--broadcast-duration", description = "broadcast: measuring window (default ${DEFAULT-VALUE})")
    String broadcastDuration = "30s";

    @Option(names = "--broadcast-warmup", description = "broadcast: broadcasting before measuring (default ${DEFAULT-VALUE})")
    String broadcastWarmup = "5s";

    @Option(names = "--payload", description = "broadcast: extra bytes of text per message (default ${DEFAULT-VALUE})")
    int payload = 64;

    @Option(names = "--seed", description = "random seed for picking users (default ${DEFAULT-VALUE})")
    long seed = 42;

    @Override
    String name() {
        return "cluster";
    }

    @Override
    Map<String, Object> run(ServerUnderTest single) throws Exception {
        if (!TokenKeys.algorithm(alg).equals("HS256")) {
            throw new IllegalArgumentException("the cluster scenario mints HS256 tokens only");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        if (redisShards < 0) {
            throw new IllegalArgumentException("--redis-shards must be 0 (use --redis-url) or more");
        }
        List<OwnRedis> shards = new ArrayList<>();
        List<ServerUnderTest> nodes = new ArrayList<>();
        Thread stop = new Thread(() -> {
            nodes.forEach(ServerUnderTest::close);
            shards.forEach(OwnRedis::close);
        }, "stop-cluster");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            for (int i = 0; i < redisShards; i++) {
                shards.add(OwnRedis.start(redisServer, resultsDir.resolve("logs").resolve("cluster-redis-" + i + "-" + stamp + ".log")));
            }
            List<String> redisUrls = shards.isEmpty() ? List.of(redisUrl) : shards.stream().map(OwnRedis::url).toList();
            RedisStats redis = new RedisStats(redisUrls);
            nodes.addAll(launchRedisNodes(NODES, "bench", redisUrls, Map.of(), single.secret(), single.apiKey()));
            r.put("redis_servers", redisUrls);
            r.put("nodes", nodes.stream().map(ServerUnderTest::describe).toList());
            System.out.printf("  unicast %.0f msg/s to %d users: one node, and across nodes (users on B and C, pushes "
                    + "through A), %d windows each, taking turns%n", rate, n, rounds);
            Map<String, Object> uni = unicastRounds(single, nodes, redis);
            r.put("unicast", uni);
            single.close();
            System.out.printf("  broadcast through A to %d connections over A, B, C at %.1f/s%n", broadcastConns, broadcastRate);
            Map<String, Object> bc = broadcast(nodes, redis);
            r.put("broadcast", bc);

            summary.put("rate", rate);
            summary.putAll(castMap((Map<?, ?>) uni.get("summary")));
            summary.put("bc_conns", broadcastConns);
            summary.put("bc_expected", bc.get("expected_deliveries"));
            summary.put("bc_delivered", bc.get("delivered"));
            summary.put("bc_conns_short", bc.get("connections_short"));
            summary.put("bc_delivery_p50_ms", ((Map<?, ?>) bc.get("delivery_latency")).get("p50_ms"));
            summary.put("bc_delivery_p99_ms", ((Map<?, ?>) bc.get("delivery_latency")).get("p99_ms"));
            summary.put("bc_last_frame_p99_ms", ((Map<?, ?>) bc.get("api_to_last_frame")).get("p99_ms"));
            summary.put("bc_redis_cpu_pct", ((Map<?, ?>) bc.get("redis")).get("cpu_percent_of_one_core"));
            summary.put("bc_redis_publish_per_s", ((Map<?, ?>) bc.get("redis")).get("publish_per_s"));
        } finally {
            nodes.forEach(ServerUnderTest::close);
            shards.forEach(OwnRedis::close);
            Runtime.getRuntime().removeShutdownHook(stop);
        }
        r.put("summary", summary);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /**
     * Both set-ups connected at once (the one node and the cluster), then windows taking turns:
     * one node, cross-node, one node, … so machine noise falls on both sides alike. Reports each
     * window, the pooled latency of each side, the ratio of the pooled p99s and the median of the
     * per-round ratios.
     */
    private Map<String, Object> unicastRounds(ServerUnderTest single, List<ServerUnderTest> nodes, RedisStats redis)
            throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        try (UnicastLoad alone = new UnicastLoad(List.of(single), single);
             UnicastLoad cross = new UnicastLoad(List.of(nodes.get(1), nodes.get(2)), nodes.get(0))) {
            alone.warm();
            cross.warm();
            Histogram pooledAlone = new Histogram();
            Histogram pooledCross = new Histogram();
            List<Double> ratios = new ArrayList<>();
            List<Map<String, Object>> windows = new ArrayList<>();
            long lost = 0;
            long non200 = 0;
            Map<String, Object> lastRedis = null;
            for (int round = 1; round <= rounds; round++) {
                Map<String, Object> a = alone.measure(null, pooledAlone);
                Map<String, Object> c = cross.measure(redis, pooledCross);
                double p99a = (double) ((Map<?, ?>) a.get("latency")).get("p99_ms");
                double p99c = (double) ((Map<?, ?>) c.get("latency")).get("p99_ms");
                ratios.add(p99c / Math.max(1e-6, p99a));
                lost += (long) a.get("lost") + (long) c.get("lost");
                non200 += (long) a.get("api_non200") + (long) c.get("api_non200");
                lastRedis = castMap((Map<?, ?>) c.get("redis"));
                windows.add(Map.of("round", round, "single_node", a, "cross_node", c));
                System.out.printf("    round %d: one node p50 %s p99 %s ms | cross-node p50 %s p99 %s ms | Redis %s%% CPU, %s PUBLISH/s%n",
                        round, ((Map<?, ?>) a.get("latency")).get("p50_ms"), p99a, ((Map<?, ?>) c.get("latency")).get("p50_ms"),
                        p99c, lastRedis.get("cpu_percent_of_one_core"), lastRedis.get("publish_per_s"));
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            int mid = sorted.size() / 2;
            double median = sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
            Map<String, Object> latA = pooledAlone.summaryMillis();
            Map<String, Object> latC = pooledCross.summaryMillis();
            double pooledRatio = (double) latC.get("p99_ms") / Math.max(1e-6, (double) latA.get("p99_ms"));
            m.put("windows", windows);
            m.put("single_node_pooled", latA);
            m.put("cross_node_pooled", latC);
            m.put("p99_ratio_pooled", round(pooledRatio, 2));
            m.put("p99_ratio_per_round", ratios.stream().map(x -> round(x, 2)).toList());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("single_p50_ms", latA.get("p50_ms"));
            summary.put("single_p99_ms", latA.get("p99_ms"));
            summary.put("cross_p50_ms", latC.get("p50_ms"));
            summary.put("cross_p99_ms", latC.get("p99_ms"));
            summary.put("p99_ratio", round(pooledRatio, 2));
            summary.put("p99_ratio_median_round", round(median, 2));
            summary.put("unicast_lost", lost);
            summary.put("unicast_non200", non200);
            summary.put("unicast_redis_cpu_pct", lastRedis == null ? null : lastRedis.get("cpu_percent_of_one_core"));
            summary.put("unicast_redis_publish_per_s", lastRedis == null ? null : lastRedis.get("publish_per_s"));
            m.put("summary", summary);
        }
        return m;
    }


    /**
     * {@code n} users on {@code targets} (two worker processes, spread in turn over the targets),
     * {@code send-to-user} through {@code via}'s API to a random one of them.
     */
    private final class UnicastLoad implements AutoCloseable {
        private final List<ServerUnderTest> targets;
        private final ServerUnderTest via;
        private final Fleet fleet;
        private final ApiClient api;
        private final Publisher.Call call;

        UnicastLoad(List<ServerUnderTest> targets, ServerUnderTest via) throws Exception {
            this.targets = targets;
            this.via = via;
            this.call = UnicastScenario.sendToRandomUser(new SplittableRandom(seed), (n + devicesPerUser - 1) / devicesPerUser);
            this.fleet = new Fleet(n, 2, false, ServerUnderTest.split(workerOpts), i -> workerInit(targets.get(i % targets.size())));
            this.api = new ApiClient(via.host(), via.port(), via.apiKey(), httpConnections, 1);
            setUp(fleet);
        }

        void warm() throws Exception {
            long warmNanos = parseDuration(warmup);
            if (warmNanos > 0) {
                Publisher.run(api, rate, RateSchedule.eventsFor(rate, warmNanos), true, true, call);
                Thread.sleep(1000);
            }
        }

        /** One window; its latencies are also added to {@code pooled}; with {@code redis}, what Redis did. */
        Map<String, Object> measure(RedisStats redis, Histogram pooled) throws Exception {
            long total = RateSchedule.eventsFor(rate, parseDuration(duration));
            fleet.reset((int) total);
            long cpu0 = cpuOf(targets, via);
            RedisStats.Snapshot r0 = redis == null ? null : redis.snapshot();
            Publisher.Run run = Publisher.run(api, rate, total, true, false, call);
            Fleet.Stats s = Publisher.awaitDelivered(fleet, total, -1, 2000, 20_000);
            RedisStats.Snapshot r1 = redis == null ? null : redis.snapshot();
            long cpu1 = cpuOf(targets, via);
            pooled.add(s.latency);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sent", total);
            m.put("achieved_rate", round(run.achievedRate(), 0));
            m.put("delivered", s.delivered);
            m.put("lost", total - s.delivered);
            m.put("api_non200", run.non200());
            m.put("latency", s.latency.summaryMillis());
            m.put("api", run.describe());
            m.put("servers_cpu_us_per_msg", round((cpu1 - cpu0) / (double) Math.max(1, s.delivered), 2));
            m.put("close_reasons", s.closeReasons);
            if (redis != null) {
                m.put("redis", RedisStats.delta(r0, r1));
            }
            Thread.sleep(1000);
            return m;
        }

        @Override
        public void close() {
            api.close();
            fleet.close();
        }
    }

    /** Broadcasts through node A to connections spread evenly over every node; counts each one's frames. */
    private Map<String, Object> broadcast(List<ServerUnderTest> nodes, RedisStats redis) throws Exception {
        Publisher.Call call = BroadcastScenario.broadcastCall(payload);
        int perNode = (broadcastConns + NODES - 1) / NODES;
        int workers = NODES * Math.max(1, (perNode + perProcess - 1) / perProcess);
        ServerUnderTest via = nodes.get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        try (Fleet fleet = new Fleet(broadcastConns, workers, false, ServerUnderTest.split(workerOpts),
                i -> workerInit(nodes.get(i % NODES)));
             ApiClient api = new ApiClient(via.host(), via.port(), via.apiKey(), 4, 1)) {
            setUp(fleet);
            long warmNanos = parseDuration(broadcastWarmup);
            if (warmNanos > 0) {
                Publisher.run(api, broadcastRate, RateSchedule.eventsFor(broadcastRate, warmNanos), false, true, call);
                Thread.sleep(2000);
            }
            long total = RateSchedule.eventsFor(broadcastRate, parseDuration(broadcastDuration));
            fleet.reset((int) total);
            long cpu0 = cpuOf(nodes, via);
            RedisStats.Snapshot r0 = redis.snapshot();
            Publisher.Run run = Publisher.run(api, broadcastRate, total, false, false, call);
            long expected = total * broadcastConns;
            Fleet.Stats s = Publisher.awaitDelivered(fleet, expected, total, 3000, 60_000);
            RedisStats.Snapshot r1 = redis.snapshot();
            long cpu1 = cpuOf(nodes, via);
            BroadcastScenario.Completion done = BroadcastScenario.completion(s, run, total, broadcastConns);
            m.put("connections", broadcastConns);
            m.put("worker_processes", fleet.size());
            m.put("rate", broadcastRate);
            m.put("broadcasts", total);
            m.put("expected_deliveries", expected);
            m.put("delivered", s.delivered);
            m.put("lost", expected - s.delivered);
            m.put("incomplete_broadcasts", done.incomplete());
            m.put("connections_short", s.perConnOff);
            m.put("per_conn_min", s.perConnMin);
            m.put("per_conn_max", s.perConnMax);
            m.put("open_at_end", s.open);
            m.put("close_reasons", s.closeReasons);
            m.put("api", run.describe());
            m.put("api_reported_count", run.apiCount.get());
            m.put("servers_cpu_us_per_delivered", round((cpu1 - cpu0) / (double) Math.max(1, s.delivered), 3));
            m.put("delivery_latency", s.latency.summaryMillis());
            m.put("api_to_last_frame", done.lastFrame().summaryMillis());
            m.put("redis", RedisStats.delta(r0, r1));
            System.out.printf("    delivered %d/%d, connections short %d, delivery p99 %s ms, last frame p99 %s ms%n",
                    s.delivered, expected, s.perConnOff, ((Map<?, ?>) m.get("delivery_latency")).get("p99_ms"),
                    ((Map<?, ?>) m.get("api_to_last_frame")).get("p99_ms"));
        }
        return m;
    }

    private static long cpuOf(List<ServerUnderTest> nodes, ServerUnderTest via) {
        long sum = nodes.contains(via) ? 0 : via.cpuMicros();
        for (ServerUnderTest node : nodes) {
            sum += node.cpuMicros();
        }
        return sum;
    }
}
