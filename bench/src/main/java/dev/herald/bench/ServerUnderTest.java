package dev.herald.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server a scenario drives: Herald, the raw Netty baseline or the Node {@code ws} baseline,
 * started by the bench (and stopped after), or an already running process given by its pid. Gives
 * the scenario what it measures from outside: RSS and CPU time from /proc, and a GC on request.
 */
public final class ServerUnderTest implements AutoCloseable {
    /** The Pusher app a Herald under test serves ({@code --transport pusher}); a bench-only secret. */
    static final String PUSHER_APP = "1";
    static final String PUSHER_KEY = "bench-key";
    static final String PUSHER_SECRET = "bench-secret-not-for-production";
    public enum Kind { HERALD, NETTY, NODE }

    private final Kind kind;
    private final String host;
    private final int port;
    private final long pid;
    private final Process process;
    private final String secret;
    private final String apiKey;
    private final List<String> jvmOptions;
    /** How a started server was started (its command, environment, data dir and port), for {@link #relaunch}. */
    private ProcessBuilder builder;
    private Path log;

    private ServerUnderTest(Kind kind, String host, int port, long pid, Process process, String secret,
                            String apiKey, List<String> jvmOptions) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.pid = pid;
        this.process = process;
        this.secret = secret;
        this.apiKey = apiKey;
        this.jvmOptions = jvmOptions;
    }

    /** Uses a server that is already running. */
    public static ServerUnderTest attach(Kind kind, String host, int port, long pid, String secret, String apiKey)
            throws Exception {
        ServerUnderTest s = new ServerUnderTest(kind, host, port, pid, null, secret, apiKey, List.of());
        s.awaitHealthy(30_000);
        return s;
    }

    /** Starts a server of {@code kind} on {@code port} (0 = a free one) and waits for /health. */
    public static ServerUnderTest launch(Kind kind, String host, int port, Path serverJar, Path nodeDir,
                                         List<String> jvmOptions, Map<String, String> extraEnv, String secret,
                                         String apiKey, Path log) throws Exception {
        return launch(kind, host, port, serverJar, nodeDir, jvmOptions, extraEnv, secret, apiKey, log, 60_000);
    }

    /** As above, waiting up to {@code healthyWithinMs} for the first 200 from /health. */
    public static ServerUnderTest launch(Kind kind, String host, int port, Path serverJar, Path nodeDir,
                                         List<String> jvmOptions, Map<String, String> extraEnv, String secret,
                                         String apiKey, Path log, long healthyWithinMs) throws Exception {
        int p = port > 0 ? port : freePort();
        List<String> cmd = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder();
        Path benchJar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        switch (kind) {
            case HERALD -> {
                if (!Files.isRegularFile(serverJar)) {
                    throw new IllegalArgumentException("no server jar at " + serverJar + " (build it: ./mvnw -q -DskipTests package)");
                }
                Path data = Files.createTempDirectory("herald-bench-data");
                cmd.add(java);
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of("-jar", serverJar.toString(), "serve", "--port", Integer.toString(p),
                        "--data-dir", data.toString()));
                Map<String, String> env = pb.environment();
                env.put("HERALD_JWT_SECRET", secret);
                env.put("HERALD_API_KEYS", apiKey);
                env.put("HERALD_PUSHER_APPS", PUSHER_APP + ":" + PUSHER_KEY + ":" + PUSHER_SECRET);
                env.put("HERALD_DEMO", "false");
                env.put("HERALD_SERVER_HOST", host);
                env.put("HERALD_GATEWAY_RATE_LIMIT", "100000");
                env.put("HERALD_GATEWAY_IDLE_TIMEOUT", "300s");
                // the load comes from a few loopback addresses, tens of thousands of connections and
                // thousands of requests a second: the per-address and per-user caps are for strangers
                env.put("HERALD_SERVER_MAX_CONNECTIONS", "0");
                env.put("HERALD_SERVER_MAX_CONNECTIONS_PER_IP", "0");
                env.put("HERALD_SERVER_CONNECT_RATE_PER_USER", "0");
                env.put("HERALD_HTTP_RATE_LIMIT", "0");
                env.put("HERALD_HTTP_API_KEY_RATE_LIMIT", "0");
            }
            case NETTY -> {
                cmd.add(java);
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of("-cp", benchJar.toString(), Bench.class.getName(), "baseline-server",
                        "--host", host, "--port", Integer.toString(p)));
            }
            case NODE -> {
                Path script = nodeDir.resolve("server.js");
                if (!Files.isRegularFile(nodeDir.resolve("node_modules/ws/package.json"))) {
                    throw new IllegalArgumentException("the Node baseline needs `npm install` in " + nodeDir);
                }
                cmd.add("node");
                cmd.add("--expose-gc");
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of(script.toString(), "--host", host, "--port", Integer.toString(p)));
            }
        }
        pb.environment().putAll(extraEnv);
        pb.command(cmd);
        Files.createDirectories(log.toAbsolutePath().getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = pb.start();
        ServerUnderTest s = new ServerUnderTest(kind, host, p, process.pid(), process, secret, apiKey, jvmOptions);
        s.builder = pb;
        s.log = log;
        try {
            s.awaitHealthy(healthyWithinMs);
        } catch (Exception e) {
            s.close();
            throw new IllegalStateException("server did not become healthy; see " + log + ": " + e.getMessage(), e);
        }
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitHealthy(long timeoutMs) throws Exception {
        awaitOk("/health", timeoutMs, 200);
    }

    /**
     * Asks {@code path} every {@code pollMs} until it answers 200; returns {@link System#nanoTime}
     * of that answer's arrival. Fails when the process exits or after {@code timeoutMs}.
     */
    public long awaitOk(String path, long timeoutMs, long pollMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("server exited with code " + process.exitValue());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) new URL("http://" + host + ":" + port + path).openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    long at = System.nanoTime();
                    c.getInputStream().readAllBytes();
                    return at;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(pollMs);
        }
        throw new IllegalStateException("no 200 from " + path + " within " + timeoutMs + " ms", last);
    }

    /**
     * Starts this (stopped) server again as it was started: the same command, environment, port
     * and data directory, its output appended to the same log. Returns at once, without waiting
     * for it to serve ({@link #awaitOk}); the caller closes the new one.
     */
    public ServerUnderTest relaunch() throws IOException {
        if (builder == null) {
            throw new IllegalStateException("only a server the bench started can be started again");
        }
        if (alive()) {
            throw new IllegalStateException("server " + pid + " still runs");
        }
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process again = builder.start();
        ServerUnderTest s = new ServerUnderTest(kind, host, port, again.pid(), again, secret, apiKey, jvmOptions);
        s.builder = builder;
        s.log = log;
        return s;
    }

    public Kind kind() {
        return kind;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return pid;
    }

    public String secret() {
        return secret;
    }

    public String apiKey() {
        return apiKey;
    }

    public long rssKb() {
        return ProcStats.rssKb(pid);
    }

    public long cpuMicros() {
        return ProcStats.cpuMicros(pid);
    }

    /**
     * Asks the server to collect garbage and gives it {@code settleMs} to return memory: jcmd
     * GC.run for a JVM, the baseline's {@code POST /gc} for Node (started with --expose-gc).
     */
    public void gc(long settleMs) throws Exception {
        if (kind == Kind.NODE) {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + host + ":" + port + "/gc").openConnection();
            c.setRequestMethod("POST");
            c.getResponseCode();
        } else {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        Thread.sleep(settleMs);
    }

    /** Output of {@code jcmd PID args…} for a JVM server ("" for Node or on failure). */
    public String jcmd(String... args) {
        if (kind == Kind.NODE) {
            return "";
        }
        try {
            List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "";
        }
    }

    /** What was measured, for the results file. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.name().toLowerCase());
        m.put("pid", pid);
        m.put("started_by_bench", process != null);
        m.put("options", jvmOptions);
        try {
            m.put("threads", ProcStats.threads(pid));
        } catch (RuntimeException ignored) {
            // gone
        }
        return m;
    }

    /** {@code kill -9}: the process dies at once, its sockets are closed by the kernel, nothing runs on exit. */
    public void kill() throws InterruptedException {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (process != null) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static List<String> split(String options) {
        return options == null || options.isBlank() ? List.of() : Arrays.asList(options.trim().split("\\s+"));
    }
}
