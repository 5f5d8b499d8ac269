package dev.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
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
    private final Transport transport;
    private final String apiKey;

    private HeraldClient(Builder b) {
        this.transport = new Transport(b.baseUrl, b.connectTimeout, b.requestTimeout, b.maxRetries, b.retryBackoff);
        this.apiKey = b.apiKey;
    }

    /** @return a builder; {@link Builder#baseUrl(URI)} and {@link Builder#apiKey(String)} are required */
    public static Builder builder() {
        return new Builder();
    }

    // ---- server API: /admin/websocket/* ----

    /**
     * {@code GET /admin/websocket/online-count}.
     *
     * @return how many users have at least one open connection (across the cluster)
     */
    public long onlineCount() {
        return get("/admin/websocket/online-count").path("online_count").asLong();
    }

    // ---- the one way every method calls Herald ----

    private JsonNode get(String path) {
        return transport.data(new Transport.Call("GET", path, Map.of(), null, apiKey, true));
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
