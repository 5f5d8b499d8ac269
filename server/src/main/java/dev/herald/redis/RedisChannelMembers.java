package dev.herald.redis;

import dev.herald.broker.ChannelMembers;
import dev.herald.broker.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Presence-channel members in Redis. A channel's members live on the shard of its channel topic
 * ({@link RedisShards}, key {@code c.<channel>}), beside the channel's pub/sub and history, kept
 * there as {@link MembersShard} does; {@link #channels()}, which spans every channel, is gathered
 * from every shard and fails while one cannot be reached.
 */
public final class RedisChannelMembers implements ChannelMembers {
    private final RedisShards shards;
    private final List<MembersShard> parts = new ArrayList<>();

    public RedisChannelMembers(RedisShards shards, Duration ttl) {
        this.shards = Objects.requireNonNull(shards);
        for (RedisConnections redis : shards.all()) {
            parts.add(new MembersShard(redis, ttl));
        }
    }

    private MembersShard shard(String channel) {
        return parts.get(shards.indexOf(TopicSubscriptions.key(new Topic.Channel(channel))));
    }

    @Override
    public CompletionStage<Joined> join(String channel, String userId, String userInfo, String socketId, int maxMembers) {
        return shard(channel).join(channel, userId, userInfo, socketId, maxMembers);
    }

    @Override
    public CompletionStage<Boolean> leave(String channel, String userId, String socketId) {
        return shard(channel).leave(channel, userId, socketId);
    }

    @Override
    public CompletionStage<Map<String, String>> members(String channel) {
        return shard(channel).members(channel);
    }

    @Override
    public CompletionStage<Map<String, Integer>> channels() {
        if (parts.size() == 1) {
            return parts.get(0).channels();
        }
        List<CompletableFuture<Map<String, Integer>>> asked = new ArrayList<>();
        parts.forEach(p -> asked.add(p.channels().toCompletableFuture()));
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, Integer> out = new TreeMap<>();
            asked.forEach(a -> out.putAll(a.join()));
            return out;
        });
    }

    @Override
    public CompletionStage<List<String>> reap(String channel) {
        return shard(channel).reap(channel);
    }

    @Override
    public void close() {
        parts.forEach(MembersShard::close);
    }
}
