package dev.herald.redis;

import static dev.herald.redis.RedisScript.num;
import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Presence;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence on one Redis server (one shard of {@link RedisPresence}: the users whose user topic
 * lives there), with per-node expiry. Each node keeps the users it holds in its
 * own set ({@code PREFIX presence:node:<id>}) and its deadline in a sorted set of nodes
 * ({@code PREFIX presence:nodes}, score = Redis time + TTL). A heartbeat every TTL/3 moves the
 * deadline and the set's expiry (two cheap commands in one script, whatever the number of users).
 * Online = the union of the sets of nodes whose deadline has not passed, computed in one script, so
 * count, list and check agree on every node; a node that dies stops beating, and its users are gone
 * from every answer within the TTL. The set never exists without an expiry: whatever creates it
 * (a user's SADD after it emptied, a rewrite) sets the expiry in the same script, so a node killed
 * before its next heartbeat leaves nothing behind in Redis for good.
 *
 * <p>The node also keeps its users in memory. When a command could not reach Redis, or Redis lost the
 * set (restart without persistence), the next heartbeat or reconnect rewrites the set from memory.
 */
final class PresenceShard implements Presence {
    private static final Logger log = LoggerFactory.getLogger(PresenceShard.class);

    private final RedisConnections redis;
    private final long ttlMs;
    private final byte[] nodesKey;
    private final byte[] myKey;
    private final byte[] scratchKey;
    private final byte[] setPrefix;
    private final RedisScript beatScript = RedisScript.load("presence_beat");
    private final RedisScript queryScript = RedisScript.load("presence_query");
    private final RedisScript syncScript = RedisScript.load("presence_sync");
    private final RedisScript addScript = RedisScript.load("presence_add");
    private final Set<Long> local = ConcurrentHashMap.newKeySet();
    /** Orders this node's SADD/SREM and full rewrites on the one command connection. */
    private final Object writes = new Object();
    private volatile boolean dirty;

    PresenceShard(RedisConnections redis, Duration ttl) {
        this.redis = Objects.requireNonNull(redis);
        this.ttlMs = ttl.toMillis();
        this.nodesKey = redis.key("presence:nodes");
        this.myKey = redis.key("presence:node:" + redis.nodeId());
        this.scratchKey = redis.key("presence:scratch");
        this.setPrefix = redis.key("presence:node:");
        try {
            // a node restarted under the same id must not inherit its previous connections
            redis.async().del(myKey).get(5, TimeUnit.SECONDS);
            beat().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register presence in Redis: " + e.getMessage(), e);
        }
        long every = Math.max(100, ttlMs / 3);
        redis.scheduler().scheduleWithFixedDelay(() -> {
            heartbeat();
        }, every, every, TimeUnit.MILLISECONDS);
        redis.onReconnect(() -> {
            dirty = true;
            return heartbeat();
        });
    }

    @Override
    public void userOnline(long userId) {
        synchronized (writes) {
            local.add(userId);
            // SADD and, when it creates the set, its expiry in one script; EVAL, not EVALSHA, to
            // keep its place among the SREMs and rewrites (see resync)
            write(() -> addScript.<Long>runInOrder(redis.async(), ScriptOutputType.INTEGER, new byte[][] {myKey},
                    num(ttlMs), id(userId)));
        }
    }

    @Override
    public void userOffline(long userId) {
        synchronized (writes) {
            local.remove(userId);
            write(() -> redis.async().srem(myKey, id(userId)).toCompletableFuture());
        }
    }

    private void write(Supplier<CompletableFuture<Long>> command) {
        try {
            command.get().whenComplete((n, err) -> {
                if (err != null) {
                    dirty = true;
                }
            });
        } catch (RuntimeException e) {
            dirty = true;
        }
    }

    private CompletableFuture<?> heartbeat() {
        if (redis.halted() || !redis.commandsUp()) {
            return CompletableFuture.completedFuture(null);
        }
        return beat().thenCompose(exists -> dirty || (exists == 0 && !local.isEmpty())
                ? resync() : CompletableFuture.completedFuture(null))
                .exceptionally(err -> {
                    log.debug("presence heartbeat failed: {}", err.getMessage());
                    return null;
                });
    }

    private CompletableFuture<Long> beat() {
        return beatScript.run(redis.async(), ScriptOutputType.INTEGER, new byte[][] {nodesKey, myKey},
                utf8(redis.nodeId()), num(ttlMs), setPrefix);
    }

    /** Rewrites this node's set from memory. */
    private CompletableFuture<Long> resync() {
        synchronized (writes) {
            dirty = false;
            byte[][] args = new byte[local.size() + 1][];
            args[0] = num(ttlMs);
            int i = 1;
            for (Long id : local) {
                if (i == args.length) {
                    break;
                }
                args[i++] = id(id);
            }
            byte[][] used = i == args.length ? args : Arrays.copyOf(args, i);
            // EVAL, not EVALSHA: after a Redis restart EVALSHA fails with NOSCRIPT and the retry would
            // go out behind SADD/SREM sent since, rewriting the set with this older snapshot (a user
            // who left meanwhile would stay online for good)
            return syncScript.<Long>runInOrder(redis.async(), ScriptOutputType.INTEGER, new byte[][] {myKey}, used)
                    .whenComplete((n, err) -> {
                        if (err != null) {
                            dirty = true;
                        } else {
                            log.info("presence rewritten: {} users (node={})", n, redis.nodeId());
                        }
                    });
        }
    }

    @Override
    public CompletionStage<Boolean> isOnline(long userId) {
        return query("among", new long[] {userId}).thenApply(r -> !r.isEmpty());
    }

    @Override
    public CompletionStage<Set<Long>> onlineAmong(long[] userIds) {
        if (userIds.length == 0) {
            return CompletableFuture.completedFuture(Set.of());
        }
        return query("among", userIds).thenApply(r -> {
            Set<Long> out = new HashSet<>();
            for (Object o : r) {
                out.add(parse(o));
            }
            return out;
        });
    }

    @Override
    public CompletionStage<List<Long>> onlineUsers() {
        return query("users", new long[0]).thenApply(r -> r.stream().map(PresenceShard::parse).sorted().toList());
    }

    @Override
    public CompletionStage<Long> onlineCount() {
        CompletableFuture<Long> run = queryScript.run(redis.async(), ScriptOutputType.INTEGER,
                new byte[][] {nodesKey, scratchKey}, setPrefix, utf8("count"));
        return run.handle((n, err) -> {
            if (err != null) {
                throw unavailable(err);
            }
            return n;
        });
    }

    private CompletionStage<List<Object>> query(String mode, long[] ids) {
        byte[][] args = new byte[2 + ids.length][];
        args[0] = setPrefix;
        args[1] = utf8(mode);
        for (int i = 0; i < ids.length; i++) {
            args[2 + i] = id(ids[i]);
        }
        CompletableFuture<List<Object>> run = queryScript.run(redis.async(), ScriptOutputType.MULTI,
                new byte[][] {nodesKey, scratchKey}, args);
        return run.handle((r, err) -> {
            if (err != null) {
                throw unavailable(err);
            }
            return r;
        });
    }

    @Override
    public void close() {
        if (redis.halted()) {
            return;
        }
        try {
            redis.async().zrem(nodesKey, utf8(redis.nodeId())).get(2, TimeUnit.SECONDS);
            redis.async().del(myKey).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("presence clean-up on close failed (entries expire by TTL): {}", e.getMessage());
        }
        local.clear();
    }

    private BrokerUnavailableException unavailable(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return new BrokerUnavailableException("Redis (" + redis.id() + ") cannot be reached for presence: "
                + cause.getMessage(), cause);
    }

    private static long parse(Object o) {
        return Long.parseLong(o instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(o));
    }

    private static byte[] id(long userId) {
        return num(userId);
    }
}
