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

/**
 * Demo mode only (never registered otherwise, so the paths answer 404): a list of sample users and
 * a token for any of them, so a new user can try the inbox and console without an identity system.
 */
public final class DemoApi {
    static final Duration TTL = Duration.ofHours(12);
    private static final List<Map<String, Object>> USERS = List.of(
            Map.of("user_id", 1, "name", "Alice"),
            Map.of("user_id", 2, "name", "Bob"),
            Map.of("user_id", 3, "name", "Chen"),
            Map.of("user_id", 4, "name", "Dana"),
            Map.of("user_id", 5, "name", "Emeka"));

    private final TokenIssuer issuer;

    public DemoApi(TokenIssuer issuer) {
        this.issuer = Objects.requireNonNull(issuer);
    }

    public void register(Router r) {
        r.get("/demo/users", Access.PUBLIC, this::users);
        r.post("/demo/token", Access.PUBLIC, this::token);
    }

    private CompletionStage<Reply> users(Request req) {
        return CompletableFuture.completedFuture(Reply.ok(Map.of("enabled", true, "users", USERS)));
    }

    private CompletionStage<Reply> token(Request req) {
        JsonBody b = req.json();
        long userId = b.positiveId("user_id");
        boolean admin = b.bool("admin", false);
        b.validate();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("token", issuer.issue(userId, admin, List.of(), TTL));
        data.put("user_id", userId);
        data.put("admin", admin);
        data.put("expires_at", Instant.now().plus(TTL).toString());
        return CompletableFuture.completedFuture(Reply.ok(data));
    }
}
