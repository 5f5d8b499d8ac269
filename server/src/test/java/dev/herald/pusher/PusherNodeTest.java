package dev.herald.pusher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import dev.herald.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real Pusher clients against a real node: src/test/node/pusher/scenario.mjs drives pusher-js and
 * laravel-echo over /app/{key}, Pusher's Node server SDK over /apps/{id}, and plays the Laravel
 * app's /broadcasting/auth. The exact versions are in that folder's package.json and lock file;
 * {@code npm ci} installs them once (node_modules is kept and not committed).
 */
public class PusherNodeTest {
    public static final Path DIR = Path.of("src/test/node/pusher");
    static final String APP = "1001";
    static final String KEY = "node-key";
    static final String SECRET = "node-secret-0123456789abcdef";
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        installClients();
        server = TestServer.start(Map.of("pusher.apps", APP + ":" + KEY + ":" + SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** {@code npm ci} when the pinned packages are not installed yet (idempotent, offline afterwards). */
    public static void installClients() throws Exception {
        boolean installed = List.of("pusher-js", "laravel-echo", "pusher").stream()
                .allMatch(p -> Files.exists(DIR.resolve("node_modules").resolve(p).resolve("package.json")));
        if (installed) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm ci finished").isTrue();
        assertThat(npm.exitValue()).as("npm ci in %s: %s", DIR, out).isZero();
    }

    @Test
    void pusherJsEchoAndTheServerSdk_speakToHerald() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", "scenario.mjs").directory(DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(Map.of("HERALD_PORT", String.valueOf(server.port()), "APP_ID", APP, "APP_KEY", KEY,
                "APP_SECRET", SECRET, "HERALD_API_KEY", TestServer.API_KEY));
        Process node = pb.start();
        try {
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).as("the node scenario finished").isTrue();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(node.exitValue()).as(out).isZero();
            JsonNode facts = Json.MAPPER.readTree(out.substring(out.lastIndexOf('\n') + 1));
            assertThat(facts.get("ok").asBoolean()).as(out).isTrue();
            assertThat(facts.get("socketId").asText()).matches("\\d+\\.\\d+");
            assertThat(facts.get("echoOrders").toString()).isEqualTo("[1,2,3,4]");
            assertThat(facts.at("/channelInfo/user_count").asInt()).isEqualTo(2);
            assertThat(facts.at("/refusals/tooBig").asInt()).isEqualTo(413);
        } finally {
            node.destroyForcibly();
        }
    }
}
