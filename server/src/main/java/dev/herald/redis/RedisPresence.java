package dev.herald.redis;

import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Cluster-wide presence in Redis. A user's presence lives on the shard of its user topic
 * ({@link RedisShards}, key {@code u.<id>}), so the user's pushes and presence fail and recover
 * together; each shard keeps it as {@link PresenceShard} does (per-node sets with per-node expiry).
 * A question about some users asks only their shards; the listings that span every user
 * ({@link #onlineUsers}, {@link #onlineCount}) are gathered from every shard (each user is on
 * exactly one, so the count is the sum) and fail while one shard cannot be reached, rather than
 * answer short.
 */
public final class RedisPresence implements Presence {
    private final RedisShards shards;
    private final List<PresenceShard> parts = new ArrayList<>();

    public RedisPresence(RedisShards shards, Duration ttl) {
        this.shards = Objects.requireNonNull(shards);
        for (RedisConnections redis : shards.all()) {
            parts.add(new PresenceShard(redis, ttl));
        }
    }

    private PresenceShard shard(long userId) {
        return parts.get(shards.indexOf(TopicSubscriptions.key(new Topic.User(userId))));
    }

    @Override
    public void userOnline(long userId) {
        shard(userId).userOnline(userId);
    }

    @Override
    public void userOffline(long userId) {
        shard(userId).userOffline(userId);
    }

    @Override
    public CompletionStage<Boolean> isOnline(long userId) {
        return shard(userId).isOnline(userId);
    }

    @Override
    public CompletionStage<Set<Long>> onlineAmong(long[] userIds) {
        if (parts.size() == 1) {
            return parts.get(0).onlineAmong(userIds);
        }
        List<List<Long>> byShard = new ArrayList<>();
        parts.forEach(p -> byShard.add(new ArrayList<>()));
        for (long id : userIds) {
            byShard.get(shards.indexOf(TopicSubscriptions.key(new Topic.User(id)))).add(id);
        }
        List<CompletableFuture<Set<Long>>> asked = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (!byShard.get(i).isEmpty()) {
                long[] ids = byShard.get(i).stream().mapToLong(Long::longValue).toArray();
                asked.add(parts.get(i).onlineAmong(ids).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Set<Long> out = new HashSet<>();
            asked.forEach(a -> out.addAll(a.join()));
            return out;
        });
    }

    @Override
    public CompletionStage<List<Long>> onlineUsers() {
        List<CompletableFuture<List<Long>>> asked = new ArrayList<>();
        parts.forEach(p -> asked.add(p.onlineUsers().toCompletableFuture()));
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Long> out = new ArrayList<>();
            asked.forEach(a -> out.addAll(a.join()));
            out.sort(null);
            return out;
        });
    }

    @Override
    public CompletionStage<Long> onlineCount() {
        List<CompletableFuture<Long>> asked = new ArrayList<>();
        parts.forEach(p -> asked.add(p.onlineCount().toCompletableFuture()));
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(v -> asked.stream().mapToLong(CompletableFuture::join).sum());
    }

    @Override
    public void close() {
        parts.forEach(PresenceShard::close);
    }
}
