package dev.herald.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server on a free loopback port, for tests that stop and restart Redis: stopping the
 * machine's shared Redis would break every other test run using it, so the outage happens here. It
 * is the same server binary, run like the machine's (no persistence). {@link #close()} always stops it.
 *
 * <p>The port is below the kernel's ephemeral range. A port from that range (what binding port 0
 * gives) is handed by the kernel to any outgoing connection on the machine as its source port once
 * the stopped server has released it, and such a connection, open or in TIME_WAIT for a minute after,
 * makes the restart fail ({@code bind: Address already in use}): the tests' clients, and those of
 * everything else running on the machine, open thousands while Redis is down.
 */
final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static RedisProcess start() {
        String binary = find("redis-server");
        try {
            RedisProcess r = new RedisProcess(freePortOutsideEphemeralRange(), Files.createTempDirectory("herald-redis"));
            r.startServer(binary);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot start a private redis-server: " + e.getMessage(), e);
        }
    }

    /** A free loopback port below the kernel's ephemeral range (see the class comment). */
    private static int freePortOutsideEphemeralRange() throws IOException {
        int ephemeralLow = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            // read by lines: a /proc file reports size 0, and Files.readString gets it wrong
            ephemeralLow = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
        }
        int low = Math.max(1024, ephemeralLow - 10_000);
        for (int attempt = 0; attempt < 100 && low < ephemeralLow; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, ephemeralLow);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in [" + low + ", " + ephemeralLow + ")");
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (or restarts) the server on the same port and waits until it answers PING. */
    void startServer() {
        startServer(find("redis-server"));
    }

    private void startServer(String binary) {
        try {
            process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("cannot start redis-server on port " + port + ": " + e.getMessage(), e);
        }
        Process started = process;
        RedisTestNodes.await("redis-server on port " + port, () -> {
            if (!started.isAlive()) {
                throw new AssertionError("redis-server on port " + port + " exited: " + logTail());
            }
            try {
                return RedisTestNodes.command(url(), "PING").startsWith("+PONG");
            } catch (AssertionError notYet) {
                return false;
            }
        });
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("redis.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@code redis-cli shutdown nosave}: Redis goes away and forgets everything. */
    void shutdownNosave() {
        try {
            Process cli = new ProcessBuilder(find("redis-cli"), "-p", Integer.toString(port), "shutdown", "nosave")
                    .redirectErrorStream(true).start();
            cli.waitFor(10, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            throw new AssertionError("redis-cli shutdown failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static String find(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        for (String d : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new AssertionError(name + " is not installed; the Redis outage test needs it (apt-get install redis-server)");
    }
}
