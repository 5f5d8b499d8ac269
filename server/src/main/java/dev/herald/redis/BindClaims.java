package dev.herald.redis;

import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.Topic;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The claim keys of the bind flow: while a node holds an unbound connection, Redis holds
 * {@code PREFIX bind:<client id>} naming that node. A bind is one script ({@code bind_claim}: DEL
 * the key, then PUBLISH only if it was there), so exactly one bind gets a connection even while the
 * UNSUBSCRIBE of one that was just bound is still on its way. A key whose DEL failed (Redis was
 * down) is deleted on reconnect, and the keys of the connections still waiting are written again.
 * Any thread may call every method.
 */
final class BindClaims {
    /**
     * How long an unbound connection's claim key lives when its node dies without deleting it
     * (a live node deletes it when the connection is bound or closes).
     */
    private static final long CLAIM_TTL_MS = TimeUnit.DAYS.toMillis(1);

    private final RedisConnections redis;
    private final RedisScript bindScript = RedisScript.load("bind_claim");
    /** Claim keys whose DEL failed (Redis was down): deleted on reconnect. */
    private final Set<String> stale = ConcurrentHashMap.newKeySet();

    BindClaims(RedisConnections redis) {
        this.redis = Objects.requireNonNull(redis);
    }

    /**
     * Claims {@code client}'s connection and publishes {@code envelope} on {@code channel} to its
     * node. Completes with the number of receivers, or -1 when there was nothing to claim (bound
     * already, closed, or never was); fails when Redis cannot be reached.
     */
    CompletableFuture<Long> claim(Topic.Client client, String channel, byte[] envelope) {
        try {
            return bindScript.run(redis.async(), ScriptOutputType.INTEGER, new byte[][] {key(client.clientId())},
                    utf8(channel), envelope);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Writes a claim key (a connection waits for a bind here); never fails: while Redis is down, the reconnect writes it. */
    CompletableFuture<Void> write(String clientId) {
        stale.remove(clientId);
        try {
            return redis.async().set(key(clientId), utf8(redis.nodeId()), SetArgs.Builder.px(CLAIM_TTL_MS))
                    .toCompletableFuture().handle((ok, err) -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Deletes a claim key (its connection was bound or closed); remembered for the reconnect when Redis is down. */
    void delete(String clientId) {
        try {
            redis.async().del(key(clientId)).whenComplete((n, e) -> {
                if (e != null) {
                    stale.add(clientId);
                }
            });
        } catch (RuntimeException e) {
            stale.add(clientId);
        }
    }

    /**
     * After a reconnect: the claim keys of the unbound connections still waiting here are written
     * again (Redis may have lost them, or never got them), those of connections bound or closed
     * meanwhile are deleted.
     */
    CompletionStage<?> restore(List<Topic.Client> waiting) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (Topic.Client client : waiting) {
            sent.add(write(client.clientId()));
        }
        for (String id : List.copyOf(stale)) {
            stale.remove(id);
            delete(id);
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    void clear() {
        stale.clear();
    }

    private byte[] key(String clientId) {
        return redis.key("bind:" + clientId);
    }
}
