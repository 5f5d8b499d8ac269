package dev.herald.api;

import static dev.herald.api.NotificationFixture.BASE;
import static dev.herald.api.NotificationFixture.error;
import static dev.herald.api.NotificationFixture.newUser;
import static dev.herald.api.NotificationFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.Dialect;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.WsClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inbox when its database fails (PostgreSQL in a fresh database, made to refuse connections,
 * turned read-only, or killed in the middle of a batch): a send answers a clear 503 envelope and
 * commits nothing, the same send works once the database is back, and the gateway keeps serving
 * everything that needs no database — pushes from the server API, chat between online users, new
 * connections.
 */
class NotificationFaultTest {
    private static NotificationFixture fx;
    private static String db;

    @BeforeAll
    static void startNode() {
        fx = NotificationFixture.start(Dialect.POSTGRESQL);
        db = fx.databaseName();
    }

    @AfterAll
    static void stopNode() {
        if (fx != null) {
            fx.close();
        }
    }

    @AfterEach
    void restore() {
        admin("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
        admin("ALTER DATABASE " + db + " RESET default_transaction_read_only");
        try (Connection c = fx.jdbc(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER IF EXISTS herald_test_die ON system_notifications");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        awaitInboxUp();
    }

    /** Runs SQL on the server's maintenance database (the same server and user as the node's). */
    private static void admin(String sql) {
        String url = System.getenv("HERALD_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            url = "jdbc:postgresql://127.0.0.1:5432/test";
        }
        try (Connection c = DriverManager.getConnection(url, fx.jdbcUser(), fx.jdbcPassword());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    /** Ends every session on the node's database: the pool's connections die. */
    private static void terminateSessions() {
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db
                + "' AND pid <> pg_backend_pid()");
    }

    private static void refuseConnections() {
        admin("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS false");
        terminateSessions();
    }

    private static void awaitInboxUp() {
        long probe = newUser();
        NotificationFixture.await("the inbox answering again", Duration.ofSeconds(30),
                () -> fx.get(BASE + "/unread-count", fx.userToken(probe)).status() == 200);
    }

    private static Map<String, Object> sendBody(List<Long> users, String title, String key) {
        return Map.of("user_ids", users, "title", title, "content", "body of " + title, "idempotency_key", key);
    }

    private static void assertUnavailable(Response r) {
        JsonNode env = error(r, 503);
        assertThat(env.get("data").isNull()).isTrue();
        assertThat(env.get("message").asText()).containsIgnoringCase("database");
    }

    @Test
    void sendWhileTheDatabaseRefusesConnections_is503AndStoresNothing_andPushesKeepWorking() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        try (WsClient a = fx.openEmpty(alice); WsClient b = fx.openEmpty(bob)) {
            // bob has a notification waiting, so his sync below reads the database
            long waiting = fx.sendOne(bob, "waiting for bob", Map.of("level", "urgent"));
            assertThat(b.awaitType("notification").at("/data/id").asLong()).isEqualTo(waiting);
            refuseConnections();
            // alice, whom this single node knows to have nothing waiting, is synced without it
            JsonNode known = a.request("sync", Map.of());
            assertThat(known.get("type").asText()).as("sync of a user known to have nothing waiting: %s", known)
                    .isEqualTo("ack");
            assertThat(known.at("/data/synced").asInt()).isZero();
            String key = "outage-" + alice;
            // each call waits for the pool's connection timeout (3 s): run them side by side
            CompletableFuture<Response> send = CompletableFuture.supplyAsync(() ->
                    fx.post(BASE + "/send", TestServer.API_KEY, sendBody(List.of(alice, carol), "during outage", key)));
            CompletableFuture<Response> list = CompletableFuture.supplyAsync(() -> fx.get(BASE, fx.userToken(alice)));
            String syncId = b.send("sync", Map.of());

            // the gateway keeps serving what needs no database, while the send waits for one
            JsonNode pushed = ok(fx.post("/admin/websocket/send-to-user", TestServer.API_KEY,
                    Map.of("user_id", alice, "type", "notification", "data", Map.of("title", "live"))));
            assertThat(pushed.get("is_online").asBoolean()).isTrue();
            assertThat(a.awaitType("notification").at("/data/title").asText()).isEqualTo("live");
            JsonNode chat = a.request("chat", Map.of("to_user_id", bob, "content", "still here?"));
            assertThat(chat.at("/data/delivered").asBoolean()).isTrue();
            assertThat(b.awaitType("chat").at("/data/content").asText()).isEqualTo("still here?");
            try (WsClient newcomer = fx.server().connect(newUser())) {
                assertThat(newcomer.request("ping", Map.of()).get("type").asText()).isEqualTo("pong");
            }
            assertThat(ok(fx.get("/admin/websocket/online-count", TestServer.API_KEY)).get("online_count").asInt())
                    .isGreaterThanOrEqualTo(2);

            assertUnavailable(send.get(30, TimeUnit.SECONDS));
            assertUnavailable(list.get(30, TimeUnit.SECONDS));
            JsonNode sync = b.awaitReply(syncId);
            assertThat(sync.get("type").asText()).isEqualTo("error");
            assertThat(sync.at("/data/code").asText()).isEqualTo("unavailable");
            assertThat(a.request("ping", Map.of()).get("type").asText()).as("connection still open").isEqualTo("pong");

            admin("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
            awaitInboxUp();
            assertThat(fx.countRows("title = 'during outage'")).as("nothing stored").isZero();

            JsonNode again = fx.send(sendBody(List.of(alice, carol), "during outage", key));
            assertThat(again.get("duplicate").asBoolean()).as("the failed send left no key behind").isFalse();
            assertThat(again.get("count").asInt()).isEqualTo(2);
            assertThat(a.awaitType("notification").at("/data/title").asText()).isEqualTo("during outage");
            assertThat(fx.countRows("title = 'during outage'")).isEqualTo(2);
        }
    }

    @Test
    void sendWhileTheDatabaseIsReadOnly_is503AndStoresNothing_whileReadsStillWork() {
        long alice = newUser();
        fx.sendOne(alice, "before");
        admin("ALTER DATABASE " + db + " SET default_transaction_read_only = on");
        terminateSessions();
        awaitInboxUp(); // the pool has reconnected: every connection is read-only now

        Response r = fx.post(BASE + "/send", TestServer.API_KEY, sendBody(List.of(alice, newUser()), "read-only", "ro-" + alice));
        assertUnavailable(r);
        assertUnavailable(fx.post(BASE + "/read-all", fx.userToken(alice), null));
        JsonNode list = fx.getOk(BASE, alice);
        assertThat(list.get("total").asLong()).as("reads still answer").isEqualTo(1);
        assertThat(fx.unreadCount(alice)).isEqualTo(1);

        admin("ALTER DATABASE " + db + " RESET default_transaction_read_only");
        terminateSessions();
        NotificationFixture.await("writes accepted again", Duration.ofSeconds(30),
                () -> fx.post(BASE + "/send", TestServer.API_KEY,
                        sendBody(List.of(alice), "read-only", "ro-" + alice)).status() == 200);
        assertThat(fx.countRows("title = 'read-only'")).as("only the send after recovery").isEqualTo(1);
    }

    @Test
    void sendToEveryKnownUser_whenTheDatabaseDiesMidBatch_commitsNoPartOfIt() {
        // more known users than one insert statement takes (10,000), so the batch spans statements
        try (Connection c = fx.jdbc(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO known_users (user_id, first_seen, last_seen)"
                    + " SELECT g, now(), now() FROM generate_series(7000000, 7011999) g ON CONFLICT DO NOTHING");
            s.execute("CREATE OR REPLACE FUNCTION herald_test_die() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN IF NEW.user_id = 7011990 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;"
                    + " RETURN NEW; END $$");
            s.execute("CREATE TRIGGER herald_test_die BEFORE INSERT ON system_notifications"
                    + " FOR EACH ROW EXECUTE FUNCTION herald_test_die()");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        long known = fx.scalar("SELECT COUNT(*) FROM known_users");
        assertThat(known).isGreaterThan(10_000);
        long rowsBefore = fx.scalar("SELECT COUNT(*) FROM system_notifications");
        Map<String, Object> body = Map.of("user_ids", List.of(), "title", "to everyone", "content", "x",
                "category", "announcement", "idempotency_key", "everyone-once");

        assertUnavailable(fx.post(BASE + "/send", TestServer.API_KEY, body));
        assertThat(fx.scalar("SELECT COUNT(*) FROM system_notifications")).as("no partial batch").isEqualTo(rowsBefore);
        assertThat(fx.scalar("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = 'everyone-once'")).isZero();

        try (Connection c = fx.jdbc(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER herald_test_die ON system_notifications");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        JsonNode sent = fx.send(body);
        assertThat(sent.get("count").asLong()).isEqualTo(known);
        assertThat(sent.get("duplicate").asBoolean()).isFalse();
        assertThat(fx.countRows("title = 'to everyone'")).isEqualTo(known);
    }

    @Test
    void markReadWhileTheDatabaseIsDown_is503AndChangesNothing() {
        long alice = newUser();
        long id = fx.sendOne(alice, "stays unread");
        refuseConnections();
        CompletableFuture<Response> delete = CompletableFuture.supplyAsync(() ->
                fx.post(BASE + "/batch-delete", fx.userToken(alice), Map.of("ids", List.of(id))));
        assertUnavailable(fx.post(BASE + "/" + id + "/read", fx.userToken(alice), null));
        assertUnavailable(delete.join());
        admin("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
        awaitInboxUp();
        JsonNode n = fx.detail(alice, id);
        assertThat(n.get("is_read").asBoolean()).isFalse();
    }
}
