package dev.herald.gateway;

import dev.herald.broker.BindRefusedException;
import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.pusher.PusherFrames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The node's {@link Broker.Sink}: what the broker delivers for a topic is written here to the
 * matching local connections. A frame is encoded on the wire once per transport in use
 * ({@link SharedFrame}: WebSocket, event stream) and the same buffer goes to every receiver of that transport: a user's connections directly (any thread may write to a
 * connection), everyone and channel subscribers through one task per event loop that writes to that
 * loop's shard. Disconnects close the target's connections; binds go to the {@link BindWaitList}.
 * Called on the broker's thread; never blocks.
 */
public final class FanOut implements Broker.Sink {
    private final LocalConnections connections;
    private final UserRegistry users;
    private final ChannelSubscriptions channels;
    private final BindWaitList waitList;
    private final HeraldMetrics metrics;

    public FanOut(LocalConnections connections, UserRegistry users, ChannelSubscriptions channels, BindWaitList waitList,
                  HeraldMetrics metrics) {
        this.connections = Objects.requireNonNull(connections);
        this.users = Objects.requireNonNull(users);
        this.channels = Objects.requireNonNull(channels);
        this.waitList = Objects.requireNonNull(waitList);
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** @throws BindRefusedException for a bind whose user has no place left on this node */
    @Override
    public boolean deliver(Topic topic, Message message) {
        long start = System.nanoTime();
        if (message instanceof Message.Push f) {
            return deliverFrame(topic, f, start);
        } else if (message instanceof Message.Disconnect d) {
            if (topic instanceof Topic.User u) {
                Connection[] targets = users.connectionsOf(u.userId());
                for (Connection c : targets) {
                    c.close(d.code(), d.reason());
                }
                return targets.length > 0;
            } else if (topic instanceof Topic.All) {
                connections.closeAll(d.code(), d.reason());
                return connections.count() > 0;
            }
        } else if (message instanceof Message.Bind b) {
            return waitList.bind(b);
        }
        return false;
    }

    private boolean deliverFrame(Topic topic, Message.Push f, long start) {
        if (topic instanceof Topic.User u) {
            Connection[] targets = users.connectionsOf(u.userId());
            if (targets.length == 0) {
                return false;
            }
            boolean ws = false;
            boolean sse = false;
            for (Connection c : targets) {
                ws |= c.framing() == Framing.WEBSOCKET;
                sse |= c.framing() == Framing.EVENT_STREAM;
            }
            SharedFrame shared = SharedFrame.of(f.bytes(), ws, sse);
            for (Connection c : targets) {
                c.write(shared.copyFor(c.framing()));
            }
            shared.release();
            metrics.framesOut(f.type(), targets.length);
            metrics.publishToWrite(System.nanoTime() - start);
            return true;
        } else if (topic instanceof Topic.All && PusherFrames.TERMINATE.equals(f.type())) {
            String user = new String(f.bytes(), StandardCharsets.UTF_8);
            for (LoopShard shard : connections.shards()) {
                shard.loop().execute(() -> shard.closePusherUser(user, 4009, "connections of user terminated"));
            }
            return connections.count(Framing.PUSHER) > 0;
        } else if (topic instanceof Topic.All) {
            everyLoop(f, start, (shard, buf) -> shard.writeAll(buf, f.excludeUserId()));
            return connections.count() > 0;
        } else if (topic instanceof Topic.Channel ch) {
            everyLoop(f, start, (shard, buf) -> shard.writeChannel(ch.name(), f, buf));
            return channels.hasSubscribers(ch.name());
        }
        return false;
    }

    private interface ShardWrite {
        int write(LoopShard shard, SharedFrame shared);
    }

    /** One task per event loop, all writing the same direct buffer; the last one out releases it. */
    private void everyLoop(Message.Push f, long start, ShardWrite write) {
        List<LoopShard> shards = connections.shards();
        SharedFrame shared = SharedFrame.of(f.bytes(), connections.count(Framing.WEBSOCKET) > 0,
                connections.count(Framing.EVENT_STREAM) > 0, connections.count(Framing.PUSHER) > 0);
        shared.retain(shards.size() - 1);
        for (LoopShard shard : shards) {
            shard.loop().execute(() -> {
                try {
                    int n = write.write(shard, shared);
                    if (n > 0) {
                        metrics.framesOut(f.type(), n);
                        metrics.publishToWrite(System.nanoTime() - start);
                    }
                } finally {
                    shared.release();
                }
            });
        }
    }
}
