package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The inbox across nodes sharing PostgreSQL and Redis: a notification sent through one node is
 * pushed to the recipient on another; one stored for an offline user is synced from a third.
 */
class RedisInboxClusterTest {
    /** Three nodes sharing one Redis and {@code db}. */
    private static RedisTestNodes threeNodesOn(TestDatabase db) {
        var cfg = db.config();
        return RedisTestNodes.start(3, Map.of("db.url", cfg.url(), "db.user", cfg.user(), "db.password", cfg.password()));
    }

    @Test
    void notificationSentOnOneNode_pushedOnAnother_syncedOnAThird() {
        try (TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL)) {
            try (RedisTestNodes cluster = threeNodesOn(db)) {
                TestServer a = cluster.node(0);
                TestServer b = cluster.node(1);
                TestServer c = cluster.node(2);
                try (WsClient online = b.connect(501)) {
                    cluster.awaitSubscribers("u.501", 1);
                    var sent = a.api("POST", "/admin/system/notifications/send", json("user_ids", List.of(501, 502),
                            "title", "Build finished", "content", "green", "type", "success", "category", "task"));
                    assertOk(sent);
                    JsonNode pushed = online.awaitType("notification");
                    assertThat(pushed.at("/data/title").asText()).isEqualTo("Build finished");
                }
                try (WsClient later = c.connect(502)) {
                    JsonNode synced = later.awaitType("notification"); // pushed on connect, or on sync
                    assertThat(synced.at("/data/title").asText()).isEqualTo("Build finished");
                    long id = synced.at("/data/id").asLong();
                    JsonNode ack = later.request("ack", Map.of("notification_ids", List.of(id)));
                    assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
                }
                // the same inbox from the first node
                var list = a.api("GET", "/admin/system/notifications?user_id=502", null);
                assertOk(list);
                assertThat(list.data().get("total").asLong()).isEqualTo(1);
                assertThat(list.data().get("list").get(0).get("sent_via_websocket").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void chatToAUserSeenOnlyByAnotherNode_isKept_aMadeUpOneIsRefused() {
        try (TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL)) {
            try (RedisTestNodes cluster = threeNodesOn(db)) {
                TestServer a = cluster.node(0);
                TestServer b = cluster.node(1);
                TestServer c = cluster.node(2);
                b.connectQuiet(602).close(); // waits for the inbox push, after 602 was recorded as known
                cluster.awaitSubscribers("u.602", 0);
                try (WsClient from = a.connect(601)) {
                    JsonNode kept = from.request("chat", Map.of("to_user_id", 602, "content", "while you were out"));
                    assertThat(kept.at("/data/stored").asBoolean()).as(kept.toString()).isTrue();
                    JsonNode refused = from.request("chat", Map.of("to_user_id", 603, "content", "anyone?"));
                    assertThat(refused.at("/data/code").asText()).as(refused.toString()).isEqualTo("unknown_recipient");
                }
                try (WsClient later = c.connect(602)) {
                    JsonNode n = later.awaitType("notification");
                    assertThat(n.at("/data/content").asText()).isEqualTo("while you were out");
                    assertThat(n.at("/data/action_type").asText()).isEqualTo("chat");
                }
                var known = a.api("POST", "/admin/system/notifications/send", json("title", "all", "content", "x"));
                assertOk(known);
                assertThat(known.data().get("count").asLong()).as("601 and 602, not 603").isEqualTo(2);
            }
        }
    }
}
