package dev.herald.broker;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The seam between one node and many. A publication to a topic reaches every node that has
 * activated that topic, which hands it to its {@link Sink} (the local hub).
 *
 * <p>Guarantees: messages published by one caller to one topic are delivered to each node in
 * publication order; delivery is at most once (a node that is disconnected from the broker misses
 * what is published meanwhile — channel history and the notification store are what make clients
 * whole again). A returned stage completes exceptionally with {@link BrokerUnavailableException}
 * when the message could not be handed to the broker, so callers can say so instead of claiming
 * success.
 */
public interface Broker extends AutoCloseable {
    /** Called once before any other method; {@code sink} receives everything this node hears. */
    void start(Sink sink);

    /**
     * Publishes {@code message} to every node that hears {@code topic}. Completes with whether it
     * reached a receiver: one on this node (its {@link Sink} said so) or another node that hears
     * the topic. A node hears a user's topic exactly while it holds a connection of that user, so
     * for a user topic the answer is "this user is online somewhere", given by the publication
     * itself (no presence look-up); for a client topic, "this unbound connection is still open".
     * Every node hears {@code all}, so for it the answer only says whether some node, or a local
     * connection, was there to hear it.
     */
    CompletionStage<Boolean> publish(Topic topic, Message message);

    /**
     * Appends a publication to a channel's bounded history, assigning the next offset, and publishes
     * it. The frame is encoded once, with its offset, by {@code encoder}.
     *
     * @return the offset given to the publication
     */
    CompletionStage<Long> publishToChannel(String channel, String type, ChannelFrameEncoder encoder);

    /**
     * The publications of {@code channel} after {@code since}, oldest first, or {@code recovered =
     * false} when some of them have left the history (size or TTL) or the history's epoch is not
     * {@code epoch} (null = do not check).
     */
    CompletionStage<History> history(String channel, long since, String epoch);

    /** The channel's latest offset (0 when it never had a publication) and epoch. */
    CompletionStage<History> position(String channel);

    /**
     * A local subscriber of {@code topic} appeared: start hearing it, if this node does not yet.
     * Idempotent. The stage completes once the node hears the topic (for Redis: the SUBSCRIBE is
     * confirmed), so a message published after it completes reaches this node; while the topic is
     * still being subscribed, every call returns a stage that completes at the same time. It never
     * fails and never waits past the broker's timeout: when the broker cannot be reached it
     * completes at once (or at the timeout) and the topic is subscribed again on reconnect.
     */
    CompletionStage<Void> activate(Topic topic);

    /** The last local subscriber of {@code topic} left: stop hearing it. Idempotent. */
    void deactivate(Topic topic);

    /** Whether the broker currently reaches the other nodes (always true in-process). */
    boolean healthy();

    @Override
    void close();

    /** Receives the messages of active topics, on a broker thread; must not block. */
    interface Sink {
        /**
         * Hands {@code message} to this node's receivers of {@code topic}.
         *
         * @return whether this node has a receiver for it (for a user topic: a connection of that user)
         */
        boolean deliver(Topic topic, Message message);
    }

    interface ChannelFrameEncoder {
        byte[] encode(long offset);
    }

    record Publication(long offset, byte[] frame) {}

    /** A slice of channel history; {@code offset} is the channel's latest offset. */
    record History(List<Publication> publications, long offset, String epoch, boolean recovered) {}
}
