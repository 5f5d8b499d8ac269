package dev.herald.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * What every scenario shares: which server (started here or attached by pid), how the load
 * generator spreads its connections over processes, and where the results go. A subclass opens its
 * connections, measures, and returns a result map with a flat {@code summary} of headline figures.
 */
abstract class Scenario implements Callable<Integer> {
    @Option(names = "--target", description = "herald, netty (raw Netty baseline) or node (ws baseline); default ${DEFAULT-VALUE}")
    ServerUnderTest.Kind target = ServerUnderTest.Kind.HERALD;

    @Option(names = "--server-jar", description = "Herald's jar (default ${DEFAULT-VALUE})")
    Path serverJar = Path.of("server/target/herald.jar");

    @Option(names = "--server-pid", description = "drive an already running server with this pid instead of starting one (needs --port)")
    long serverPid;

    @Option(names = "--host", description = "server address, a loopback one (default ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "server port (0 = a free port for a server the bench starts)")
    int port;

    @Option(names = "--server-opts", description = "JVM options for a started server (or Node options for --target node)")
    String serverOpts = "";

    @Option(names = "--server-env", description = "extra environment for a started server, KEY=VALUE (repeatable)")
    Map<String, String> serverEnv = new LinkedHashMap<>();

    @Option(names = "--jwt-secret", description = "HS256 secret (default: $HERALD_JWT_SECRET, or a random one for a started server)")
    String jwtSecret = System.getenv("HERALD_JWT_SECRET");

    @Option(names = "--api-key", description = "server API key (default ${DEFAULT-VALUE})")
    String apiKey = "benchkey";

    @Option(names = "--node-dir", description = "the Node baseline's directory (default ${DEFAULT-VALUE})")
    Path nodeDir = Path.of("bench/node");

    @Option(names = "--per-process", description = "most connections per load-generator process (default ${DEFAULT-VALUE})")
    int perProcess = 8000;

    @Option(names = "--no-in-process", description = "use a worker process even when one process could hold all connections")
    boolean noInProcess;

    @Option(names = "--worker-opts", description = "JVM options for worker processes (default ${DEFAULT-VALUE})")
    String workerOpts = "-Xms256m -Xmx1g -XX:+UseParallelGC -XX:ParallelGCThreads=2 -XX:TieredStopAtLevel=4";

    @Option(names = "--client-threads", description = "event loop threads per load-generator process (default ${DEFAULT-VALUE})")
    int clientThreads = 2;

    @Option(names = "--local-addresses", split = ",", description = "loopback source addresses to spread connections "
            + "over, e.g. 127.0.0.2,127.0.0.3 (default: none, the kernel picks; only needed past ~28,000 connections)")
    List<String> localAddresses = new ArrayList<>();

    @Option(names = "--devices", description = "connections per user (default ${DEFAULT-VALUE})")
    int devicesPerUser = 1;

    @Option(names = "--setup-rate", description = "connections per second while setting up (0 = as fast as possible)")
    double setupRate;

    @Option(names = "--max-in-flight", description = "unfinished handshakes per process (default ${DEFAULT-VALUE})")
    int maxInFlight = 200;

    @Option(names = "--label", description = "name for this server/configuration in results (default: the target)")
    String label;

    @Option(names = "--results-dir", description = "where JSON results go (default ${DEFAULT-VALUE})")
    Path resultsDir = Path.of("bench/results");

    @Option(names = "--perf-record", description = "perf record the server over the measuring window into this file")
    Path perfRecord;

    @Option(names = "--transport", description = "how the load's connections listen: websocket (/ws), sse "
            + "(/sse, the event stream; Herald only) or pusher (/app/{key}, the Pusher Channels protocol; Herald only:"
            + " broadcasts do not reach it, measure with the channels scenario). Default ${DEFAULT-VALUE}")
    String transport = "websocket";

    @Option(names = "--tag", description = "appended to the scenario's name in results, e.g. a variant of its load")
    String tag;

    @Option(names = "--alg", description = "token algorithm: HS256 (the secret), RS256 or ES256 (a key pair made for the run:"
            + " the server gets the public key as auth.jwt-public-key and no secret); default ${DEFAULT-VALUE}")
    String alg = "HS256";

    /** The key pair of the run's RS256 / ES256 tokens (null for HS256). */
    private TokenKeys tokenKeys;

    abstract String name();

    private String fullName() {
        return tag == null || tag.isEmpty() ? name() : name() + "-" + tag;
    }

    abstract Map<String, Object> run(ServerUnderTest server) throws Exception;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> result = measure(alg, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) result.getOrDefault("summary", Map.of());
        StringBuilder line = new StringBuilder(result.get("scenario") + " [" + result.get("label") + "]");
        summary.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        writeResult(resultsDir, (String) result.get("scenario"), (String) result.get("label"), (String) result.get("time"), result);
        return 0;
    }

