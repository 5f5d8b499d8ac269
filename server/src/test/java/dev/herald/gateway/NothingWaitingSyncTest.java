package dev.herald.gateway;

import static dev.herald.api.NotificationFixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.NotificationFixture;
import dev.herald.protocol.Json;
import dev.herald.store.Dialect;
import dev.herald.testing.StatementCounter;
import dev.herald.testing.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A single node answers the {@code sync} of a user it knows to have nothing waiting without a
 * query, from the start or after any {@code since_id}, with the frame the query gives; a change
 * after it remembered the user is what the next {@code sync} gets. Every statement the node runs
 * goes through a {@link StatementCounter}; the backlog read is the one that LEFT JOINs the page to
 * the count ({@code ON 1 = 1}).
 */
class NothingWaitingSyncTest {
    private static final String BACKLOG_READ = "ON 1 = 1";
    static StatementCounter statements;
    static NotificationFixture fx;

    @BeforeAll
    static void start() throws Exception {
        statements = new StatementCounter("jdbc:h2:mem:sample");
        fx = NotificationFixture.start(Dialect.H2);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            fx.close();
        } finally {
            statements.close();
        }
    }

    /** {@code sync} with {@code data}: the notifications it pushed (ids) and its ack's data. */
    private record Synced(List<Long> pushed, JsonNode ack) {}

    private static Synced sync(WsClient ws, Map<String, ?> data) {
        String id = ws.send("sync", data);
        List<JsonNode> before = new java.util.ArrayList<>();
        while (true) {
            JsonNode f = ws.next();
            if (id.equals(f.path("id").asText())) {
                assertThat(f.path("type").asText()).as("reply to sync: %s", f).isEqualTo("ack");
                return new Synced(NotificationFixture.pushedIds(before), f.get("data"));
            }
            before.add(f);
        }
    }

    @Test
    void aUserWithNothingWaiting_isSyncedWithoutAQuery_sameFrameAsTheQuery() throws Exception {
        long user = newUser();
        // a normal notification is never pushed: unread 1, nothing waiting
        fx.sendOne(user, "stored only", Map.of("level", "normal"));
        WsClient ws = fx.open(user).ws(); // the connect reads the backlog and remembers the user
        try {
            statements.reset();
            Synced fromStart = sync(ws, Map.of());
            Synced afterAnId = sync(ws, Map.of("since_id", 1040));
            Synced afterZero = sync(ws, Map.of("since_id", 0));
            assertThat(statements.count(BACKLOG_READ)).as("backlog reads for three syncs of a known user").isZero();

            // what the query gives: forget the user (a change of their rows that leaves the answer as
            // it was: another normal notification, read at once) and sync again
            long other = fx.sendOne(user, "read at once", Map.of("level", "normal"));
            NotificationFixture.ok(fx.post(NotificationFixture.BASE + "/" + other + "/read", fx.userToken(user), null));
            statements.reset();
            Synced queried = sync(ws, Map.of("since_id", 1040));
            assertThat(statements.count(BACKLOG_READ)).as("a sync after a change reads the backlog").isEqualTo(1);

            for (Synced s : List.of(fromStart, afterAnId, afterZero)) {
                assertThat(s.pushed()).isEmpty();
                assertThat(s.ack()).isEqualTo(queried.ack());
            }
            assertThat(queried.ack()).isEqualTo(Json.MAPPER.readTree("{\"type\":\"sync\",\"synced\":0,\"count\":1}"));
        } finally {
            ws.close();
        }
    }

    @Test
    void aSyncFromTheStart_remembers_andAChangeAfterwards_isSeenByTheNextSync() {
        long user = newUser();
        WsClient ws = fx.openEmpty(user);
        try {
            long id = fx.sendOne(user, "urgent while connected", Map.of("level", "urgent"));
            ws.awaitType("notification");

            // forgotten by the send: the sync reads the backlog, and brings the notification
            statements.reset();
            Synced first = sync(ws, Map.of());
            assertThat(first.pushed()).containsExactly(id);
            assertThat(first.ack().get("count").asLong()).isEqualTo(1);
            assertThat(sync(ws, Map.of("since_id", id - 1)).pushed()).containsExactly(id);
            assertThat(sync(ws, Map.of("since_id", id)).pushed()).isEmpty();
            assertThat(statements.count(BACKLOG_READ)).isEqualTo(3);

            // acked: a sync from the start finds nothing waiting and remembers it
            ws.request("ack", Map.of("notification_ids", List.of(id)));
            statements.reset();
            assertThat(sync(ws, Map.of()).ack().get("count").asLong()).isEqualTo(1);
            assertThat(sync(ws, Map.of()).ack().get("count").asLong()).isEqualTo(1);
            assertThat(sync(ws, Map.of("since_id", id)).ack().get("synced").asInt()).isZero();
            assertThat(statements.count(BACKLOG_READ)).as("one read, then remembered").isEqualTo(1);

            // read over HTTP, after the node remembered the user: the next sync says so
            NotificationFixture.ok(fx.post(NotificationFixture.BASE + "/" + id + "/read", fx.userToken(user), null));
            assertThat(sync(ws, Map.of("since_id", id)).ack().get("count").asLong()).as("read after remembered").isZero();

            // a new urgent one after the node remembered the user again: the next sync brings it
            assertThat(sync(ws, Map.of()).ack().get("count").asLong()).isZero();
            long next = fx.sendOne(user, "another", Map.of("level", "urgent"));
            Synced after = sync(ws, Map.of("since_id", id));
            assertThat(after.pushed()).contains(next);
            assertThat(after.ack().get("synced").asInt()).isEqualTo(1);
            assertThat(after.ack().get("count").asLong()).isEqualTo(1);
        } finally {
            ws.close();
        }
    }
}
