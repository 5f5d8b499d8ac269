package dev.herald.redis;

import static dev.herald.redis.RedisScript.utf8;

import dev.herald.broker.Broker;
import dev.herald.broker.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which topics this node hears: the SUBSCRIBE/UNSUBSCRIBE bookkeeping of {@link RedisBroker} on the
 * node's pub/sub connection, and the confirmations Redis sends back for them. Topics are Redis
 * pub/sub channels named {@code PREFIX u.<id>}, {@code c.<name>}, {@code all}, {@code b.<client id>}
 * ({@link #name}).
 *
 * <p>{@link #subscribe}'s stage completes on Redis's confirmation of that very topic (heard on the
 * Lettuce thread, {@link #confirmed}), never on the command's future; a deactivation that overtakes
 * a pending activation completes it at once ({@link #unsubscribe}). SUBSCRIBE/UNSUBSCRIBE dispatch
 * and the changes to what is active, pending and leaving happen under one lock, so Redis runs them
 * in the order this node decided them. Any thread may call every method.
 */
final class TopicSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(TopicSubscriptions.class);
    private static final CompletionStage<Void> HEARD = CompletableFuture.completedStage(null);
    private static final int RESUBSCRIBE_BATCH = 1000;

    private final RedisConnections redis;
    /** Redis channel name → topic, for every topic this node hears. */
    private final ConcurrentHashMap<String, Topic> active = new ConcurrentHashMap<>();
    /** Topics whose SUBSCRIBE was sent and is not confirmed yet: what {@link #subscribe} waits for. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> subscribing = new ConcurrentHashMap<>();
    /**
     * UNSUBSCRIBEs sent and not confirmed yet, per name: until then PUBLISH still counts this
     * node among the receivers, which a publisher must not take for a receiver.
     */
    private final ConcurrentHashMap<String, Integer> leaving = new ConcurrentHashMap<>();
    /**
     * Orders SUBSCRIBE/UNSUBSCRIBE dispatch with changes to {@link #active}, {@link #subscribing}
     * and the counts in {@link #leaving}, and with what a SUBSCRIBE's confirmation completes.
     */
    private final Object lock = new Object();

    TopicSubscriptions(RedisConnections redis) {
        this.redis = Objects.requireNonNull(redis);
    }

    /** The Redis pub/sub channel of {@code topic}: the prefix and its {@link #key}. */
    String name(Topic topic) {
        return redis.prefix() + key(topic);
    }

    /**
     * {@code topic}'s name without the prefix, also its shard key ({@link RedisShards}): what
     * belongs to a topic (a user's presence, a channel's history, a client's bind claim) is placed
     * by this key, on the shard of the topic.
     */
    static String key(Topic topic) {
        if (topic instanceof Topic.User u) {
            return "u." + u.userId();
        } else if (topic instanceof Topic.Channel c) {
            return "c." + c.name();
        } else if (topic instanceof Topic.Client c) {
            return "b." + c.clientId();
        }
        return "all";
    }

    /** SUBSCRIBEs to {@code all} and waits for it; every node always hears it. */
    void subscribeToAll() {
        String name = name(Topic.ALL);
        active.put(name, Topic.ALL);
        redis.pubsub().sync().subscribe(utf8(name));
    }

    /**
     * The topic of a message heard on {@code name}, or null when this node no longer hears it (a
     * subscription Lettuce restored for a topic deactivated meanwhile), which is then dropped.
     */
    Topic heardOn(String name) {
        Topic topic = active.get(name);
        if (topic == null) {
            synchronized (lock) {
                if (!active.containsKey(name)) {
                    sendUnsubscribe(name);
                }
            }
        }
        return topic;
    }

    /** Whether this node hears {@code topic}. */
    boolean hears(Topic topic) {
        return active.containsKey(name(topic));
    }

    /**
     * Whether a PUBLISH to {@code name} counts this node among its receivers: it hears the topic,
     * or its UNSUBSCRIBE is still on the way.
     */
    boolean countedByPublish(String name) {
        return active.containsKey(name) || leaving.containsKey(name);
    }

    /** The client topics this node hears (its unbound connections). */
    List<Topic.Client> clients() {
        List<Topic.Client> out = new ArrayList<>();
        for (Topic t : active.values()) {
            if (t instanceof Topic.Client c) {
                out.add(c);
            }
        }
        return out;
    }

    /** Starts hearing {@code topic}; the contract is {@link Broker#activate}'s. */
    CompletionStage<Void> subscribe(Topic topic) {
        String name = name(topic);
        if (active.containsKey(name)) {
            // every connection of a user calls this, so the common case takes no lock: a topic is
            // only deactivated by its last local subscriber leaving, which the gateway serialises
            // with this call (per user, per channel)
            CompletableFuture<Void> pending = subscribing.get(name);
            return pending == null ? HEARD : pending.minimalCompletionStage();
        }
        synchronized (lock) {
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
            // after a reconnect, and this node's) gets one per channel, so the surplus completes
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
            return redis.pubsub().async().subscribe(utf8(name));
        } catch (RuntimeException e) {
            log.debug("subscribe {} deferred to reconnect: {}", name, e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Stops hearing {@code topic} (never {@code all}). When it was heard, {@code released} runs
     * under the lock, before the UNSUBSCRIBE is sent, so no new activation of the topic comes
     * between them.
     */
    void unsubscribe(Topic topic, Consumer<Topic> released) {
        if (topic instanceof Topic.All) {
            return;
        }
        String name = name(topic);
        CompletableFuture<Void> overtaken;
        synchronized (lock) {
            overtaken = subscribing.remove(name);
            if (active.remove(name) != null) {
                released.accept(topic);
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
     * UNSUBSCRIBE {@code name}; under {@link #lock}. Counted in {@link #leaving} until Redis
     * confirms it ({@link #left}), or the command fails (it may then never be confirmed; should its
     * confirmation still come, the count only reaches zero early).
     */
    private void sendUnsubscribe(String name) {
        leaving.merge(name, 1, Integer::sum);
        try {
            redis.pubsub().async().unsubscribe(utf8(name)).whenComplete((v, e) -> {
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
    void confirmed(String name) {
        CompletableFuture<Void> waiting;
        synchronized (lock) {
            waiting = leaving.containsKey(name) ? null : subscribing.get(name);
        }
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /** One UNSUBSCRIBE of {@code name} was confirmed (or failed). */
    void left(String name) {
        leaving.computeIfPresent(name, (n, count) -> count > 1 ? count - 1 : null);
    }

    /** After a reconnect: SUBSCRIBE to every active topic again, whatever Redis or Lettuce kept. */
    CompletionStage<?> resubscribe() {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        synchronized (lock) {
            List<byte[]> names = new ArrayList<>();
            for (String name : active.keySet()) {
                names.add(utf8(name));
                if (names.size() == RESUBSCRIBE_BATCH) {
                    sent.add(redis.pubsub().async().subscribe(names.toArray(byte[][]::new)).toCompletableFuture());
                    names.clear();
                }
            }
            if (!names.isEmpty()) {
                sent.add(redis.pubsub().async().subscribe(names.toArray(byte[][]::new)).toCompletableFuture());
            }
        }
        log.info("resubscribing {} topics (node={})", active.size(), redis.nodeId());
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Forgets every topic (the node is closing). */
    void clear() {
        active.clear();
        leaving.clear();
    }
}