    /**
     * Starts (or attaches to) the server, runs the scenario with {@code algorithm} tokens, stops the
     * server and returns the result; {@code labelSuffix} (or null) is appended to the label.
     */
    Map<String, Object> measure(String algorithm, String labelSuffix) throws Exception {
        String tokenAlg = TokenKeys.algorithm(algorithm);
        if (!host.startsWith("127.")) {
            throw new IllegalArgumentException("the bench only drives loopback servers (127.0.0.0/8), not " + host);
        }
        String secret = jwtSecret;
        if ((secret == null || secret.isEmpty()) && serverPid == 0) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            secret = HexFormat.of().formatHex(b);
        }
        if (target == ServerUnderTest.Kind.HERALD && (secret == null || secret.length() < 32)) {
            throw new IllegalArgumentException("Herald needs --jwt-secret (or HERALD_JWT_SECRET) of 32+ bytes");
        }
        if (!transport.equals("websocket") && !transport.equals("sse") && !transport.equals("pusher")) {
            throw new IllegalArgumentException("--transport is websocket, sse or pusher, not " + transport);
        }
        if (!transport.equals("websocket") && target != ServerUnderTest.Kind.HERALD) {
            throw new IllegalArgumentException("--transport " + transport + " needs --target herald: the baselines have no /"
                    + (transport.equals("sse") ? "sse" : "app"));
        }
        Map<String, String> env = new LinkedHashMap<>(serverEnv);
        tokenKeys = null;
        if (!tokenAlg.equals("HS256")) {
            if (target != ServerUnderTest.Kind.HERALD || serverPid > 0) {
                throw new IllegalArgumentException("--alg " + tokenAlg + " needs a Herald server the bench starts (it makes the key pair)");
            }
            tokenKeys = TokenKeys.generate(tokenAlg);
            env.put("HERALD_AUTH_JWT_PUBLIC_KEY", tokenKeys.writePublicKey().toString());
            env.put("HERALD_JWT_SECRET", ""); // a deployment with a key pair only: every token takes the public-key path
        }
        String suffix = labelSuffix != null ? labelSuffix : tokenAlg.equals("HS256") ? "" : "-" + tokenAlg.toLowerCase();
        String lbl = (label != null ? label : target.name().toLowerCase()) + suffix;
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Files.createDirectories(resultsDir);
        ServerUnderTest server;
        if (serverPid > 0) {
            if (port == 0) {
                throw new IllegalArgumentException("--server-pid needs --port");
            }
            server = ServerUnderTest.attach(target, host, port, serverPid, secret, apiKey);
        } else {
            server = ServerUnderTest.launch(target, host, port, serverJar, nodeDir, ServerUnderTest.split(serverOpts),
                    env, secret, apiKey, resultsDir.resolve("logs").resolve(fullName() + "-" + lbl + "-" + stamp + ".log"));
        }
        ServerUnderTest started = server;
        Thread stopOnExit = new Thread(started::close, "stop-server");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", fullName());
        result.put("label", lbl);
        result.put("time", stamp);
        result.put("machine", Machine.describe());
        result.put("server", server.describe());
        result.put("transport", transport);
        result.put("token_alg", tokenAlg);
        try {
            result.putAll(run(server));
        } finally {
            server.close();
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        result.put("load_avg_at_end", Machine.loadAvg());
        return result;
    }

    /** Writes {@code result} as bench/results/NAME-LABEL-STAMP.json (the form {@code bench report} reads). */
    static Path writeResult(Path dir, String name, String label, String stamp, Map<String, Object> result)
            throws java.io.IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(name + "-" + label + "-" + stamp + ".json");
        Files.writeString(out, Worker.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        System.out.println("  -> " + out);
        return out;
    }

