package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.NotificationFixture;
import dev.herald.protocol.Json;
import dev.herald.store.Dialect;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * herald.js under Node (its experimental WebSocket) against a real server: a user with a backlog
 * connects and every notification of it arrives once — with the push on connect alone, and when
 * the application calls {@code sync()} as soon as the link opens, racing that push.
 */
class HeraldJsNodeTest {
    static NotificationFixture fx;

    @BeforeAll
    static void start() {
        fx = NotificationFixture.start(Dialect.H2);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static List<Long> backlog(long user) {
        String content = "y".repeat(4096);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // 1.2 MiB: the push on connect takes a while
            ids.add(fx.sendOne(user, "n" + i, Map.of("content", content)));
        }
        return ids;
    }

    private static JsonNode runClient(long user, String mode) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(HeraldJsNodeTest.class.getResource("/js/herald-node-client.mjs").toURI());
        String module = HeraldJsNodeTest.class.getResource("/web/herald.js").toURI().toString();
        String url = "ws://127.0.0.1:" + fx.server().port() + "/ws";
        Process node = new ProcessBuilder("node", "--experimental-websocket", "--no-warnings", script.toString(),
                module, url, fx.userToken(user), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("the node client finished").isTrue();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(node.exitValue()).as(out).isZero();
            return Json.MAPPER.readTree(out.substring(out.lastIndexOf('\n') + 1));
        } finally {
            node.destroyForcibly();
        }
    }

    private static void assertEachOnce(JsonNode result, List<Long> ids) {
        List<Long> got = new ArrayList<>();
        result.get("counts").fieldNames().forEachRemaining(id -> got.add(Long.parseLong(id)));
        assertThat(got).as("%s", result).containsExactlyInAnyOrderElementsOf(ids);
        result.get("counts").forEach(n -> assertThat(n.asInt()).as("notification frames per id: %s", result).isEqualTo(1));
    }

    @Test
    void backlogOnConnect_arrivesOnce() throws Exception {
        long user = NotificationFixture.newUser();
        List<Long> ids = backlog(user);
        JsonNode result = runClient(user, "plain");
        assertEachOnce(result, ids);
        for (long id : List.of(ids.get(0), ids.get(ids.size() - 1))) {
            assertThat(fx.detail(user, id).get("sent_via_websocket").asBoolean()).as("acked by herald.js").isTrue();
        }
    }

    @Test
    void syncCalledWhenTheLinkOpens_doesNotBringTheBacklogAgain() throws Exception {
        long user = NotificationFixture.newUser();
        List<Long> ids = backlog(user);
        JsonNode result = runClient(user, "sync-on-open");
        assertEachOnce(result, ids);
        assertThat(result.at("/syncReply/error").isMissingNode()).as("%s", result.get("syncReply")).isTrue();
    }
}
