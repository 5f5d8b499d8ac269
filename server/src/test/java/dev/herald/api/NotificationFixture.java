package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.protocol.Json;
import dev.herald.store.DatabaseConfig;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.Await;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A real Herald node for the inbox tests, on the embedded H2 database or on a fresh PostgreSQL or
 * MariaDB database (created for the fixture and dropped by {@link #close()}; an unreachable server
 * FAILS the test, never skips it). Offers the inbox calls over real HTTP, WebSocket helpers that
 * know the inbox frames, and plain JDBC on the node's database for what HTTP cannot arrange
 * (backdating rows) or should not be trusted to report (counting rows).
 */
public final class NotificationFixture implements AutoCloseable {
    public static final String BASE = "/admin/system/notifications";
    private static final AtomicLong USERS = new AtomicLong(1_000);

    private final TestServer server;
    private final TestDatabase database;
    private final DatabaseConfig jdbc;

    private NotificationFixture(TestServer server, TestDatabase database) {
        this.server = server;
        this.database = database;
        this.jdbc = Herald.databaseConfig(server.herald().settings());
    }

    /** A node on a fresh database of {@code dialect} (H2: the node's own temporary data dir). */
    public static NotificationFixture start(Dialect dialect) {
        return start(dialect, Map.of());
    }

    public static NotificationFixture start(Dialect dialect, Map<String, String> extra) {
        if (dialect == Dialect.H2) {
            return new NotificationFixture(TestServer.start(extra), null);
        }
        TestDatabase db = TestDatabase.create(dialect);
        try {
            DatabaseConfig c = db.config();
            Map<String, String> settings = new HashMap<>(extra);
            settings.put("db.url", c.url());
            settings.put("db.user", c.user());
            settings.put("db.password", c.password());
            settings.putIfAbsent("db.pool-size", "8");
            return new NotificationFixture(TestServer.start(settings), db);
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    public TestServer server() {
        return server;
    }

    public Dialect dialect() {
        return jdbc.dialect();
    }

    /** The name of the fresh PostgreSQL/MariaDB database (the last segment of its URL). */
    public String databaseName() {
        String url = jdbc.jdbcUrl();
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        return base.substring(base.lastIndexOf('/') + 1);
    }

    /** A user id no other test has used (fresh inbox, offline, unknown). */
    public static long newUser() {
        return USERS.incrementAndGet();
    }

    // ------------------------------------------------------------------ HTTP

    public String userToken(long userId) {
        return server.token(userId);
    }

    public String adminToken(long userId) {
        return server.adminToken(userId);
    }

    public Response call(String method, String path, String auth, Object body) {
        return server.call(method, path, auth, body == null ? null : body instanceof String s ? s : json(body));
    }

    public Response get(String path, String auth) {
        return call("GET", path, auth, null);
    }

    public Response post(String path, String auth, Object body) {
        return call("POST", path, auth, body);
    }

    /** GET as {@code userId} (user token); asserts 200 and returns {@code data}. */
    public JsonNode getOk(String path, long userId) {
        return ok(get(path, userToken(userId)));
    }

    /** Sends with the API key; asserts 200 and returns {@code data}. */
    public JsonNode send(Map<String, ?> body) {
        return ok(post(BASE + "/send", TestServer.API_KEY, body));
    }

    /** Sends one notification {@code title} to {@code userId}; returns its id. */
    public long sendOne(long userId, String title) {
        return sendOne(userId, title, Map.of());
    }

    /** Sends one notification to {@code userId} with {@code extra} body fields; returns its id. */
    public long sendOne(long userId, String title, Map<String, ?> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_ids", List.of(userId));
        body.put("title", title);
        body.put("content", "content of " + title);
        body.putAll(extra);
        JsonNode data = send(body);
        assertThat(data.get("count").asInt()).as("stored").isEqualTo(1);
        return data.get("ids").get(0).asLong();
    }

    /** The notification as its owner sees it over HTTP. */
    public JsonNode detail(long userId, long id) {
        return getOk(BASE + "/" + id, userId);
    }

    public long unreadCount(long userId) {
        return getOk(BASE + "/unread-count", userId).get("count").asLong();
    }

    /** Asserts a 200 envelope and returns its {@code data}. */
    public static JsonNode ok(Response r) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(200);
        JsonNode env = r.json();
        assertThat(env.get("code").asInt()).isEqualTo(200);
        return env.get("data");
    }

    /** Asserts an error envelope with {@code status} (HTTP status = code) and returns it. */
    public static JsonNode error(Response r, int status) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode env = r.json();
        assertThat(env.get("code").asInt()).isEqualTo(status);
        assertThat(env.get("message").asText()).isNotBlank();
        return env;
    }

    /** Asserts a 422 naming {@code field} in {@code data.errors}; returns the reason. */
    public static String invalid(Response r, String field) {
        JsonNode env = error(r, 422);
        JsonNode reason = env.path("data").path("errors").get(field);
        assertThat(reason).as("data.errors.%s in %s", field, r.body()).isNotNull();
        assertThat(reason.asText()).isNotBlank();
        return reason.asText();
    }

    public static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static List<Long> ids(JsonNode list) {
        List<Long> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("id").asLong()));
        return out;
    }

    // ------------------------------------------------------------------ WebSocket

    /** An open connection and what the server pushed right after it opened. */
    public record Opened(WsClient ws, List<JsonNode> notifications, long unreadCount) {}

    /**
     * Connects {@code userId} and reads the frames the inbox pushes on open: the undelivered
     * notifications, then {@code unread_count}. When this returns the user is online and known.
     */
    public Opened open(long userId) {
        WsClient ws = server.connect(userId);
        try {
            List<JsonNode> pushed = new ArrayList<>();
            while (true) {
                JsonNode f = ws.next();
                String type = f.path("type").asText();
                if ("unread_count".equals(type)) {
                    return new Opened(ws, pushed, f.at("/data/count").asLong());
                }
                assertThat(type).as("frame before the first unread_count: %s", f).isEqualTo("notification");
                pushed.add(f);
            }
        } catch (RuntimeException | Error e) {
            ws.close();
            throw e;
        }
    }

    /** Connects and expects an empty inbox push (no notifications, count 0). */
    public WsClient openEmpty(long userId) {
        Opened o = open(userId);
        assertThat(o.notifications()).isEmpty();
        assertThat(o.unreadCount()).isZero();
        return o.ws();
    }

    /**
     * Every frame that reaches {@code ws} before the reply to a {@code ping} sent now. Pushes the
     * server queued before this call are normally written before the pong, so this is the way to
     * check that nothing (else) arrived; it is no proof of absence, because a push queued from
     * another thread may lose the race to the pong on a busy event loop. To wait for a push that
     * must come, use {@link WsClient#awaitType} or {@link #awaitPushedIds}.
     */
    public static List<JsonNode> barrier(WsClient ws) {
        String id = ws.send("ping", Map.of());
        List<JsonNode> seen = new ArrayList<>();
        while (true) {
            JsonNode f = ws.next();
            if (id.equals(f.path("id").asText())) {
                assertThat(f.path("type").asText()).isEqualTo("pong");
                return seen;
            }
            seen.add(f);
        }
    }

    /**
     * Waits for {@code n} {@code notification} pushes, then collects any further ones that arrive
     * before a {@link #barrier}; returns all their ids in arrival order (so an exact check on the
     * result also catches an extra push, as far as a barrier can).
     */
    public static List<Long> awaitPushedIds(WsClient ws, int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(ws.awaitType("notification").at("/data/id").asLong());
        }
        ids.addAll(pushedIds(barrier(ws)));
        return ids;
    }

    /** Frames of {@code type} among {@code frames}. */
    public static List<JsonNode> ofType(List<JsonNode> frames, String type) {
        return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    /** The ids of the {@code notification} frames among {@code frames}, in arrival order. */
    public static List<Long> pushedIds(List<JsonNode> frames) {
        return ofType(frames, "notification").stream().map(f -> f.at("/data/id").asLong()).toList();
    }

    /** The next {@code unread_count} push's count. */
    public static long nextUnreadCount(WsClient ws) {
        return ws.awaitType("unread_count").at("/data/count").asLong();
    }

    // ------------------------------------------------------------------ SQL

    /** A plain JDBC connection to the node's database (same JVM: H2 shares the open file). */
    public Connection jdbc() {
        try {
            return DriverManager.getConnection(jdbc.jdbcUrl(), jdbc.effectiveUser(), jdbc.password());
        } catch (SQLException e) {
            throw new AssertionError("cannot open " + jdbc.safeUrl(), e);
        }
    }

    public String jdbcUser() {
        return jdbc.effectiveUser();
    }

    public String jdbcPassword() {
        return jdbc.password();
    }

    /** {@code SELECT COUNT(*) FROM system_notifications WHERE <where>} including soft-deleted rows. */
    public long countRows(String where, Object... params) {
        return scalar("SELECT COUNT(*) FROM system_notifications WHERE " + where, params);
    }

    public long scalar(String sql, Object... params) {
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    public int update(String sql, Object... params) {
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    /** Sets {@code created_at} of notification {@code id} (tests of dates and retention). */
    public void backdate(long id, Instant createdAt) {
        int n = update("UPDATE system_notifications SET created_at = ? WHERE id = ?",
                dialect().timestamp(createdAt), id);
        assertThat(n).isEqualTo(1);
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, condition, timeout);
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }
}
