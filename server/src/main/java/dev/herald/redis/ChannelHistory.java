package dev.herald.redis;

import static dev.herald.redis.RedisScript.num;
import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.Broker;
import dev.herald.broker.Topic;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel history in Redis, the cluster's twin of the in-memory {@code broker.ChannelLog}. A
 * publication runs one Lua script ({@code channel_publish}) that assigns the next offset, stores
 * the frame in the channel's history stream (bounded by size and TTL) and publishes it, atomically, so every
 * node, the publishing one included, hears a channel in offset order. The channel's epoch lives
 * beside its offset ({@code PREFIX ch:{name}:m}, history in {@code ch:{name}:h}); a channel whose
 * keys expired starts a new epoch. For the channels this node hears it remembers the latest epoch
 * and highest offset seen, keeps their keys alive and restores them if Redis lost them, so offsets
 * never go back under a live subscriber. Any thread may call every method.
 */
final class ChannelHistory {
    private static final Logger log = LoggerFactory.getLogger(ChannelHistory.class);
    private static final int KEEP_BATCH = 100;

    private record Known(String epoch, long offset) {}

    private final RedisConnections redis;
    private final TopicSubscriptions topics;
    private final int historySize;
    private final long historyTtlMs;
    private final long metaTtlMs;
    private final RedisScript publishScript = RedisScript.load("channel_publish");
    private final RedisScript historyScript = RedisScript.load("channel_history");
    private final RedisScript keepScript = RedisScript.load("channel_keep");
    /** Latest epoch and highest offset seen, for channels with local subscribers. */
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();

    /**
     * @param topics       which channels this node hears (only their positions are remembered)
     * @param keepInterval how often the keys of channels with local subscribers are kept alive
     */
    ChannelHistory(RedisConnections redis, TopicSubscriptions topics, int historySize, Duration historyTtl,
                   Duration keepInterval) {
        this.redis = Objects.requireNonNull(redis);
        this.topics = Objects.requireNonNull(topics);
        this.historySize = historySize;
        this.historyTtlMs = historyTtl.toMillis();
        this.metaTtlMs = Math.max(historyTtlMs, keepInterval.toMillis() * 3);
        long every = Math.max(100, keepInterval.toMillis());
        redis.scheduler().scheduleWithFixedDelay(this::keepChannels, every, every, TimeUnit.MILLISECONDS);
    }

    /** Appends and publishes; the contract is {@link Broker#publishToChannel}'s. */
    CompletionStage<Long> publish(String channel, String type, long exclude, Broker.ChannelFrameEncoder encoder) {
        OffsetTemplate frame = OffsetTemplate.of(encoder);
        Known k = known.get(channel);
        Topic.Channel topic = new Topic.Channel(channel);
        CompletableFuture<List<Object>> run = publishScript.run(redis.async(), ScriptOutputType.MULTI, keys(channel),
                frame.before(), frame.after(), num(historySize), num(historyTtlMs), num(metaTtlMs),
                utf8(topics.name(topic)), utf8(RedisEnvelope.channelHeaderStart(type, exclude)),
                utf8(newEpoch()), utf8(k == null ? "" : k.epoch()), num(k == null ? 0 : k.offset()));
        return run.handle((r, err) -> {
            if (err != null) {
                throw RedisBroker.unavailable(redis, "publish to channel " + channel, err);
            }
            long offset = (Long) r.get(0);
            if (topics.hears(topic)) {
                remember(channel, text(r.get(1)), offset);
            }
            return offset;
        });
    }

    /**
     * The publications after {@code since} ({@code -1}: none, only the position) if the history
     * still holds all of them in {@code epoch} (empty: any); the contract is {@link Broker#history}'s.
     */
    CompletionStage<Broker.History> read(String channel, long since, String epoch) {
        Known k = known.get(channel);
        CompletableFuture<List<Object>> run = historyScript.run(redis.async(), ScriptOutputType.MULTI, keys(channel),
                num(since), utf8(epoch), utf8(newEpoch()), num(historyTtlMs), num(metaTtlMs),
                utf8(k == null ? "" : k.epoch()), num(k == null ? 0 : k.offset()));
        return run.handle((r, err) -> {
            if (err != null) {
                throw RedisBroker.unavailable(redis, "read the history of channel " + channel, err);
            }
            long offset = (Long) r.get(0);
            String currentEpoch = text(r.get(1));
            boolean recovered = (Long) r.get(2) == 1;
            List<Broker.Publication> pubs = new ArrayList<>((r.size() - 3) / 2);
            for (int i = 3; i + 1 < r.size(); i += 2) {
                pubs.add(new Broker.Publication((Long) r.get(i), (byte[]) r.get(i + 1)));
            }
            if (topics.hears(new Topic.Channel(channel))) {
                remember(channel, currentEpoch, offset);
            }
            return new Broker.History(pubs, offset, currentEpoch, since < 0 || recovered);
        });
    }

    /** A publication of {@code channel} was heard: its epoch and offset are the latest known. */
    void remember(String channel, String epoch, long offset) {
        known.merge(channel, new Known(epoch, offset),
                (old, now) -> new Known(now.epoch(), Math.max(old.offset(), now.offset())));
    }

    /** This node no longer hears {@code channel}: its keys are no longer kept alive from here. */
    void forget(String channel) {
        known.remove(channel);
    }

    void clear() {
        known.clear();
    }

    /** Keeps the keys of channels with local subscribers alive; restores them if Redis lost them. */
    CompletionStage<?> keepChannels() {
        if (known.isEmpty() || !redis.commandsUp()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Object>> sent = new ArrayList<>();
        List<Map.Entry<String, Known>> batch = new ArrayList<>(KEEP_BATCH);
        for (Map.Entry<String, Known> e : known.entrySet()) {
            batch.add(Map.entry(e.getKey(), e.getValue()));
            if (batch.size() == KEEP_BATCH) {
                sent.add(keep(batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            sent.add(keep(batch));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Object> keep(List<Map.Entry<String, Known>> batch) {
        byte[][] keys = new byte[batch.size() * 2][];
        byte[][] args = new byte[1 + batch.size() * 2][];
        args[0] = num(metaTtlMs);
        for (int i = 0; i < batch.size(); i++) {
            byte[][] pair = keys(batch.get(i).getKey());
            keys[2 * i] = pair[0];
            keys[2 * i + 1] = pair[1];
            args[1 + 2 * i] = utf8(batch.get(i).getValue().epoch());
            args[2 + 2 * i] = num(batch.get(i).getValue().offset());
        }
        return keepScript.run(redis.async(), ScriptOutputType.INTEGER, keys, args)
                .exceptionally(e -> {
                    log.debug("keeping channel keys failed: {}", e.getMessage());
                    return null;
                });
    }

    private byte[][] keys(String channel) {
        return new byte[][] {redis.key("ch:{" + channel + "}:m"), redis.key("ch:{" + channel + "}:h")};
    }

    private static String newEpoch() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
