package dev.herald.transport;

import dev.herald.api.ApiException;
import dev.herald.api.Router;
import dev.herald.auth.Principal;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The HTTP API's rate limits. A request made with an API key counts against that key
 * ({@code http.api-key-rate-limit} per second: a backend pushing thousands of sends a second from a
 * few addresses is one trusted caller); every other request (no credential, a user or admin token,
 * or a refused credential) counts against the client's address ({@code http.rate-limit} per second),
 * so a stolen or made-up token cannot buy more than the address has. Each may burst to two seconds'
 * worth. 0 turns a limit off. Pages and scripts are not counted (see {@link HttpHandler}).
 */
final class HttpAdmission implements Router.Admission {
    private static final int MAX_KEYS = 100_000;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final KeyedRateLimiter<String> byAddress;
    private final KeyedRateLimiter<String> byApiKey;
    private final int addressLimit;
    private final int apiKeyLimit;
    private final HeraldMetrics metrics;

    HttpAdmission(Settings.Http http, HeraldMetrics metrics, LongSupplier nanoClock) {
        this.addressLimit = http.rateLimit();
        this.apiKeyLimit = http.apiKeyRateLimit();
        this.byAddress = addressLimit > 0 ? new KeyedRateLimiter<>(addressLimit, SECOND, 2 * addressLimit, MAX_KEYS, nanoClock) : null;
        // keyed by the credential itself: only configured keys authenticate as a backend, so they are few
        this.byApiKey = apiKeyLimit > 0 ? new KeyedRateLimiter<>(apiKeyLimit, SECOND, 2 * apiKeyLimit, 1000, nanoClock) : null;
        this.metrics = metrics;
    }

    @Override
    public ApiException admit(Principal principal, String authorization, String client) {
        if (principal != null && principal.kind() == Principal.Kind.BACKEND) {
            if (byApiKey != null && !byApiKey.tryAcquire(authorization.strip())) {
                metrics.refused("rate_limit");
                return new ApiException(429, "too many requests with this API key: more than " + apiKeyLimit + " a second");
            }
            return null;
        }
        if (byAddress != null && !byAddress.tryAcquire(client)) {
            metrics.refused("rate_limit");
            return new ApiException(429, "too many requests from this address: more than " + addressLimit + " a second");
        }
        return null;
    }

    /** Drops the buckets of callers that have been quiet. */
    void sweep() {
        if (byAddress != null) {
            byAddress.sweep();
        }
        if (byApiKey != null) {
            byApiKey.sweep();
        }
    }
}
