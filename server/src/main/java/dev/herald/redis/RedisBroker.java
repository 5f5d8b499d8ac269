package dev.herald.redis;

import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster broker: topics are Redis pub/sub channels; a node SUBSCRIBEs to a user or channel
 * topic when its first local subscriber appears and UNSUBSCRIBEs with the last, to a client topic
 * while it holds that unbound connection, and always hears {@code all} ({@link TopicSubscriptions}).
 * Messages travel as {@link RedisEnvelope}s carrying the already-encoded frame, decoded once per
 * node and handed to the sink, which writes one buffer to every local connection. Channel
 * publications and history go through {@link ChannelHistory}, binds through {@link BindClaims}.
 *
 * <p>Over several Redis servers ({@link RedisShards}) each shard has its own subscriptions, channel
 * history and bind claims, and a topic lives on the shard of its {@linkplain TopicSubscriptions#key
 * key}: publishing, subscribing, a channel's history and a bind each talk to that one shard. While
 * one shard is unreachable only its topics fail (503 as below); the others are not affected, and
 * that shard's topics are resubscribed when it is back.
 *
 * <p>Delivery: {@link #publish} delivers to this node's connections first, then publishes to Redis
 * tagged with this node's id (this node skips its own copy). So while Redis is unreachable, pushes
 * published here still reach connections here, and the returned stage fails with
 * {@link BrokerUnavailableException} because other nodes were not reached. One caller's
 * publications to one topic go through one connection, in order.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    /** One Redis server's part of the broker: the topics whose key it holds, and their state. */
    private record Shard(RedisConnections redis, TopicSubscriptions topics, ChannelHistory history, BindClaims claims) {}

    private final RedisShards shards;
    private final List<Shard> parts = new ArrayList<>();
    private final String nodeId;
    private volatile Sink sink;

    /**
     * @param keepInterval how often the keys of channels with local subscribers are kept alive
     *                     (a third of the presence TTL)
     */
    public RedisBroker(RedisShards shards, int historySize, Duration historyTtl, Duration keepInterval) {
        this.shards = Objects.requireNonNull(shards);
        this.nodeId = shards.nodeId();
        for (RedisConnections redis : shards.all()) {
            TopicSubscriptions topics = new TopicSubscriptions(redis);
            parts.add(new Shard(redis, topics, new ChannelHistory(redis, topics, historySize, historyTtl, keepInterval),
                    new BindClaims(redis)));
        }
    }

    /** The shard of {@code topic}. */
    private Shard shard(Topic topic) {
        return parts.get(shards.indexOf(TopicSubscriptions.key(topic)));
    }

    @Override
    public void start(Sink sink) {
        this.sink = Objects.requireNonNull(sink);
        Shard everyone = shard(Topic.ALL);
        for (Shard s : parts) {
            s.redis().pubsub().addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    receive(s, channel, message);
                }

                @Override
                public void subscribed(byte[] channel, long count) {
                    s.topics().confirmed(new String(channel, StandardCharsets.UTF_8));
                }

                @Override
                public void unsubscribed(byte[] channel, long count) {
                    s.topics().left(new String(channel, StandardCharsets.UTF_8));
                }
            });
            if (s == everyone) {
                try {
                    s.topics().subscribeToAll();
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot subscribe to Redis pub/sub at " + s.redis().id() + ": "
                            + e.getMessage(), e);
                }
            }
            // a shard's reconnect restores that shard's topics, claims and channel keys only
            s.redis().onReconnect(s.topics()::resubscribe);
            s.redis().onReconnect(() -> s.claims().restore(s.topics().clients()));
            s.redis().onReconnect(s.history()::keepChannels);
        }
    }

    private void receive(Shard s, byte[] channel, byte[] message) {
        String name = new String(channel, StandardCharsets.UTF_8);
        Topic topic = s.topics().heardOn(name);
        if (topic == null) {
            return;
        }
        RedisEnvelope.Decoded d;
        try {
            d = RedisEnvelope.decode(message);
        } catch (RuntimeException e) {
            log.warn("dropping a malformed message on {}: {}", name, e.getMessage());
            return;
        }
        if (d.origin().equals(nodeId)) {
            return; // delivered locally when it was published
        }
        if (topic instanceof Topic.Channel ch && d.message() instanceof Message.Push f && f.offset() > 0) {
            s.history().remember(ch.name(), d.epoch(), f.offset());
        }
        try {
            sink.deliver(topic, d.message());
        } catch (RuntimeException e) {
            log.warn("delivering a message on {} failed", name, e);
        }
    }

    @Override
    public CompletionStage<Boolean> publish(Topic topic, Message message) {
        if (topic instanceof Topic.Client c) {
            return publishToClient(c, message);
        }
        boolean here = sink.deliver(topic, message);
        Shard s = shard(topic);
        TopicSubscriptions topics = s.topics();
        String name = topics.name(topic);
        byte[] envelope = RedisEnvelope.encode(message, nodeId);
        try {
            return s.redis().async().publish(utf8(name), envelope).toCompletableFuture()
                    .handle((receivers, err) -> {
                        if (err != null) {
                            throw unavailable(s.redis(), "publish to " + name, err);
                        }
                        // PUBLISH counts every node subscribed, this one too while it hears the
                        // topic or its UNSUBSCRIBE is on the way (it skips its own copy: it
                        // delivered above)
                        return here || receivers > (topics.countedByPublish(name) ? 1 : 0);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(s.redis(), "publish to " + name, e));
        }
    }

    /**
     * A bind: claimed through the connection's claim key ({@link BindClaims}), so exactly one bind
     * gets a connection. This node's own connection is claimed by its sink.
     */
    private CompletionStage<Boolean> publishToClient(Topic.Client client, Message message) {
        Shard s = shard(client);
        CompletableFuture<Long> run;
        try {
            run = s.claims().claim(client, s.topics().name(client), RedisEnvelope.encode(message, nodeId));
        } catch (RuntimeException e) {
            run = CompletableFuture.failedFuture(e);
        }
        return run.handle((receivers, err) -> {
            if (err != null) {
                // Redis is out of reach: a connection of this node can still be bound, no other
                if (sink.deliver(client, message)) {
                    return true;
                }
                throw unavailable(s.redis(), "bind " + client.clientId(), err);
            }
            if (receivers < 0) {
                return false; // bound already, closed, or never was (keys are written again on reconnect)
            }
            // published to the node that holds it; when that is this node, its sink claims it
            // here (our copy of the PUBLISH is skipped)
            return sink.deliver(client, message) || receivers > 0;
        });
    }

    @Override
    public CompletionStage<Long> publishToChannel(String channel, String type, long excludeSocket,
                                                  ChannelFrameEncoder encoder) {
        return shard(new Topic.Channel(channel)).history().publish(channel, type, excludeSocket, encoder);
    }

    /**
     * PUBSUB CHANNELS over the channel topics of every shard: every node's SUBSCRIBEs are visible to
     * any of them. Fails when one shard cannot be reached (the list would be missing its channels).
     */
    @Override
    public CompletionStage<Set<String>> heardChannels(String prefix) {
        List<CompletableFuture<Set<String>>> asked = new ArrayList<>();
        for (Shard s : parts) {
            asked.add(heardChannels(s, prefix));
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Set<String> out = new TreeSet<>();
            asked.forEach(a -> out.addAll(a.join()));
            return out;
        });
    }

    /** PUBSUB NUMSUB of the channel's topic, on the channel's shard only. */
    @Override
    public CompletionStage<Boolean> heard(String channel) {
        Shard s = shard(new Topic.Channel(channel));
        String name = s.topics().name(new Topic.Channel(channel));
        try {
            return s.redis().async().pubsubNumsub(utf8(name)).toCompletableFuture()
                    .handle((counts, err) -> {
                        if (err != null) {
                            throw unavailable(s.redis(), "tell whether channel " + channel + " is heard", err);
                        }
                        Long n = counts.values().stream().findFirst().orElse(0L);
                        return n != null && n > 0;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(s.redis(), "tell whether channel " + channel + " is heard", e));
        }
    }

    private static CompletableFuture<Set<String>> heardChannels(Shard s, String prefix) {
        String base = s.topics().name(new Topic.Channel(""));
        String pattern = base + globEscape(prefix) + "*";
        try {
            return s.redis().async().pubsubChannels(utf8(pattern)).toCompletableFuture()
                    .handle((names, err) -> {
                        if (err != null) {
                            throw unavailable(s.redis(), "list the channels heard", err);
                        }
                        Set<String> out = new TreeSet<>();
                        for (byte[] n : names) {
                            out.add(new String(n, StandardCharsets.UTF_8).substring(base.length()));
                        }
                        return out;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable(s.redis(), "list the channels heard", e));
        }
    }

    private static String globEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public CompletionStage<History> history(String channel, long since, String epoch) {
        return shard(new Topic.Channel(channel)).history().read(channel, since, epoch == null ? "" : epoch);
    }

    @Override
    public CompletionStage<History> position(String channel) {
        return shard(new Topic.Channel(channel)).history().read(channel, -1, "");
    }

    /**
     * For a client topic (an unbound connection) the stage also waits for its claim key, which a
     * bind must find ({@link #publishToClient}).
     */
    @Override
    public CompletionStage<Void> activate(Topic topic) {
        Shard s = shard(topic);
        CompletionStage<Void> heard = s.topics().subscribe(topic);
        if (!(topic instanceof Topic.Client client)) {
            return heard;
        }
        CompletableFuture<Void> claimable = s.claims().write(client.clientId());
        claimable.completeOnTimeout(null, s.redis().timeout().toMillis(), TimeUnit.MILLISECONDS);
        return heard.thenCombine(claimable, (a, b) -> null);
    }

    @Override
    public void deactivate(Topic topic) {
        Shard s = shard(topic);
        s.topics().unsubscribe(topic, released -> {
            if (released instanceof Topic.Channel ch) {
                s.history().forget(ch.name());
            } else if (released instanceof Topic.Client client) {
                s.claims().delete(client.clientId());
            }
        });
    }

    /** Every shard is reachable and restored; while one is not, the node is degraded. */
    @Override
    public boolean healthy() {
        return shards.healthy();
    }

    @Override
    public void close() {
        for (Shard s : parts) {
            s.topics().clear();
            s.claims().clear();
            s.history().clear();
        }
    }

    /**
     * The failure a stage completes with when the Redis server {@code redis} could not be reached
     * to do {@code what}; names that server (over several, it is the one shard that failed).
     */
    static BrokerUnavailableException unavailable(RedisConnections redis, String what, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return new BrokerUnavailableException("Redis (" + redis.id() + ") cannot be reached to " + what + ": "
                + cause.getMessage(), cause);
    }
}
