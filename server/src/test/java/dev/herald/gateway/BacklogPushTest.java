package dev.herald.gateway;

import static dev.herald.api.NotificationFixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.NotificationFixture;
import dev.herald.store.Dialect;
import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounds of the backlog push (the push on connect and {@code sync}): one per connection at a time,
 * at most {@code gateway.backlog-push-bytes} held by it, and a close for a connection that does
 * not read its backlog within {@code gateway.backlog-drain-timeout}.
 */
class BacklogPushTest {
    static final int CAP = 64 * 1024;
    static NotificationFixture fx;

    @BeforeAll
    static void start() {
        fx = NotificationFixture.start(Dialect.H2, Map.of("gateway.backlog-push-bytes", "64KiB",
                "gateway.backlog-drain-timeout", "2s"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static List<Long> backlog(long user, int n, int contentBytes) {
        String content = "x".repeat(contentBytes);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(fx.sendOne(user, "n" + i, Map.of("content", content)));
        }
        return ids;
    }

    private static String wsPath(long user) {
        return "/ws?token=" + fx.userToken(user);
    }

    @Test
    void syncsFromAClientThatDoesNotRead_startNoSecondPush_eachNotificationArrivesOnce() {
        long user = newUser();
        List<Long> ids = backlog(user, 200, 30 * 1024); // 6 MiB: far more than the socket buffers hold
        try (RawSocket s = RawSocket.connectWs(fx.server().port(), wsPath(user), 4096)) {
            List<String> syncs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "s" + i;
                syncs.add(id);
                s.sendText("{\"type\":\"sync\",\"id\":\"" + id + "\",\"data\":{}}");
            }
            Map<Long, Integer> times = new LinkedHashMap<>();
            Map<String, JsonNode> replies = new LinkedHashMap<>();
            boolean counted = false;
            while (!counted || replies.size() < syncs.size()) {
                JsonNode f = s.readJson(Duration.ofSeconds(10));
                switch (f.path("type").asText()) {
                    case "notification" -> times.merge(f.at("/data/id").asLong(), 1, Integer::sum);
                    case "unread_count" -> counted = true;
                    case "ack" -> replies.put(f.path("id").asText(), f.get("data"));
                    default -> { }
                }
            }
            assertThat(times.keySet()).as("the whole backlog, oldest first").containsExactlyElementsOf(ids);
            assertThat(times.values()).as("each notification once").containsOnly(1);
            for (JsonNode reply : replies.values()) {
                assertThat(reply.get("type").asText()).isEqualTo("sync");
                assertThat(reply.get("synced").asInt()).isZero();
                assertThat(reply.get("in_progress").asBoolean()).as("%s", reply).isTrue();
            }
        }
    }

    @Test
    void aClientThatNeverReadsItsBacklog_isClosedAfterTheDrainTimeout() {
        long user = newUser();
        backlog(user, 200, 30 * 1024);
        double before = fx.server().metric("herald_disconnects_total{reason=\"backlog_not_drained\"}");
        try (RawSocket s = RawSocket.connectWs(fx.server().port(), wsPath(user), 4096)) {
            Await.until("online", () -> fx.server().isOnline(user));
            Await.until("closed for not reading its backlog", () -> !fx.server().isOnline(user), Duration.ofSeconds(15));
            assertThat(fx.server().metric("herald_disconnects_total{reason=\"backlog_not_drained\"}")).isEqualTo(before + 1);
            assertThat(s.awaitEof(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void syncPushesAtMostTheByteCap_theNextSyncGoesOn() {
        long user = newUser();
        List<Long> ids = backlog(user, 10, 20 * 1024);
        NotificationFixture.Opened o = fx.open(user);
        try (WsClient ws = o.ws()) {
            assertThat(NotificationFixture.pushedIds(o.notifications())).as("on connect: all, in batches").containsExactlyElementsOf(ids);
            List<Long> synced = new ArrayList<>();
            long since = 0;
            for (int round = 0; round < 10; round++) {
                String id = ws.send("sync", since == 0 ? Map.of() : Map.of("since_id", since));
                List<JsonNode> frames = new ArrayList<>();
                JsonNode f;
                while (!id.equals((f = ws.next()).path("id").asText())) {
                    frames.add(f);
                }
                List<Long> page = NotificationFixture.pushedIds(frames);
                assertThat(f.at("/data/synced").asInt()).isEqualTo(page.size());
                if (page.isEmpty()) {
                    break;
                }
                long content = frames.stream().mapToLong(n -> n.at("/data/content").asText().length()).sum();
                assertThat(content).as("one sync holds at most the cap").isLessThanOrEqualTo(CAP);
                synced.addAll(page);
                since = page.get(page.size() - 1);
            }
            assertThat(synced).as("page after page, all of them once").containsExactlyElementsOf(ids);
        }
    }
}
