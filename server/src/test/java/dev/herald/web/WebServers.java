package dev.herald.web;

import dev.herald.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Starting (and restarting) Herald for the browser tests: demo mode on, like the embedded default
 * (no JWT secret: tokens are signed with the demo key; the API key stays, for the tests' own
 * calls), with demo admin tokens allowed, and a 1 s clock skew so the tests' short-lived tokens
 * expire promptly.
 */
final class WebServers {
    private static final Map<String, String> DEMO = Map.of("demo.enabled", "true", "demo.admin", "true",
            "auth.jwt-secret", "", "auth.clock-skew", "1s");

    private WebServers() {}

    static TestServer start() {
        return TestServer.start(DEMO);
    }

    /** Starts a node on an existing data dir and a fixed port, so open pages can reconnect to it. */
    static TestServer startOn(Path dataDir, int port) {
        Map<String, String> settings = new HashMap<>(DEMO);
        settings.put("server.port", String.valueOf(port));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return TestServer.startIn(dataDir, Map.of(), settings, UnaryOperator.identity());
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e; // the port did not come free
                }
                pause(Duration.ofMillis(200));
            }
        }
    }

    /** Stops a node and starts it again on the same data dir and port. */
    static TestServer restart(TestServer server) {
        Path dir = server.dataDir();
        int port = server.port();
        server.close();
        return startOn(dir, port);
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
