package dev.herald.broker;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server on a free loopback port, for tests that stop and restart Redis: stopping the
 * machine's shared Redis would break every other test run using it, so the outage happens here. It
 * is the same server binary, run like the machine's (no persistence). {@link #close()} always stops it.
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
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            RedisProcess r = new RedisProcess(port, Files.createTempDirectory("herald-redis"));
            r.startServer(binary);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot start a private redis-server: " + e.getMessage(), e);
        }
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
        RedisTestNodes.await("redis-server on port " + port, () -> {
            try {
                return RedisTestNodes.command(url(), "PING").startsWith("+PONG");
            } catch (AssertionError notYet) {
                return false;
            }
        });
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
