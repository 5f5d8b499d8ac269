package dev.herald.redis;

import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.redis.RedisConnections;
import dev.herald.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster broker: topics are Redis pub/sub channels ({@code PREFIX u.<id>}, {@code c.<name>},
 * {@code all}, {@code b.<client id>}); a node SUBSCRIBEs to a user or channel topic when its first
 * local subscriber appears and UNSUBSCRIBEs with the last, to a client topic while it holds that
 * unbound connection, and always hears {@code all}. Messages travel as {@link RedisEnvelope}s
 * carrying the already-encoded frame, decoded once per node and handed to the hub, which writes
 * one buffer to every local connection.
 *
 * <p>Delivery: {@link #publish} delivers to this node's connections first, then publishes to Redis
 * tagged with this node's id (this node skips its own copy). So while Redis is unreachable, pushes
 * published here still reach connections here, and the returned stage fails with
 * {@link BrokerUnavailableException} because other nodes were not reached. One caller's
 * publications to one topic go through one connection, in order.
 *
 * <p>Channels: {@link #publishToChannel} runs one Lua script that assigns the next offset, stores the
 * frame in the channel's history stream (bounded by size and TTL) and publishes it, atomically, so
 * every node, the publishing one included, hears a channel in offset order. The channel's epoch
 * lives beside its offset ({@code PREFIX ch:{name}:m}, history in {@code ch:{name}:h}); a channel
 * whose keys expired starts a new epoch. Nodes with subscribers keep their channels' keys alive and
 * restore them if Redis lost them, so offsets never go back under a live subscriber.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    private static final int BATCH = 100;
    private static final CompletionStage<Void> HEARD = CompletableFuture.completedStage(null);
    /**
     * How long an unbound connection's claim key lives when its node dies without deleting it
     * (a live node deletes it when the connection is bound or closes).
     */
    private static final long CLAIM_TTL_MS = TimeUnit.DAYS.toMillis(1);

    private record Known(String epoch, long offset) {}

    private final RedisConnections redis;
    private final String nodeId;
    private final int historySize;
    private final long historyTtlMs;
    private final long metaTtlMs;
    private final RedisScript publishScript = RedisScript.load("channel_publish");
    private final RedisScript historyScript = RedisScript.load("channel_history");
    private final RedisScript keepScript = RedisScript.load("channel_keep");
    private final RedisScript bindScript = RedisScript.load("bind_claim");
    /** Claim keys whose DEL failed (Redis was down): deleted on reconnect. */
    private final java.util.Set<String> staleClaims = ConcurrentHashMap.newKeySet();
    /** Redis channel name → topic, for every topic this node hears. */
    private final ConcurrentHashMap<String, Topic> active = new ConcurrentHashMap<>();
    /** Topics whose SUBSCRIBE was sent and is not confirmed yet: what {@link #activate} waits for. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> subscribing = new ConcurrentHashMap<>();
    /** Latest epoch and highest offset seen, for channels with local subscribers. */
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    /**
     * UNSUBSCRIBEs sent and not confirmed yet, per name: until then PUBLISH still counts this
     * node among the receivers, which {@link #publish} must not take for a receiver.
     */
    private final ConcurrentHashMap<String, Integer> leaving = new ConcurrentHashMap<>();
    /**
     * Orders SUBSCRIBE/UNSUBSCRIBE dispatch with changes to {@link #active}, {@link #subscribing}
     * and the counts in {@link #leaving}, and with what a SUBSCRIBE's confirmation completes.
     */
    private final Object subscriptions = new Object();
    private volatile Sink sink;

    /**
     * @param keepInterval how often the keys of channels with local subscribers are kept alive
     *                     (a third of the presence TTL)
     */
    public RedisBroker(RedisConnections redis, int historySize, Duration historyTtl, Duration keepInterval) {
        this.redis = Objects.requireNonNull(redis);
        this.nodeId = redis.nodeId();
        this.historySize = historySize;
        this.historyTtlMs = historyTtl.toMillis();
        this.metaTtlMs = Math.max(historyTtlMs, keepInterval.toMillis() * 3);
        long every = Math.max(100, keepInterval.toMillis());
        redis.scheduler().scheduleWithFixedDelay(() -> {
            keepChannels();
        }, every, every, TimeUnit.MILLISECONDS);
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
                confirmed(new String(channel, StandardCharsets.UTF_8));
            }

            @Override
            public void unsubscribed(byte[] channel, long count) {
                left(new String(channel, StandardCharsets.UTF_8));
            }
        });
        active.put(name(Topic.ALL), Topic.ALL);
        try {
            redis.pubsub().sync().subscribe(bytes(name(Topic.ALL)));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot subscribe to Redis pub/sub: " + e.getMessage(), e);
        }
        redis.onReconnect(this::resubscribe);
        redis.onReconnect(this::restoreClaims);
        redis.onReconnect(this::keepChannels);
    }

    private void receive(byte[] channel, byte[] message) {
        String name = new String(channel, StandardCharsets.UTF_8);
        Topic topic = active.get(name);
        if (topic == null) {
            // a subscription Lettuce restored for a topic deactivated meanwhile: drop it
            synchronized (subscriptions) {
                if (!active.containsKey(name)) {
                    sendUnsubscribe(name);
                }
            }
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
            remember(ch.name(), d.epoch(), f.offset());
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
        String name = name(topic);
        byte[] envelope = RedisEnvelope.encode(message, nodeId);
        try {
            return redis.async().publish(bytes(name), envelope).toCompletableFuture()
                    .handle((receivers, err) -> {
                        if (err != null) {
                            throw unavailable("publish to " + name, err);
                        }
                        // PUBLISH counts every node subscribed, this one too while it hears the
                        // topic or its UNSUBSCRIBE is on the way (it skips its own copy: it
                        // delivered above)
                        return here || receivers > (active.containsKey(name) || leaving.containsKey(name) ? 1 : 0);
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("publish to " + name, e));
        }
    }

    /**
     * A bind: claimed through the connection's claim key (one script: DEL, then PUBLISH only if
     * the key was there), so exactly one bind gets a connection even while the UNSUBSCRIBE of one
     * that was just bound is still on its way. This node's own connection is claimed by its hub.
     */
    private CompletionStage<Boolean> publishToClient(Topic.Client client, Message message) {
        CompletableFuture<Long> run;
        try {
            run = bindScript.run(redis.async(), ScriptOutputType.INTEGER, new byte[][] {claimKey(client)},
                    bytes(name(client)), RedisEnvelope.encode(message, nodeId));
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
            // published to the node that holds it; when that is this node, its hub claims it
            // here (our copy of the PUBLISH is skipped)
            return sink.deliver(client, message) || receivers > 0;
        });
    }

    @Override
    public CompletionStage<Long> publishToChannel(String channel, String type, ChannelFrameEncoder encoder) {
        OffsetTemplate frame = OffsetTemplate.of(encoder);
        Known k = known.get(channel);
        CompletableFuture<List<Object>> run = publishScript.run(redis.async(), ScriptOutputType.MULTI, channelKeys(channel),
                frame.before(), frame.after(), num(historySize), num(historyTtlMs), num(metaTtlMs),
                bytes(name(new Topic.Channel(channel))), bytes(RedisEnvelope.channelHeaderStart(type)),
                bytes(newEpoch()), bytes(k == null ? "" : k.epoch()), num(k == null ? 0 : k.offset()));
        return run.handle((r, err) -> {
            if (err != null) {
                throw unavailable("publish to channel " + channel, err);
            }
            long offset = (Long) r.get(0);
            if (active.containsKey(name(new Topic.Channel(channel)))) {
                remember(channel, text(r.get(1)), offset);
            }
            return offset;
        });
    }

    @Override
    public CompletionStage<History> history(String channel, long since, String epoch) {
        return readHistory(channel, since, epoch == null ? "" : epoch);
    }

    @Override
    public CompletionStage<History> position(String channel) {
        return readHistory(channel, -1, "");
    }

    private CompletionStage<History> readHistory(String channel, long since, String epoch) {
        Known k = known.get(channel);
        CompletableFuture<List<Object>> run = historyScript.run(redis.async(), ScriptOutputType.MULTI, channelKeys(channel),
                num(since), bytes(epoch), bytes(newEpoch()), num(historyTtlMs), num(metaTtlMs),
                bytes(k == null ? "" : k.epoch()), num(k == null ? 0 : k.offset()));
        return run.handle((r, err) -> {
            if (err != null) {
                throw unavailable("read the history of channel " + channel, err);
            }
            long offset = (Long) r.get(0);
            String currentEpoch = text(r.get(1));
            boolean recovered = (Long) r.get(2) == 1;
            List<Publication> pubs = new ArrayList<>((r.size() - 3) / 2);
            for (int i = 3; i + 1 < r.size(); i += 2) {
                pubs.add(new Publication((Long) r.get(i), (byte[]) r.get(i + 1)));
            }
            if (active.containsKey(name(new Topic.Channel(channel)))) {
                remember(channel, currentEpoch, offset);
            }
            return new History(pubs, offset, currentEpoch, since < 0 || recovered);
        });
    }

    /**
     * For a client topic (an unbound connection) the stage also waits for its claim key, which a
     * bind must find ({@link #publishToClient}).
     */
    @Override
    public CompletionStage<Void> activate(Topic topic) {
        CompletionStage<Void> heard = subscribe(topic);
        if (!(topic instanceof Topic.Client client)) {
            return heard;
        }
        CompletableFuture<Void> claimable = setClaimKey(client.clientId());
        claimable.completeOnTimeout(null, redis.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return heard.thenCombine(claimable, (a, b) -> null);
    }

    /** Writes a claim key; never fails (while Redis is down, the reconnect writes it). */
    private CompletableFuture<Void> setClaimKey(String clientId) {
        staleClaims.remove(clientId);
        try {
            return redis.async().set(redis.key("bind:" + clientId), bytes(nodeId), SetArgs.Builder.px(CLAIM_TTL_MS))
                    .toCompletableFuture().handle((ok, err) -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private CompletionStage<Void> subscribe(Topic topic) {
        String name = name(topic);
        if (active.containsKey(name)) {
            // every connection of a user calls this, so the common case takes no lock: a topic is
            // only deactivated by its last local subscriber leaving, which the hub serialises with
            // this call (per user, per channel)
            CompletableFuture<Void> pending = subscribing.get(name);
            return pending == null ? HEARD : pending.minimalCompletionStage();
        }
        synchronized (subscriptions) {
            if (active.putIfAbsent(name, topic) != null) {
                CompletableFuture<Void> pending = subscribing.get(name);
                return pending == null ? HEARD : pending.minimalCompletionStage();
            }
            if (!redis.pubsubUp()) {
                // Lettuce queues the SUBSCRIBE and the reconnect resubscribes every active topic:
                // waiting for Redis here would only hold up a connection this node can serve now
                sendSubscribe(name);
                return HEARD;
            }
            // completed by Redis's confirmation of this very topic (see confirmed), not by the
            // command's future: Lettuce completes the oldest pending SUBSCRIBE with whichever
            // confirmation comes next, and a SUBSCRIBE of many channels (Lettuce's resubscription
            // after a reconnect, and this broker's) gets one per channel, so the surplus completes
            // later SUBSCRIBEs before Redis has even read them
            CompletableFuture<Void> heard = new CompletableFuture<>();
            subscribing.put(name, heard);
            heard.whenComplete((v, e) -> subscribing.remove(name, heard));
            sendSubscribe(name).whenComplete((v, e) -> {
                if (e != null) {
                    log.debug("subscribe {} not confirmed ({}); the reconnect resubscribes it", name, e.getMessage());
                    heard.complete(null);
                }
            });
            heard.completeOnTimeout(null, redis.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return heard.minimalCompletionStage();
        }
    }

    /** SUBSCRIBE {@code name}; the stage completes when Redis confirms it (or the command fails). */
    private CompletionStage<Void> sendSubscribe(String name) {
        try {
            return redis.pubsub().async().subscribe(bytes(name));
        } catch (RuntimeException e) {
            log.debug("subscribe {} deferred to reconnect: {}", name, e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void deactivate(Topic topic) {
        if (topic instanceof Topic.All) {
            return;
        }
        String name = name(topic);
        CompletableFuture<Void> overtaken;
        synchronized (subscriptions) {
            overtaken = subscribing.remove(name);
            if (active.remove(name) != null) {
                if (topic instanceof Topic.Channel ch) {
                    known.remove(ch.name());
                }
                if (topic instanceof Topic.Client client) {
                    deleteClaimKey(client);
                }
                sendUnsubscribe(name);
            }
        }
        if (overtaken != null) {
            // its last subscriber left before Redis confirmed the SUBSCRIBE, and the UNSUBSCRIBE now
            // outstanding makes confirmed() ignore that confirmation: whoever waits (a subscribe the
            // unsubscribe overtook) is answered now instead of at redis.timeout
            overtaken.complete(null);
        }
    }

    /**
     * UNSUBSCRIBE {@code name}; under {@link #subscriptions}. Counted in {@link #leaving} until Redis
     * confirms it ({@link #left}), or the command fails (it may then never be confirmed; should its
     * confirmation still come, the count only reaches zero early).
     */
    private void sendUnsubscribe(String name) {
        leaving.merge(name, 1, Integer::sum);
        try {
            redis.pubsub().async().unsubscribe(bytes(name)).whenComplete((v, e) -> {
                if (e != null) {
                    log.debug("unsubscribe {} failed: {}", name, e.getMessage());
                    left(name);
                }
            });
        } catch (RuntimeException e) {
            log.debug("unsubscribe {} failed: {}", name, e.getMessage());
            left(name);
        }
    }

    /**
     * Redis confirmed a SUBSCRIBE of {@code name} (on the Lettuce thread, in the order Redis ran
     * the commands). When no UNSUBSCRIBE of it is unconfirmed, that SUBSCRIBE ran after every
     * UNSUBSCRIBE sent so far, so the node hears the topic now: the activation waiting for it
     * completes. While one is, the confirmation may be of a SUBSCRIBE that the UNSUBSCRIBE undoes;
     * the waiting activation's own confirmation comes after it.
     */
    private void confirmed(String name) {
        CompletableFuture<Void> waiting;
        synchronized (subscriptions) {
            waiting = leaving.containsKey(name) ? null : subscribing.get(name);
        }
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    @Override
    public boolean healthy() {
        return redis.healthy();
    }

    @Override
    public void close() {
        active.clear();
        leaving.clear();
        staleClaims.clear();
        known.clear();
    }

    /** Number of topics this node hears (for tests and metrics). */
    public int activeTopics() {
        return active.size();
    }

    /** After a reconnect: SUBSCRIBE to every active topic again, whatever Redis or Lettuce kept. */
    private CompletionStage<?> resubscribe() {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        synchronized (subscriptions) {
            List<byte[]> names = new ArrayList<>();
            for (String name : active.keySet()) {
                names.add(bytes(name));
                if (names.size() == 1000) {
                    sent.add(redis.pubsub().async().subscribe(names.toArray(byte[][]::new)).toCompletableFuture());
                    names.clear();
                }
            }
            if (!names.isEmpty()) {
                sent.add(redis.pubsub().async().subscribe(names.toArray(byte[][]::new)).toCompletableFuture());
            }
        }
        log.info("resubscribing {} topics (node={})", active.size(), nodeId);
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Keeps the keys of channels with local subscribers alive; restores them if Redis lost them. */
    private CompletionStage<?> keepChannels() {
        if (known.isEmpty() || !redis.commandsUp()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Object>> sent = new ArrayList<>();
        List<Map.Entry<String, Known>> batch = new ArrayList<>(BATCH);
        for (Map.Entry<String, Known> e : known.entrySet()) {
            batch.add(Map.entry(e.getKey(), e.getValue()));
            if (batch.size() == BATCH) {
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
            byte[][] pair = channelKeys(batch.get(i).getKey());
            keys[2 * i] = pair[0];
            keys[2 * i + 1] = pair[1];
            args[1 + 2 * i] = bytes(batch.get(i).getValue().epoch());
            args[2 + 2 * i] = num(batch.get(i).getValue().offset());
        }
        return keepScript.run(redis.async(), ScriptOutputType.INTEGER, keys, args)
                .exceptionally(e -> {
                    log.debug("keeping channel keys failed: {}", e.getMessage());
                    return null;
                });
    }

    private void remember(String channel, String epoch, long offset) {
        known.merge(channel, new Known(epoch, offset),
                (old, now) -> new Known(now.epoch(), Math.max(old.offset(), now.offset())));
    }

    /** One UNSUBSCRIBE of {@code name} was confirmed (or failed). */
    private void left(String name) {
        leaving.computeIfPresent(name, (n, count) -> count > 1 ? count - 1 : null);
    }

    private byte[] claimKey(Topic.Client client) {
        return redis.key("bind:" + client.clientId());
    }

    private void deleteClaimKey(Topic.Client client) {
        String id = client.clientId();
        try {
            redis.async().del(claimKey(client)).whenComplete((n, e) -> {
                if (e != null) {
                    staleClaims.add(id);
                }
            });
        } catch (RuntimeException e) {
            staleClaims.add(id);
        }
    }

    /**
     * After a reconnect: the claim keys of the unbound connections here are written again (Redis
     * may have lost them, or never got them), those of connections bound or closed meanwhile are
     * deleted.
     */
    private CompletionStage<?> restoreClaims() {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (Topic topic : active.values()) {
            if (topic instanceof Topic.Client client) {
                sent.add(setClaimKey(client.clientId()));
            }
        }
        for (String id : List.copyOf(staleClaims)) {
            staleClaims.remove(id);
            deleteClaimKey(new Topic.Client(id));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    private String name(Topic topic) {
        if (topic instanceof Topic.User u) {
            return redis.prefix() + "u." + u.userId();
        } else if (topic instanceof Topic.Channel c) {
            return redis.prefix() + "c." + c.name();
        } else if (topic instanceof Topic.Client c) {
            return redis.prefix() + "b." + c.clientId();
        }
        return redis.prefix() + "all";
    }

    private byte[][] channelKeys(String channel) {
        return new byte[][] {redis.key("ch:{" + channel + "}:m"), redis.key("ch:{" + channel + "}:h")};
    }

    private static BrokerUnavailableException unavailable(String what, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return new BrokerUnavailableException("Redis cannot be reached to " + what + ": " + cause.getMessage(), cause);
    }

    private static String newEpoch() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] num(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
