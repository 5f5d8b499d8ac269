package dev.herald.redis;

import static dev.herald.redis.RedisTestNodes.assertOk;
import static dev.herald.redis.RedisTestNodes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis loses every channel's offset and history (FLUSHALL, as a restart without persistence) while
 * the nodes stay connected. A client resuming with an offset and epoch from before the loss must be
 * told {@code recovered: false} — whichever node it resumes on, whether or not a node still has
 * subscribers of the channel (and so restores its epoch and offset), and after new publications —
 * and never be handed the publications after the loss as if they continued its history. Runs on a
 * private redis-server: FLUSHALL on the machine's Redis would hit other test runs.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisHistoryLossTest {
    private static long publish(TestServer via, String channel, int n) {
        TestServer.Response r = via.api("POST", "/admin/websocket/send-to-channel",
                json("channel", channel, "type", "tick", "data", Map.of("n", n)));
        assertOk(r);
        return r.data().get("offset").asLong();
    }

    private static JsonNode resume(TestServer node, long user, String channel, long since, String epoch, List<JsonNode> replayed) {
        try (WsClient ws = node.connect(user)) {
            String id = ws.send("subscribe", Map.of("channel", channel, "since", since, "epoch", epoch));
            while (true) {
                JsonNode f = ws.next();
                if (id.equals(f.path("id").asText())) {
                    return f;
                }
                if ("tick".equals(f.path("type").asText())) {
                    replayed.add(f);
                }
            }
        }
    }

    @Test
    void flushAll_resumeFromBeforeTheLoss_isNotRecovered_onAnyNode() {
        try (RedisProcess redis = RedisProcess.start();
             RedisTestNodes cluster = RedisTestNodes.start(redis.url(), 2, Map.of("redis.presence-ttl", "3s"))) {
            TestServer a = cluster.node(0);
            TestServer b = cluster.node(1);
            String kept = "kept-" + cluster.run;      // b keeps a subscriber through the loss
            String orphan = "orphan-" + cluster.run;  // nobody subscribes when it is lost
            try (WsClient sub = b.connect(901)) {
                String keptEpoch = sub.request("subscribe", Map.of("channel", kept)).at("/data/epoch").asText();
                cluster.awaitSubscribers("c." + kept, 1);
                String orphanEpoch;
                try (WsClient once = a.connect(902)) {
                    orphanEpoch = once.request("subscribe", Map.of("channel", orphan)).at("/data/epoch").asText();
                }
                for (int i = 1; i <= 3; i++) {
                    assertThat(publish(a, kept, i)).isEqualTo(i);
                    assertThat(publish(a, orphan, i)).isEqualTo(i);
                }
                for (int i = 1; i <= 3; i++) {
                    assertThat(sub.awaitType("tick").path("offset").asLong()).isEqualTo(i);
                }

                assertThat(RedisTestNodes.command(redis.url(), "FLUSHALL")).startsWith("+OK");

                // b remembers kept's epoch and offset and restores them, but not the lost history
                List<JsonNode> replayed = new ArrayList<>();
                JsonNode ack = resume(b, 903, kept, 1, keptEpoch, replayed);
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isFalse();
                assertThat(ack.at("/data/epoch").asText()).isEqualTo(keptEpoch);
                assertThat(ack.at("/data/offset").asLong()).isEqualTo(3);
                assertThat(replayed).isEmpty();
                ack = resume(a, 904, kept, 2, keptEpoch, replayed);
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isFalse();
                assertThat(replayed).isEmpty();

                // publications after the loss continue the offsets under b's subscriber...
                assertThat(publish(a, kept, 4)).isEqualTo(4);
                assertThat(sub.awaitType("tick").path("offset").asLong()).isEqualTo(4);
                // ...and are no resume for a client that missed 2 and 3 (lost), only for one that had 3
                ack = resume(a, 905, kept, 1, keptEpoch, replayed);
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isFalse();
                assertThat(replayed).isEmpty();
                ack = resume(b, 906, kept, 3, keptEpoch, replayed);
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isTrue();
                assertThat(replayed).extracting(f -> f.path("offset").asLong()).containsExactly(4L);
                replayed.clear();

                // the orphan channel starts a new history: its old epoch never resumes, even once the
                // new history's offsets pass the client's
                for (int i = 1; i <= 5; i++) {
                    publish(b, orphan, 10 + i);
                }
                ack = resume(a, 907, orphan, 2, orphanEpoch, replayed);
                assertThat(ack.at("/data/recovered").asBoolean()).as(ack.toString()).isFalse();
                assertThat(ack.at("/data/epoch").asText()).isNotEqualTo(orphanEpoch);
                assertThat(replayed).isEmpty();
            }
        }
    }
}
