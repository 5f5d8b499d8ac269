package dev.herald.broker;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The seam between one node and many. A publication to a topic reaches every node that has
 * activated that topic, which hands it to its {@link Sink} (the node's fan-out). Implementations:
 * {@link LocalBroker} (one node, in process) and {@code redis.RedisBroker} (a cluster over Redis).
 *
 * <p>Guarantees: messages published by one caller to one topic are delivered to each node in
 * publication order; a channel's publications reach every node in offset order. Delivery is at
 * most once: a node that is disconnected from the broker misses what is published meanwhile —
 * channel history and the notification store are what make clients whole again.
 *
 * <p>Conventions for every method: arguments and results are never null unless stated; a returned
 * stage may complete on any thread (the caller's, for an in-process broker, or the broker's I/O
 * thread), so what is chained to it must not block; a stage that fails, fails with
 * {@link BrokerUnavailableException} when the broker could not be reached (callers say so instead of
 * claiming success), or with what the {@link Sink} threw for a message delivered on this node
 * ({@link BindRefusedException}). Every method is safe to call from any thread once {@link #start}
 * has returned.
 */
public interface Broker extends AutoCloseable {
    /**
     * Called once before any other method; {@code sink} receives everything this node hears from
     * now on. Throws (for Redis: {@link IllegalStateException}) when the broker cannot be set up.
     */
    void start(Sink sink);

    /**
     * Publishes {@code message} to every node that hears {@code topic}, this one included.
     *
     * <p>Completes with whether it reached a receiver: one on this node (its {@link Sink} said so)
     * or another node that hears the topic. A node hears a user's topic exactly while it holds a
     * connection of that user, so for a user topic the answer is "this user is online somewhere",
     * given by the publication itself (no presence look-up); for a client topic, "this unbound
     * connection is still open" (a bind of it reaches at most one receiver, however often it is
     * published). Every node hears {@code all}, so for it the answer only says whether some node, or
     * a local connection, was there to hear it. Completes once the broker has taken the message
     * (not when remote nodes wrote it); fails with {@link BrokerUnavailableException} when other
     * nodes could not be reached — this node's own receivers have it even then — and with
     * {@link BindRefusedException} when this node's sink refused a bind (an in-process broker, which
     * delivers inside this call, may throw it from the call instead).
     */
    CompletionStage<Boolean> publish(Topic topic, Message message);

    /**
     * Appends a publication to a channel's bounded history, assigning the next offset, and publishes
     * it to the channel's topic. The frame is encoded once, with its offset, by {@code encoder}
     * (which may run on any thread and must be pure: an implementation may call it with a stand-in
     * offset and splice the real one in).
     *
     * @return the offset given to the publication (one more than the channel's previous one within
     *     its epoch); fails with {@link BrokerUnavailableException} when it was not stored
     */
    default CompletionStage<Long> publishToChannel(String channel, String type, ChannelFrameEncoder encoder) {
        return publishToChannel(channel, type, 0, encoder);
    }

    /**
     * {@link #publishToChannel(String, String, ChannelFrameEncoder)} that skips one connection:
     * {@code excludeSocket} (0 = none) is a Pusher connection's socket number, the sender of a client
     * event or the {@code socket_id} of a trigger; it travels as the {@link Message.Push}'s
     * {@code excludeUserId} (channel publications never exclude users).
     */
    CompletionStage<Long> publishToChannel(String channel, String type, long excludeSocket, ChannelFrameEncoder encoder);

    /**
     * The publications of {@code channel} after offset {@code since} (≥ 0), oldest first, with the
     * channel's latest offset and epoch. {@code recovered} is false, and the list empty, when some of
     * them have left the history (size or TTL), {@code since} is past the latest offset, or the
     * history's epoch is not {@code epoch} (null = do not check). Fails with
     * {@link BrokerUnavailableException} when the history could not be read.
     */
    CompletionStage<History> history(String channel, long since, String epoch);

    /**
     * The channel's latest offset (0 when it never had a publication) and epoch, with no
     * publications and {@code recovered} true. Fails with {@link BrokerUnavailableException} when it
     * could not be read.
     */
    CompletionStage<History> position(String channel);

    /**
     * A local subscriber of {@code topic} appeared: start hearing it, if this node does not yet.
     * Idempotent. The stage completes once the node hears the topic (for Redis: the SUBSCRIBE is
     * confirmed), so a message published after it completes reaches this node; while the topic is
     * still being subscribed, every call returns a stage that completes at the same time; a
     * {@link #deactivate} that overtakes the subscription completes it at once. It never fails and
     * never waits past the broker's timeout: when the broker cannot be reached it completes at once
     * (or at the timeout) and the topic is subscribed again on reconnect. Callers serialise
     * {@code activate} and {@code deactivate} of one topic (the gateway does, per user and per
     * channel).
     */
    CompletionStage<Void> activate(Topic topic);

    /**
     * The last local subscriber of {@code topic} left: stop hearing it. Idempotent, never blocks,
     * never throws; {@code all} is always heard and cannot be deactivated.
     */
    void deactivate(Topic topic);

    /**
     * The channels some node of the cluster hears now (has local subscribers to), whose names start
     * with {@code prefix}; in-process, none (the node's own subscriptions are the gateway's to tell).
     * Fails with {@link BrokerUnavailableException} when the cluster cannot be asked.
     */
    default CompletionStage<java.util.Set<String>> heardChannels(String prefix) {
        return java.util.concurrent.CompletableFuture.completedFuture(java.util.Set.of());
    }

    /**
     * Whether some node of the cluster hears {@code channel} now; in-process, false (as
     * {@link #heardChannels}). Asks only where that channel lives, so over several Redis servers it
     * needs only the channel's. Fails with {@link BrokerUnavailableException} when that cannot be asked.
     */
    default CompletionStage<Boolean> heard(String channel) {
        return heardChannels(channel).thenApply(s -> s.contains(channel));
    }

    /** Whether the broker currently reaches the other nodes (always true in-process). Never blocks. */
    boolean healthy();

    /** Forgets every topic and history held for this node; the broker is not used afterwards. */
    @Override
    void close();

    /**
     * Receives the messages of active topics: on the broker's I/O thread for messages from other
     * nodes, on the publisher's thread for those published on this node. Must not block.
     */
    interface Sink {
        /**
         * Hands {@code message} to this node's receivers of {@code topic}.
         *
         * @return whether this node has a receiver for it (for a user topic: a connection of that
         *     user; for a client topic: that unbound connection, now being bound)
         * @throws BindRefusedException when a {@link Message.Bind} found its connection but the
         *     node refused to bind it
         */
        boolean deliver(Topic topic, Message message);
    }

    /** Encodes a channel publication's frame once its offset is known. */
    interface ChannelFrameEncoder {
        byte[] encode(long offset);
    }

    /** One stored channel publication: its offset and its encoded frame. */
    record Publication(long offset, byte[] frame) {}

    /** A slice of channel history; {@code offset} is the channel's latest offset. */
    record History(List<Publication> publications, long offset, String epoch, boolean recovered) {}
}
