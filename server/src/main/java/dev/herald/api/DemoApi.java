package dev.herald.api;

import dev.herald.api.Router.Access;
import dev.herald.auth.TokenIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode only (never registered otherwise, so the paths answer 404): a list of sample users and
 * a token for any of them, so a new user can try the inbox and console without an identity system.
 * Tokens are signed with the demo key; admin tokens only with {@code demo.admin=true}.
 */
public final class DemoApi {
    private static final Logger log = LoggerFactory.getLogger(DemoApi.class);
    static final Duration TTL = Duration.ofHours(12);
    /** What the start-up log and {@code /health} say while demo mode is on. */
    public static final String WARNING = "demo mode is on: anyone who can reach this server gets a token for any user"
            + " from POST /demo/token. Never expose it; configure auth.jwt-secret (or auth.jwt-public-key) and"
            + " auth.api-keys to turn it off";
    private static final List<Map<String, Object>> USERS = List.of(
            Map.of("user_id", 1, "name", "Alice"),
            Map.of("user_id", 2, "name", "Bob"),
            Map.of("user_id", 3, "name", "Chen"),
            Map.of("user_id", 4, "name", "Dana"),
            Map.of("user_id", 5, "name", "Emeka"));

    private final TokenIssuer issuer;
    private final boolean adminAllowed;

    /** @param adminAllowed whether {@code POST /demo/token} may hand out admin tokens ({@code demo.admin}) */
    public DemoApi(TokenIssuer issuer, boolean adminAllowed) {
        this.issuer = Objects.requireNonNull(issuer);
        this.adminAllowed = adminAllowed;
    }

    public void register(Router r) {
        log.warn("DEMO MODE: {}{}", WARNING, adminAllowed ? "; demo.admin=true: admin tokens too" : "");
        r.get("/demo/users", Access.PUBLIC, this::users);
        r.post("/demo/token", Access.PUBLIC, this::token);
    }

    private CompletionStage<Reply> users(Request req) {
        return CompletableFuture.completedFuture(Reply.ok(Map.of("enabled", true, "admin", adminAllowed, "users", USERS)));
    }

    private CompletionStage<Reply> token(Request req) {
        JsonBody b = req.json();
        long userId = b.positiveId("user_id");
        boolean admin = b.bool("admin", false);
        b.validate();
        if (admin && !adminAllowed) {
            throw new ApiException(403, "demo admin tokens are off: open the admin console link printed in the server's"
                    + " start banner, or restart with demo.admin=true (HERALD_DEMO_ADMIN=true)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("token", issuer.issue(userId, admin, List.of(), TTL));
        data.put("user_id", userId);
        data.put("admin", admin);
        data.put("expires_at", Instant.now().plus(TTL).toString());
        return CompletableFuture.completedFuture(Reply.ok(data));
    }
}
