package dev.herald.transport;

import dev.herald.api.ApiException;
import dev.herald.auth.Principal;
import dev.herald.auth.TokenException;
import dev.herald.auth.TokenVerifier;
import dev.herald.config.Settings;
import dev.herald.gateway.UserRegistry;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.Values;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What a long-lived connection must pass before it opens, the same for {@code /ws} and
 * {@code /sse}: a valid token ({@code ?token=} or {@code Authorization: Bearer}; a missing, bad or
 * expired one is 401, and a refused credential counts against the address's HTTP rate limit, so
 * guessing tokens here is limited like on the API), a {@code user_id} parameter that is a valid id
 * (422) and the token's {@code sub} (403), a place under {@code gateway.max-connections-per-user}
 * and at most {@code server.connect-rate-per-user} connects a minute (429). Refusals are
 * {@link ApiException}s, answered in the JSON envelope before any upgrade or stream.
 */
final class ConnectAdmission {
    private final UserRegistry users;
    private final TokenVerifier tokens;
    private final Settings settings;
    private final HttpAdmission admission;
    private final HeraldMetrics metrics;
    /** Connects per user; only users who connected lately are kept (swept by {@link #sweep()}). */
    private final KeyedRateLimiter<Long> connects;

    ConnectAdmission(UserRegistry users, TokenVerifier tokens, Settings settings, HttpAdmission admission,
                     HeraldMetrics metrics) {
        this.users = Objects.requireNonNull(users);
        this.tokens = Objects.requireNonNull(tokens);
        this.settings = Objects.requireNonNull(settings);
        this.admission = Objects.requireNonNull(admission);
        this.metrics = Objects.requireNonNull(metrics);
        int perMinute = settings.server().userConnectsPerMinute();
        this.connects = perMinute > 0
                ? new KeyedRateLimiter<>(perMinute, TimeUnit.MINUTES.toNanos(1), perMinute, 1_000_000, System::nanoTime)
                : null;
    }

    /**
     * The token's principal, or null when there is no token and {@code unboundAllowed} (the bind
     * flow). {@code usage} ends the 401's message: how to pass a token to this endpoint.
     */
    Principal principal(FullHttpRequest req, Map<String, List<String>> params, boolean unboundAllowed, String usage) {
        String token = first(params, "token");
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (token == null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).strip();
        }
        if (token == null || token.isEmpty()) {
            if (unboundAllowed) {
                return null;
            }
            throw new ApiException(401, "a token is required: " + usage);
        }
        Principal principal;
        try {
            principal = tokens.verify(token);
        } catch (TokenException e) {
            throw new ApiException(401, e.getMessage(), Map.of("token", e.code()));
        }
        String userId = first(params, "user_id");
        if (userId != null && Values.id(userId) < 0) {
            throw new ApiException(422, "user_id " + Values.ID_RULE, Map.of("user_id", Values.ID_RULE));
        }
        if (userId != null && !userId.equals(Long.toString(principal.userId()))) {
            throw new ApiException(403, "user_id does not match the token's subject");
        }
        return principal;
    }

    /**
     * The answer to a refused connect: a 401 counts against the client's HTTP rate limit and
     * becomes 429 past it.
     */
    ApiException refusal(ApiException e, String client) {
        ApiException limited = e.status() == 401 ? admission.admit(null, null, client) : null;
        return limited != null ? limited : e;
    }

    /**
     * Keeps a place for {@code principal} under the per-user limit and counts the connect against
     * its rate; release it ({@link UserRegistry#release}) if the connection does not open after all.
     * @throws ApiException 429 past either limit
     */
    UserRegistry.Seat seat(Principal principal) {
        // the limit check and the place it grants are one atomic step in the registry: concurrent
        // connects of one user on different event loops cannot both take the last place
        int max = settings.gateway().maxConnectionsPerUser();
        UserRegistry.Seat seat = users.reserve(principal.userId(), max);
        if (seat == null) {
            throw new ApiException(429, "this user already has the maximum of " + max + " connections");
        }
        // counted only for connects that get a place: a client refused above loses nothing by retrying
        if (connects != null && !connects.tryAcquire(principal.userId())) {
            users.release(seat);
            metrics.refused("connect_rate");
            throw new ApiException(429, "this user connects too often: more than "
                    + settings.server().userConnectsPerMinute() + " connections a minute");
        }
        return seat;
    }

    void release(UserRegistry.Seat seat) {
        users.release(seat);
    }

    /** Forgets the users whose connect budget has filled up again. */
    void sweep() {
        if (connects != null) {
            connects.sweep();
        }
    }

    static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
