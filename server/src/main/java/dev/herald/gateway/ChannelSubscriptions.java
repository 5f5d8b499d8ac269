package dev.herald.gateway;

import dev.herald.broker.Broker;
import dev.herald.broker.Topic;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which channels this node's connections subscribe to. A subscription lives in its connection and
 * in its loop shard (which fan-out writes through); here each channel has a reference count over the
 * whole node, and its first local subscriber activates the channel's broker topic, the last one
 * leaving deactivates it. The count changes under {@link ConcurrentHashMap#compute}, so the
 * transitions are atomic per channel. {@link #subscribe}, {@link #unsubscribe} and {@link #leaveAll}
 * run on the connection's event loop; {@link #hasSubscribers} on any thread.
 */
public final class ChannelSubscriptions {
    private final Broker broker;
    private final ConcurrentHashMap<String, AtomicInteger> refs = new ConcurrentHashMap<>();
    private volatile dev.herald.pusher.PusherHooks hooks = dev.herald.pusher.PusherHooks.NONE;

    public ChannelSubscriptions(Broker broker) {
        this.broker = Objects.requireNonNull(broker);
    }

    /**
     * Tells {@code hooks} of this node's first subscriber of a channel (once the node hears it) and of
     * its last one leaving: the occupancy transitions behind Pusher's {@code channel_occupied} and
     * {@code channel_vacated} webhooks.
     */
    public void occupancyHooks(dev.herald.pusher.PusherHooks hooks) {
        this.hooks = Objects.requireNonNull(hooks);
    }

    /** A subscription just added, and when this node hears its channel (see {@link Broker#activate}). */
    record Joined(Subscription subscription, CompletionStage<Void> heard) {}

    /**
     * Adds a channel subscription for {@code c}; {@code since} is the offset it recovers history
     * after, or -1 for none, and {@code epoch} the history's epoch the client named, or null.
     */
    Joined subscribe(Connection c, String channel, long since, String epoch) {
        Subscription s = new Subscription(c, channel, since, epoch);
        c.addSubscription(s);
        c.shard().addSubscription(s);
        @SuppressWarnings("unchecked")
        CompletionStage<Void>[] heard = new CompletionStage[1];
        boolean[] first = new boolean[1];
        refs.compute(channel, (name, count) -> {
            heard[0] = broker.activate(new Topic.Channel(name));
            if (count == null) {
                first[0] = true;
                return new AtomicInteger(1);
            }
            count.incrementAndGet();
            return count;
        });
        if (first[0]) {
            dev.herald.pusher.PusherHooks h = hooks;
            heard[0].whenComplete((v, e) -> h.channelMaybeOccupied(channel));
        }
        return new Joined(s, heard[0]);
    }

    /** Removes {@code c}'s subscription to {@code channel}; false when there was none. */
    boolean unsubscribe(Connection c, String channel) {
        Subscription s = c.removeSubscription(channel);
        if (s == null) {
            return false;
        }
        drop(s);
        return true;
    }

    /** Removes every subscription of a connection that closed. */
    void leaveAll(Connection c) {
        for (Subscription s : c.removeSubscriptions()) {
            drop(s);
        }
    }

    private void drop(Subscription s) {
        s.connection().shard().removeSubscription(s);
        s.cancel();
        refs.computeIfPresent(s.channel(), (name, count) -> {
            if (count.decrementAndGet() > 0) {
                return count;
            }
            broker.deactivate(new Topic.Channel(name));
            hooks.channelMaybeVacated(name);
            return null;
        });
    }

    /** How many of this node's connections subscribe to each channel (a snapshot). */
    public java.util.Map<String, Integer> counts() {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        refs.forEach((name, count) -> out.put(name, count.get()));
        return out;
    }

    /** Whether anyone on this node subscribes to {@code channel}. */
    public boolean hasSubscribers(String channel) {
        return refs.containsKey(channel);
    }
}
