package dev.herald.pusher;

/**
 * Where the gateway reports what Pusher's webhooks announce (docs/pusher.md, "Webhooks"); each call
 * is made where the event happens once per cluster: a channel's first subscriber on this node
 * ({@link #channelMaybeOccupied}) and its last ({@link #channelMaybeVacated}) — the implementation
 * decides, across the cluster, whether the channel really changed —, a user's first / last
 * connection in a presence channel anywhere ({@code ChannelMembers.join/leave/reap}), and a client
 * event on the node that received it. Apps share one channel space, so every app with webhooks is
 * told of every channel's events. Calls never block: implementations queue the work.
 */
public interface PusherHooks {
    /** This node's first subscriber of {@code channel}, once this node hears the channel. */
    void channelMaybeOccupied(String channel);

    /** This node's last subscriber of {@code channel} left. */
    void channelMaybeVacated(String channel);

    void memberAdded(String channel, String userId);

    void memberRemoved(String channel, String userId);

    /** A client event as received: {@code userId} for presence channels, else null. */
    void clientEvent(String channel, String event, String data, String socketId, String userId);

    /** No Pusher webhooks configured: nothing happens. */
    PusherHooks NONE = new PusherHooks() {
        @Override
        public void channelMaybeOccupied(String channel) {}

        @Override
        public void channelMaybeVacated(String channel) {}

        @Override
        public void memberAdded(String channel, String userId) {}

        @Override
        public void memberRemoved(String channel, String userId) {}

        @Override
        public void clientEvent(String channel, String event, String data, String socketId, String userId) {}
    };
}
