package dev.herald.api;

import static dev.herald.api.NotificationFixture.barrier;
import static dev.herald.api.NotificationFixture.json;
import static dev.herald.api.NotificationFixture.ok;
import static dev.herald.api.NotificationFixture.pushedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Collapsing over HTTP and WebSocket on a real node (SPEC §7): the second send with the same
 * group_key re-pushes the SAME notification id with group_count 2, stores no row, and the unread
 * count does not change; the send's reply says it collapsed.
 */
class CollapseApiTest {
    private static final String BASE = NotificationFixture.BASE;
    private static final AtomicLong USERS = new AtomicLong(90_000);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private JsonNode send(long user, String title, String key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(user));
        body.put("title", title);
        body.put("content", "c " + title);
        body.put("group_key", key);
        body.put("group_window", 3600);
        return ok(server.api("POST", BASE + "/send", json(body)));
    }

    @Test
    void secondSend_rePushesTheSameIdWithGroupCount_unreadCountUnchanged() {
        long me = USERS.incrementAndGet();
        try (WsClient ws = server.connect(me)) {
            assertThat(ws.awaitType("unread_count").at("/data/count").asLong()).isZero();
            JsonNode first = send(me, "1 new comment", "post-7");
            assertThat(first.get("collapsed").asInt()).isZero();
            long id = first.get("ids").get(0).asLong();
            JsonNode pushed1 = ws.awaitType("notification");
            assertThat(pushed1.at("/data/id").asLong()).isEqualTo(id);
            assertThat(pushed1.at("/data/group_count").asInt()).isEqualTo(1);
            assertThat(pushed1.at("/data/group_key").asText()).isEqualTo("post-7");
            assertThat(ws.awaitType("unread_count").at("/data/count").asLong()).isEqualTo(1);

            JsonNode second = send(me, "2 new comments", "post-7");
            assertThat(second.get("collapsed").asInt()).isEqualTo(1);
            assertThat(second.get("count").asInt()).isEqualTo(1);
            assertThat(second.get("ids").get(0).asLong()).isEqualTo(id);
            JsonNode pushed2 = ws.awaitType("notification");
            assertThat(pushed2.at("/data/id").asLong()).isEqualTo(id);
            assertThat(pushed2.at("/data/group_count").asInt()).isEqualTo(2);
            assertThat(pushed2.at("/data/title").asText()).isEqualTo("2 new comments");
            assertThat(ws.awaitType("unread_count").at("/data/count").asLong()).as("unchanged").isEqualTo(1);
            assertThat(pushedIds(barrier(ws))).isEmpty();
        }
        JsonNode list = ok(server.call("GET", BASE, server.token(me), null));
        assertThat(list.get("total").asLong()).isEqualTo(1);
        assertThat(list.at("/list/0/group_count").asInt()).isEqualTo(2);
    }
}
