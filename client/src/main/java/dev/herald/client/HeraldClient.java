package dev.herald.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client of one Herald server's HTTP API (docs/api.md), authenticated with an API key: the
 * server API for application backends ({@code /admin/websocket/*}), the inbox
 * ({@link #notifications()}, and a user's own view with {@link #asUser(String)}) and the
 * operations endpoints.
 *
 * <pre>{@code
 * HeraldClient herald = HeraldClient.builder()
 *         .baseUrl(URI.create("http://localhost:8080"))
 *         .apiKey(System.getenv("HERALD_API_KEY"))
 *         .build();
 * long online = herald.onlineCount();
 * }</pre>
 *
 * <p>Thread-safe: make one instance per application and share it (it holds one
 * {@link java.net.http.HttpClient} and its connection pool). Every failure is a
 * {@link HeraldException}. Calls that are safe to repeat — GETs, and inbox sends, which carry an
 * idempotency key — are retried on connection failures and on 429, 502, 503 and 504 (see
 * {@link Builder#maxRetries(int)}).
 */
public final class HeraldClient {
    private static final String WS = "/admin/websocket/";
    private static final TypeReference<List<Long>> LONGS = new TypeReference<>() {};
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final Transport transport;
    private final String apiKey;
    private final Notifications notifications;

    private HeraldClient(Builder b) {
        this.transport = new Transport(b.baseUrl, b.connectTimeout, b.requestTimeout, b.maxRetries, b.retryBackoff);
        this.apiKey = b.apiKey;
        this.notifications = new Notifications(transport, apiKey);
    }

    /** @return a builder; {@link Builder#baseUrl(URI)} and {@link Builder#apiKey(String)} are required */
    public static Builder builder() {
        return new Builder();
    }

    // ---- server API: /admin/websocket/* (live pushes to online users; not stored, not retried) ----

    /**
     * {@code GET /admin/websocket/online-count}.
     *
     * @return how many users have at least one open connection (across the cluster)
     */
    public long onlineCount() {
        return get("/admin/websocket/online-count").path("online_count").asLong();
    }

    /** @return the users with at least one open connection ({@code GET /admin/websocket/online-users}) */
    public OnlineUsers onlineUsers() {
        return transport.read(get("/admin/websocket/online-users"), OnlineUsers.class);
    }

    /**
     * {@code POST /admin/websocket/check-online}.
     *
     * @param userId the user
     * @return whether the user has an open connection
     */
    public UserPresence checkOnline(long userId) {
        ObjectNode body = transport.object().put("user_id", userId);
        // a question, not a change: safe to repeat
        return transport.read(transport.call("POST", WS + "check-online", Map.of(), body, apiKey, true), UserPresence.class);
    }

    /**
     * {@code POST /admin/websocket/send-to-user}: a live push to the user's open connections.
     *
     * @param userId the user
     * @param type   the frame's {@code type} (1–64 of letters, digits, {@code _ . : -}), or null for {@code notification}
     * @param data   any value Jackson can write (delivered as given), or null
     * @return whether the user was online to receive it
     */
    public UserPresence sendToUser(long userId, String type, Object data) {
        ObjectNode body = push(type, data).put("user_id", userId);
        return transport.read(post("send-to-user", body), UserPresence.class);
    }

    /**
     * {@code POST /admin/websocket/send-to-users}.
     *
     * @param userIds 1 to 10,000 users (duplicates ignored)
     * @param type    the frame's {@code type}, or null for {@code notification}
     * @param data    any value Jackson can write, or null
     * @return the users who were online to receive it, ascending
     */
    public List<Long> sendToUsers(Collection<Long> userIds, String type, Object data) {
        ObjectNode body = push(type, data);
        ids(body, "user_ids", userIds);
        return transport.read(post("send-to-users", body).path("sent_to"), LONGS);
    }

    /**
     * {@code POST /admin/websocket/broadcast} to every online user.
     *
     * @param type the frame's {@code type}, or null for {@code notification}
     * @param data any value Jackson can write, or null
     * @return how many online users it was sent to
     */
    public long broadcast(String type, Object data) {
        return post("broadcast", push(type, data)).path("count").asLong();
    }

    /**
     * {@code POST /admin/websocket/broadcast} to every online user but one.
     *
     * @param type          the frame's {@code type}, or null for {@code notification}
     * @param data          any value Jackson can write, or null
     * @param excludeUserId the user who does not get it (e.g. the one who caused it)
     * @return how many online users it was sent to
     */
    public long broadcast(String type, Object data, long excludeUserId) {
        return post("broadcast", push(type, data).put("exclude_user_id", excludeUserId)).path("count").asLong();
    }

    /**
     * {@code POST /admin/websocket/send-to-channel}: publishes to a channel's subscribers (kept in
     * the channel's history for {@code since}).
     *
     * @param channel the channel
     * @param type    the publication's {@code type}, or null for {@code message}
     * @param data    any value Jackson can write, or null
     * @return the channel and the publication's offset
     */
    public ChannelPublication sendToChannel(String channel, String type, Object data) {
        ObjectNode body = push(type, data).put("channel", Objects.requireNonNull(channel, "channel"));
        return transport.read(post("send-to-channel", body), ChannelPublication.class);
    }

    /**
     * {@code POST /admin/websocket/send-notification}: a live {@code notification} push to everyone
     * online (not stored; use {@link #notifications()} to store one in inboxes).
     *
     * @param title     up to 255 characters
     * @param message   the text
     * @param type      {@code info, success, warning, error, task} or {@code system}, or null for {@code info}
     * @param extraData any value Jackson can write, or null
     * @return how many online users it was sent to
     */
    public long sendNotification(String title, String message, String type, Object extraData) {
        ObjectNode body = notice(title, message, type);
        if (extraData != null) {
            body.set("extra_data", transport.tree(extraData));
        }
        return post("send-notification", body).path("count").asLong();
    }

    /**
     * {@code POST /admin/websocket/send-notification-to-users}: a live {@code notification} push (not stored).
     *
     * @param userIds 1 to 10,000 users
     * @param title   up to 255 characters
     * @param message the text
     * @param type    {@code info, success, warning, error, task} or {@code system}, or null for {@code info}
     * @return the users who were online to receive it
     */
    public List<Long> sendNotificationToUsers(Collection<Long> userIds, String title, String message, String type) {
        ObjectNode body = notice(title, message, type);
        ids(body, "user_ids", userIds);
        return transport.read(post("send-notification-to-users", body).path("sent_to"), LONGS);
    }

    /**
     * {@code POST /admin/websocket/push-data-update}: a {@code data_update} push telling clients a
     * resource changed.
     *
     * @param userIds      1 to 10,000 users
     * @param resourceType e.g. {@code order}
     * @param action       e.g. {@code updated}
     * @param data         any value Jackson can write, or null
     * @return the users who were online to receive it
     */
    public List<Long> pushDataUpdate(Collection<Long> userIds, String resourceType, String action, Object data) {
        ObjectNode body = dataUpdate(resourceType, action, data);
        ids(body, "user_ids", userIds);
        return transport.read(post("push-data-update", body).path("sent_to"), LONGS);
    }

    /**
     * {@code POST /admin/websocket/push-data-update-channel}: a {@code data_update} publication to a channel.
     *
     * @param channel      the channel
     * @param resourceType e.g. {@code order}
     * @param action       e.g. {@code updated}
     * @param data         any value Jackson can write, or null
     * @return the channel and the publication's offset
     */
    public ChannelPublication pushDataUpdateChannel(String channel, String resourceType, String action, Object data) {
        ObjectNode body = dataUpdate(resourceType, action, data).put("channel", Objects.requireNonNull(channel, "channel"));
        return transport.read(post("push-data-update-channel", body), ChannelPublication.class);
    }

    /**
     * {@code POST /admin/websocket/disconnect-user}: closes all the user's connections (close code 4001).
     *
     * @param userId the user
     * @return whether the user had a connection to close
     */
    public boolean disconnectUser(long userId) {
        return post("disconnect-user", transport.object().put("user_id", userId)).path("was_online").asBoolean();
    }

    /**
     * {@code POST /admin/websocket/bind}: attaches a token-less connection (bind flow,
     * {@code auth.allow-bind}) to a user; the connection receives {@code bind_success}.
     *
     * @param clientId the {@code client_id} of the connection's {@code init} frame
     * @param userId   the user it belongs to
     * @throws HeraldException 404 when no unbound connection with that client id is open (never was,
     *                         already bound, closed)
     */
    public void bind(String clientId, long userId) {
        ObjectNode body = transport.object().put("client_id", Objects.requireNonNull(clientId, "clientId")).put("user_id", userId);
        post("bind", body);
    }

    // ---- the inbox ----

    /**
     * The inbox API with the API key: send, the retry and cleanup jobs, and any user's inbox
     * ({@link Notifications#forUser(long)}).
     *
     * @return the inbox operations (a cheap view sharing this client)
     */
    public Notifications notifications() {
        return notifications;
    }

    /**
     * A user's own inbox, called with that user's token instead of the API key — for code that
     * acts on a user's behalf with the user's credential (another user's notification answers 404).
     * An admin token may also be used; it acts on the token's own user.
     *
     * @param userToken the user's JWT (as the WebSocket connects with)
     * @return a view of the token's user's inbox (cheap; sharing this client's connections)
     */
    public Inbox asUser(String userToken) {
        Objects.requireNonNull(userToken, "userToken");
        if (userToken.isBlank()) {
            throw new IllegalArgumentException("userToken must not be blank");
        }
        return new Inbox(transport, userToken, 0);
    }

    // ---- operations ----

    /**
     * {@code GET /health}. A node that is stopping answers 503 with its report; that report is
     * returned too ({@link Health#status()} {@code stopping}). Not retried.
     *
     * @return the node's health report
     */
    public Health health() {
        Transport.Reply r = transport.send(new Transport.Call("GET", "/health", Map.of(), null, null, false));
        if (r.status() != 200 && !(r.status() == 503 && r.data().isObject())) {
            throw transport.failure(r);
        }
        return transport.read(r.data(), Health.class);
    }

    /**
     * {@code GET /health/ready} (the readiness probe). Not retried: it reports the state now.
     *
     * @return ready, or what is not ready
     */
    public Readiness ready() {
        Transport.Reply r = transport.send(new Transport.Call("GET", "/health/ready", Map.of(), null, null, false));
        if (r.status() == 200) {
            return new Readiness(true, List.of());
        }
        if (r.status() == 503 && r.data().has("not_ready")) {
            return new Readiness(false, transport.read(r.data().get("not_ready"), STRINGS));
        }
        throw transport.failure(r);
    }

    /**
     * {@code GET /metrics}.
     *
     * @return the Prometheus text exposition
     */
    public String metrics() {
        Transport.Reply r = transport.send(new Transport.Call("GET", "/metrics", Map.of(), null, apiKey, true));
        if (r.status() != 200) {
            throw transport.failure(r);
        }
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    // ---- request bodies, and the one way every method calls Herald ----

    private ObjectNode push(String type, Object data) {
        ObjectNode body = transport.object();
        if (type != null) {
            body.put("type", type);
        }
        if (data != null) {
            body.set("data", transport.tree(data));
        }
        return body;
    }

    private ObjectNode notice(String title, String message, String type) {
        ObjectNode body = transport.object().put("title", title).put("message", message);
        if (type != null) {
            body.put("type", type);
        }
        return body;
    }

    private ObjectNode dataUpdate(String resourceType, String action, Object data) {
        ObjectNode body = transport.object().put("resource_type", resourceType).put("action", action);
        if (data != null) {
            body.set("data", transport.tree(data));
        }
        return body;
    }

    private static void ids(ObjectNode body, String field, Collection<Long> ids) {
        var array = body.putArray(field);
        ids.forEach(id -> array.add(Objects.requireNonNull(id, "user id")));
    }

    private JsonNode get(String path) {
        return transport.get(path, Map.of(), apiKey);
    }

    /** A push or other change under {@code /admin/websocket/}: not retried (it may have been delivered). */
    private JsonNode post(String endpoint, ObjectNode body) {
        return transport.call("POST", WS + endpoint, Map.of(), body, apiKey, false);
    }

    /** Configures a {@link HeraldClient}. Not thread-safe; the client it builds is. */
    public static final class Builder {
        private URI baseUrl;
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxRetries = 3;
        private Duration retryBackoff = Duration.ofMillis(100);

        private Builder() {}

        /**
         * @param baseUrl where Herald serves, e.g. {@code http://localhost:8080} (a path prefix such as
         *                {@code https://example.com/herald} is kept; required)
         * @return this builder
         */
        public Builder baseUrl(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http(s) URL with a host: " + baseUrl);
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + baseUrl);
            }
            this.baseUrl = baseUrl;
            return this;
        }

        /**
         * @param apiKey one of the server's {@code auth.api-keys} ({@code HERALD_API_KEYS}); an admin
         *               user token works too (required)
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            this.apiKey = apiKey;
            return this;
        }

        /**
         * @param timeout how long to wait for a TCP (and TLS) connection; default 5 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout how long one attempt waits for its answer once sent; default 10 s. A request
         *                timeout is not retried, so a call fails with {@link HeraldException#isTimeout()}
         *                after about this long
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * @param maxRetries how many times a repeatable call is tried again after the first attempt
         *                   (0 turns retries off); default 3
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 10) {
                throw new IllegalArgumentException("maxRetries must be 0 to 10: " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param backoff the wait before the first retry; each further retry waits about twice as long
         *                (up to 32 times this), with random jitter; default 100 ms
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            Objects.requireNonNull(backoff, "retryBackoff");
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("retryBackoff must not be negative");
            }
            this.retryBackoff = backoff;
            return this;
        }

        /**
         * @return a client with this configuration
         * @throws IllegalStateException when the base URL or API key is missing
         */
        public HeraldClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            if (apiKey == null) {
                throw new IllegalStateException("apiKey is required");
            }
            return new HeraldClient(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
