package dev.herald.redis;

import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
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
 * <p>Delivery: {@link #publish} delivers to this node's connections first, then publishes to Redis
 * tagged with this node's id (this node skips its own copy). So while Redis is unreachable, pushes
 * published here still reach connections here, and the returned stage fails with
 * {@link BrokerUnavailableException} because other nodes were not reached. One caller's
 * publications to one topic go through one connection, in order.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisConnections redis;
    private final String nodeId;
    private final TopicSubscriptions topics;
    private final ChannelHistory history;
    private final BindClaims claims;
    private volatile Sink sink;

    /**
     * @param keepInterval how often the keys of channels with local subscribers are kept alive
     *                     (a third of the presence TTL)
     */
    public RedisBroker(RedisConnections redis, int historySize, Duration historyTtl, Duration keepInterval) {
        this.redis = Objects.requireNonNull(redis);
        this.nodeId = redis.nodeId();
        this.topics = new TopicSubscriptions(redis);
        this.history = new ChannelHistory(redis, topics, historySize, historyTtl, keepInterval);
        this.claims = new BindClaims(redis);
    }

    @Override
    public void start(Sink sink) {
        this.sink = Objects.requireNonNull(sink);
        redis.pubsub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                receive(channel, message);
            }

            @Override
            public void subscribed(byte[] channel, long count) {
                topics.confirmed(new String(channel, StandardCharsets.UTF_8));
            }

            @Override
            public void unsubscribed(byte[] channel, long count) {
                topics.left(new String(channel, StandardCharsets.UTF_8));
            }
        });
        try {
            topics.subscribeToAll();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot subscribe to Redis pub/sub: " + e.getMessage(), e);
        }
        redis.onReconnect(topics::resubscribe);
        redis.onReconnect(() -> claims.restore(topics.clients()));
        redis.onReconnect(history::keepChannels);
    }

    private void receive(byte[] channel, byte[] message) {
        String name = new String(channel, StandardCharsets.UTF_8);
        Topic topic = topics.heardOn(name);
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
            history.remember(ch.name(), d.epoch(), f.offset());
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
        String name = topics.name(topic);
        byte[] envelope = RedisEnvelope.encode(message, nodeId);
        try {
            return redis.async().publish(utf8(name), envelope).toCompletableFuture()
                    .handle((receivers, err) -> {
                        if (err != null) {
                            throw unavailable("publish to " + name, err);
                        }
                        // PUBLISH counts every node subscribed, this one too while it hears the
                        // topic or its UNSUBSCRIBE is on the way (it skips its own copy: it
                        // delivered above)
                        return here || receivers > (topics.countedByPublish(name) ? 1 : 0);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("publish to " + name, e));
        }
    }

    /**
     * A bind: claimed through the connection's claim key ({@link BindClaims}), so exactly one bind
     * gets a connection. This node's own connection is claimed by its sink.
     */
    private CompletionStage<Boolean> publishToClient(Topic.Client client, Message message) {
        CompletableFuture<Long> run;
        try {
            run = claims.claim(client, topics.name(client), RedisEnvelope.encode(message, nodeId));
        } catch (RuntimeException e) {
            run = CompletableFuture.failedFuture(e);
        }
        return run.handle((receivers, err) -> {
            if (err != null) {
                // Redis is out of reach: a connection of this node can still be bound, no other
                if (sink.deliver(client, message)) {
                    return true;
                }
                throw unavailable("bind " + client.clientId(), err);
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
        return history.publish(channel, type, excludeSocket, encoder);
    }

    /** PUBSUB CHANNELS over the channel topics: every node's SUBSCRIBEs are visible to any of them. */
    @Override
    public CompletionStage<java.util.Set<String>> heardChannels(String prefix) {
        String base = topics.name(new Topic.Channel(""));
        String pattern = base + globEscape(prefix) + "*";
        return redis.async().pubsubChannels(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toCompletableFuture()
                .handle((names, err) -> {
                    if (err != null) {
                        throw unavailable("list the channels heard", err);
                    }
                    java.util.Set<String> out = new java.util.TreeSet<>();
                    for (byte[] n : names) {
                        out.add(new String(n, java.nio.charset.StandardCharsets.UTF_8).substring(base.length()));
                    }
                    return out;
                });
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
        return history.read(channel, since, epoch == null ? "" : epoch);
    }

    @Override
    public CompletionStage<History> position(String channel) {
        return history.read(channel, -1, "");
    }

    /**
     * For a client topic (an unbound connection) the stage also waits for its claim key, which a
     * bind must find ({@link #publishToClient}).
     */
    @Override
    public CompletionStage<Void> activate(Topic topic) {
        CompletionStage<Void> heard = topics.subscribe(topic);
        if (!(topic instanceof Topic.Client client)) {
            return heard;
        }
        CompletableFuture<Void> claimable = claims.write(client.clientId());
        claimable.completeOnTimeout(null, redis.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return heard.thenCombine(claimable, (a, b) -> null);
    }

    @Override
    public void deactivate(Topic topic) {
        topics.unsubscribe(topic, released -> {
            if (released instanceof Topic.Channel ch) {
                history.forget(ch.name());
            } else if (released instanceof Topic.Client client) {
                claims.delete(client.clientId());
            }
        });
    }

    @Override
    public boolean healthy() {
        return redis.healthy();
    }

    @Override
    public void close() {
        topics.clear();
        claims.clear();
        history.clear();
    }

    /** The failure a stage completes with when Redis could not be reached to do {@code what}. */
    static BrokerUnavailableException unavailable(String what, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return new BrokerUnavailableException("Redis cannot be reached to " + what + ": " + cause.getMessage(), cause);
    }
}
