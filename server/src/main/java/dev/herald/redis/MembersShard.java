package dev.herald.redis;

import static dev.herald.redis.RedisScript.num;
import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.ChannelMembers;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence-channel members on one Redis server (one shard of {@link RedisChannelMembers}: the
 * channels whose topic lives there), in Redis ({@code redis/pusher_members.lua}): one hash per channel
 * ({@code PREFIX pm:ch:<channel>}) with an entry per connection, field
 * {@code <incarnation>|<socket id>}, value {@code <user id>\n<user_info>}. An incarnation is this
 * node's id plus a random part, so a restarted node never inherits its previous entries; its
 * deadline lives in {@code PREFIX pm:nodes} and is moved every TTL/3 ({@code redis.presence-ttl}).
 * Every answer counts only entries of live incarnations, so a node that dies drops out of every
 * member list within the TTL; {@link #reap} deletes its entries and names the users who left with
 * them, once (the script is atomic), for the caller's {@code member_removed}.
 */
final class MembersShard implements ChannelMembers {
    private static final Logger log = LoggerFactory.getLogger(MembersShard.class);
    private static final long HASH_TTL_MS = TimeUnit.DAYS.toMillis(1);

    private final RedisConnections redis;
    private final long ttlMs;
    private final String incarnation;
    private final byte[] nodesKey;
    private final byte[] channelsKey;
    private final String hashPrefix;
    private final RedisScript script = RedisScript.load("pusher_members");

    MembersShard(RedisConnections redis, Duration ttl) {
        this.redis = Objects.requireNonNull(redis);
        this.ttlMs = ttl.toMillis();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.incarnation = redis.nodeId() + "." + HexFormat.of().formatHex(random);
        this.nodesKey = redis.key("pm:nodes");
        this.channelsKey = redis.key("pm:channels");
        this.hashPrefix = redis.prefix() + "pm:ch:";
        try {
            beat().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register presence-channel members in Redis: " + e.getMessage(), e);
        }
        long every = Math.max(100, ttlMs / 3);
        redis.scheduler().scheduleWithFixedDelay(() -> {
            if (!redis.halted() && redis.commandsUp()) {
                beat().exceptionally(e -> {
                    log.debug("presence-channel heartbeat failed: {}", e.getMessage());
                    return null;
                });
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Long> beat() {
        return script.run(redis.async(), ScriptOutputType.INTEGER, new byte[][] {nodesKey, channelsKey},
                utf8("beat"), utf8(incarnation), num(ttlMs));
    }

    private byte[] hash(String channel) {
        return (hashPrefix + channel).getBytes(StandardCharsets.UTF_8);
    }

    private byte[][] keys(String channel) {
        return new byte[][] {nodesKey, channelsKey, hash(channel)};
    }

    private <T> CompletionStage<T> unavailable(CompletableFuture<T> run, String what) {
        return run.handle((v, e) -> {
            if (e != null) {
                throw RedisBroker.unavailable(redis, what, e);
            }
            return v;
        });
    }

    @Override
    public CompletionStage<Joined> join(String channel, String userId, String userInfo, String socketId, int maxMembers) {
        CompletableFuture<List<Long>> run = script.run(redis.async(), ScriptOutputType.MULTI, keys(channel),
                utf8("join"), utf8(incarnation + "|" + socketId), utf8(userId + "\n" + (userInfo == null ? "" : userInfo)),
                utf8(userId), num(maxMembers), num(HASH_TTL_MS), utf8(channel));
        return unavailable(run, "join presence channel " + channel).thenApply(r -> new Joined(r.get(0) == 1, r.get(1) == 1));
    }

    @Override
    public CompletionStage<Boolean> leave(String channel, String userId, String socketId) {
        CompletableFuture<Long> run = script.run(redis.async(), ScriptOutputType.INTEGER, keys(channel),
                utf8("leave"), utf8(incarnation + "|" + socketId), utf8(userId), utf8(channel));
        return unavailable(run, "leave presence channel " + channel).thenApply(n -> n == 1);
    }

    @Override
    public CompletionStage<Map<String, String>> members(String channel) {
        CompletableFuture<List<byte[]>> run = script.run(redis.async(), ScriptOutputType.MULTI, keys(channel),
                utf8("members"));
        return unavailable(run, "read presence channel " + channel).thenApply(values -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (byte[] v : values) {
                String s = new String(v, StandardCharsets.UTF_8);
                int nl = s.indexOf('\n');
                String info = s.substring(nl + 1);
                out.put(s.substring(0, nl), info.isEmpty() ? null : info);
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Map<String, Integer>> channels() {
        CompletableFuture<List<Object>> run = script.run(redis.async(), ScriptOutputType.MULTI,
                new byte[][] {nodesKey, channelsKey}, utf8("channels"), utf8(hashPrefix));
        return unavailable(run, "list presence channels").thenApply(r -> {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (int i = 0; i + 1 < r.size(); i += 2) {
                out.put(new String((byte[]) r.get(i), StandardCharsets.UTF_8), ((Long) r.get(i + 1)).intValue());
            }
            return out;
        });
    }

    @Override
    public CompletionStage<List<String>> reap(String channel) {
        CompletableFuture<List<byte[]>> run = script.run(redis.async(), ScriptOutputType.MULTI, keys(channel),
                utf8("reap"), utf8(channel));
        return unavailable(run, "reap presence channel " + channel)
                .thenApply(r -> r.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
    }

    @Override
    public void close() {
        // entries of this incarnation expire with its deadline; reaped by the nodes that remain
    }
}
