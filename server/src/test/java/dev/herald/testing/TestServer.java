package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.auth.TokenIssuer;
import dev.herald.config.Settings;
import dev.herald.config.SettingsLoader;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A real Herald node on a random port with a temporary data dir, a known JWT secret and API key,
 * for integration tests. Settings can be adjusted before start with {@link #start(UnaryOperator)}.
 */
public final class TestServer implements AutoCloseable {
    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    public static final String API_KEY = "test-api-key-1234";

    private final Herald herald;
    private final Path dataDir;
    private final TokenIssuer issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Herald herald, Path dataDir) {
        this.herald = herald;
        this.dataDir = dataDir;
        // the node's own minter: the test secret, or the demo key on a demo-mode node
        this.issuer = herald.issuer().orElseGet(() -> new TokenIssuer(SECRET.getBytes(), Clock.systemUTC()));
    }

    public static TestServer start() {
        return start(UnaryOperator.identity());
    }

    /** Starts with the test defaults plus {@code extra} settings keys (as in the properties file). */
    public static TestServer start(Map<String, String> extra) {
        return start(Map.of(), extra, UnaryOperator.identity());
    }

    public static TestServer start(UnaryOperator<Settings> adjust) {
        return start(Map.of(), Map.of(), adjust);
    }

    public static TestServer start(Map<String, String> env, Map<String, String> extra, UnaryOperator<Settings> adjust) {
        try {
            Path dir = Files.createTempDirectory("herald-test");
            return startIn(dir, env, extra, adjust);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on an existing data dir (to restart a node on the same database). */
    public static TestServer startIn(Path dir, Map<String, String> env, Map<String, String> extra,
                                     UnaryOperator<Settings> adjust) {
        return startIn(dir, env, extra, adjust, java.time.Clock.systemUTC());
    }

    /** A node whose inbox runs on {@code inboxClock} (a {@link TestClock} the test moves). */
    public static TestServer start(java.time.Clock inboxClock, Map<String, String> extra) {
        try {
            return startIn(Files.createTempDirectory("herald-test"), Map.of(), extra, s -> s, inboxClock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node whose connections' time is {@code ticker} (a {@link TestTicker} the test moves): rate limits refill only when it moves. */
    public static TestServer start(java.util.function.LongSupplier ticker, Map<String, String> extra) {
        try {
            return startIn(Files.createTempDirectory("herald-test"), Map.of(), extra, s -> s, java.time.Clock.systemUTC(),
                    ticker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer startIn(Path dir, Map<String, String> env, Map<String, String> extra,
                                     UnaryOperator<Settings> adjust, java.time.Clock inboxClock) {
        return startIn(dir, env, extra, adjust, inboxClock, System::nanoTime);
    }

    private static TestServer startIn(Path dir, Map<String, String> env, Map<String, String> extra,
                                      UnaryOperator<Settings> adjust, java.time.Clock inboxClock,
                                      java.util.function.LongSupplier ticker) {
        var overrides = new HashMap<String, String>();
        overrides.put("data-dir", dir.toString());
        overrides.put("server.host", "127.0.0.1");
        overrides.put("server.port", "0");
        overrides.put("auth.jwt-secret", SECRET);
        overrides.put("auth.api-keys", API_KEY);
        overrides.put("server.io-threads", "2");
        overrides.putAll(extra);
        Settings settings = adjust.apply(SettingsLoader.load(Optional.empty(), env, overrides));
        try {
            return new TestServer(Herald.start(settings, inboxClock, ticker), dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Herald herald() {
        return herald;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return herald.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public String wsUrl(String token) {
        return "ws://127.0.0.1:" + port() + "/ws?token=" + token;
    }

    public String token(long userId) {
        return issuer.issue(userId, false, List.of(), Duration.ofHours(1));
    }

    public String adminToken(long userId) {
        return issuer.issue(userId, true, List.of(), Duration.ofHours(1));
    }

    public String token(long userId, boolean admin, List<String> channels, Duration ttl) {
        return issuer.issue(userId, admin, channels, ttl);
    }

    /** Opens a WebSocket for {@code userId} and waits for its {@code init} frame. */
    public WsClient connect(long userId) {
        WsClient c = WsClient.open(wsUrl(token(userId)));
        c.awaitType("init");
        return c;
    }

    /**
     * Opens a WebSocket for {@code userId} and waits for {@code init} and for the inbox's first
     * {@code unread_count} (sent to every bound connection after any undelivered notifications), so
     * the frames that follow are only the ones the test causes.
     */
    public WsClient connectQuiet(long userId) {
        return connectQuiet(token(userId));
    }

    /** {@link #connectQuiet(long)} with a given token. */
    public WsClient connectQuiet(String token) {
        WsClient c = connect(token);
        c.awaitType("unread_count");
        return c;
    }

    /** Opens a WebSocket with {@code token} (query form) and waits for its {@code init} frame. */
    public WsClient connect(String token) {
        WsClient c = WsClient.open(wsUrl(token));
        c.awaitType("init");
        return c;
    }

    /** The Prometheus text of {@code GET /metrics} (read with the API key: by default it needs a credential). */
    public String metricsText() {
        Response r = call("GET", "/metrics", API_KEY, null);
        if (r.status() != 200) {
            throw new AssertionError("/metrics answered " + r.status());
        }
        return r.body();
    }

    /**
     * The sum of the samples whose series starts with {@code series}, e.g.
     * {@code herald_disconnects_total{reason="slow_consumer"}}; 0 when there is none.
     */
    public double metric(String series) {
        double sum = 0;
        for (String line : metricsText().split("\n")) {
            if (!line.startsWith("#") && line.startsWith(series)) {
                String rest = line.substring(series.length());
                if (rest.startsWith(" ") || rest.startsWith("{") || rest.startsWith(",")
                        || series.endsWith("}") || series.endsWith(",")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /** Whether the server API reports {@code userId} online. */
    public boolean isOnline(long userId) {
        Response r = api("POST", "/admin/websocket/check-online", "{\"user_id\":" + userId + "}");
        if (r.status() != 200) {
            throw new AssertionError("check-online answered " + r.status() + " " + r.body());
        }
        return r.data().get("is_online").asBoolean();
    }

    /** Asserts that the node still accepts and serves a brand-new connection (after a fault). */
    public void assertServesFreshConnection() {
        long user = 900_000 + FRESH.incrementAndGet();
        try (WsClient c = connect(user)) {
            JsonNode pong = c.request("ping", Map.of());
            if (!"pong".equals(pong.path("type").asText())) {
                throw new AssertionError("a fresh connection got " + pong + " instead of pong");
            }
        }
        Response health = call("GET", "/health", null, null);
        if (health.status() != 200) {
            throw new AssertionError("/health answered " + health.status() + " " + health.body());
        }
    }

    private static final AtomicLong FRESH = new AtomicLong();

    /** Sends an HTTP request; {@code auth} is the bearer credential or null. */
    public Response call(String method, String path, String auth, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", "Bearer " + auth);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A call with the API key. */
    public Response api(String method, String path, String body) {
        return call(method, path, API_KEY, body);
    }

    @Override
    public void close() {
        herald.close();
    }

    /** An HTTP response; {@link #json()} parses the envelope. */
    public record Response(int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public JsonNode data() {
            return json().get("data");
        }
    }
}