    /** The workers for {@code n} connections, initialised for {@code server}. */
    Fleet fleet(ServerUnderTest server, int n) throws Exception {
        return new Fleet(n, perProcess, !noInProcess, ServerUnderTest.split(workerOpts), workerInit(server));
    }

    /** A worker's {@code init} command: connect to {@code server}, user ids from 1. */
    ObjectNode workerInit(ServerUnderTest server) {
        ObjectNode init = Worker.command("init").put("host", server.host()).put("port", server.port())
                .put("path", transport.equals("sse") ? "/sse" : transport.equals("pusher") ? "/app/" + ServerUnderTest.PUSHER_KEY : "/ws")
                .put("transport", transport)
                .put("secret", server.kind() == ServerUnderTest.Kind.HERALD ? server.secret() : "")
                .put("threads", clientThreads).put("devices_per_user", devicesPerUser).put("user_base", 1);
        if (tokenKeys != null) {
            init.put("alg", tokenKeys.alg()).put("private_key", tokenKeys.privateKeyBase64());
        }
        localAddresses.forEach(init.putArray("local_addresses")::add);
        return init;
    }

    /** Connects all of the fleet's connections for a measurement; fails loudly if some did not. */
    Fleet.Connected setUp(Fleet fleet) throws Exception {
        Fleet.Connected c = fleet.connect(setupRate, maxInFlight, 180_000);
        System.out.printf("  setup: %d/%d connected in %.1f s (%.0f/s)%s%n", c.ok(), c.attempted(), c.seconds(),
                c.perSecond(), c.failures().isEmpty() ? "" : " failures " + c.failures());
        if (c.ok() < c.attempted()) {
            throw new IllegalStateException("only " + c.ok() + " of " + c.attempted() + " connections opened: " + c.failures());
        }
        return c;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static long parseDuration(String s) {
        String t = s.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2)) * 1_000_000L;
        }
        if (t.endsWith("s")) {
            return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1e9);
        }
        if (t.endsWith("m")) {
            return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60e9);
        }
        return (long) (Double.parseDouble(t) * 1e9);
    }

    static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Integer::valueOf).toList();
    }

    /**
     * {@code count} Herald nodes ({@code name}-a, -b, …) on one Redis under a key prefix of this run:
     * the real jar, free ports, {@code --server-env} plus {@code extraEnv}, logs under results/logs.
     * Closes the ones started when one fails.
     */
    List<ServerUnderTest> launchRedisNodes(int count, String name, String redisUrl, Map<String, String> extraEnv,
                                           String secret, String key) throws Exception {
        return launchRedisNodes(count, name, List.of(redisUrl), extraEnv, secret, key);
    }

    /**
     * {@code count} Herald nodes on the Redis servers {@code redisUrls}: one is {@code HERALD_REDIS_URL},
     * several are {@code HERALD_REDIS_URLS} (each a shard, docs/cluster.md "Several Redis servers").
     */
    List<ServerUnderTest> launchRedisNodes(int count, String name, List<String> redisUrls, Map<String, String> extraEnv,
                                           String secret, String key) throws Exception {
        String prefix = "herald-bench-" + HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt()) + ":";
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        List<ServerUnderTest> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String id = name + "-" + (char) ('a' + i);
                Map<String, String> env = new LinkedHashMap<>(serverEnv);
                env.put(redisUrls.size() == 1 ? "HERALD_REDIS_URL" : "HERALD_REDIS_URLS", String.join(",", redisUrls));
                env.put("HERALD_REDIS_KEY_PREFIX", prefix);
                env.put("HERALD_NODE_ID", id);
                env.putAll(extraEnv);
                nodes.add(ServerUnderTest.launch(ServerUnderTest.Kind.HERALD, host, 0, serverJar, nodeDir,
                        ServerUnderTest.split(serverOpts), env, secret, key,
                        resultsDir.resolve("logs").resolve("cluster-" + id + "-" + stamp + ".log")));
            }
        } catch (Exception e) {
            nodes.forEach(ServerUnderTest::close);
            throw e;
        }
        return nodes;
    }
}
