package dev.herald.gateway;

import dev.herald.protocol.CloseCodes;
import dev.herald.auth.Principal;
import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's connections: by user (any thread reads it), by event loop (fan-out), by channel
 * (per loop) and, for the bind flow, by client id. It is the broker's {@link Broker.Sink}: what the
 * broker delivers for a topic is written here to the matching local connections.
 *
 * <p>A user's first local connection and last disconnection are reported to {@link Presence}; a
 * channel's first local subscriber and last one leaving activate and deactivate its broker topic,
 * as do a user's. Those transitions happen under {@link ConcurrentHashMap#compute}, so they are
 * atomic per key; so is the per-user connection limit ({@link #reserve} counts and keeps a place in
 * the same step, for an upgrade and for a bind alike). Opening a connection or a subscription returns when the node hears its topic,
 * which the gateway waits for before it tells the client ({@code init}, the subscribe {@code ack}).
 */
public final class Hub implements Broker.Sink {
    private static final Connection[] NONE = new Connection[0];

    private final String nodeId;
    private final Broker broker;
    private final Presence presence;
    private final HeraldMetrics metrics;
    private final Settings settings;
    private final Map<EventLoop, LoopShard> shards = new IdentityHashMap<>();
    private final List<LoopShard> shardList = new ArrayList<>();
    private final ConcurrentHashMap<Long, Connection[]> users = new ConcurrentHashMap<>();
    /** Places kept by {@link #reserve} and not yet used; only changed inside {@code users.compute}. */
    private final ConcurrentHashMap<Long, Integer> seats = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Connection> unbound = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> channelRefs = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<ConnectionListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Hub(String nodeId, EventLoopGroup loops, Broker broker, Presence presence, HeraldMetrics metrics,
               Settings settings) {
        this.nodeId = Objects.requireNonNull(nodeId);
        this.broker = Objects.requireNonNull(broker);
        this.presence = Objects.requireNonNull(presence);
        this.metrics = Objects.requireNonNull(metrics);
        this.settings = Objects.requireNonNull(settings);
        for (EventExecutor e : loops) {
            EventLoop loop = (EventLoop) e;
            LoopShard shard = new LoopShard(loop, settings.gateway(), settings.auth());
            shards.put(loop, shard);
            shardList.add(shard);
            loop.scheduleAtFixedRate(() -> shard.sweep(System.nanoTime(), Instant.now()), 1, 1, TimeUnit.SECONDS);
        }
        metrics.gauge("herald_connections", "Open WebSocket connections on this node", connections::get);
        metrics.gauge("herald_users", "Users with at least one connection on this node", users::size);
    }

    /** Listeners hear of every bound connection that opens and every one that closes. */
    public void addListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    void fireOpened(Connection c) {
        listeners.forEach(l -> l.opened(c));
    }

    public String nodeId() {
        return nodeId;
    }

    public int connectionCount() {
        return connections.get();
    }

    public int localUserCount() {
        return users.size();
    }

    /** The user's connections on this node (a snapshot). */
    public Connection[] connectionsOf(long userId) {
        return users.getOrDefault(userId, NONE);
    }

    /**
     * A place kept for one connection of a user between the upgrade's limit check and
     * {@link #open}: with it, the check and the add are one atomic step per user, so concurrent
     * upgrades (on different event loops) never take a user past the limit. Used once: by
     * {@link #open}, or given back with {@link #release} when the upgrade fails.
     */
    public static final class Seat {
        private final long userId;
        private boolean used;

        private Seat(long userId) {
            this.userId = userId;
        }
    }

    /**
     * Keeps a place for one more connection of {@code userId}, or returns null when the user's open
     * connections plus the places already kept reach {@code max}.
     */
    public Seat reserve(long userId, int max) {
        Seat[] seat = new Seat[1];
        users.compute(userId, (id, current) -> {
            int taken = (current == null ? 0 : current.length) + seats.getOrDefault(id, 0);
            if (taken < max) {
                seats.merge(id, 1, Integer::sum);
                seat[0] = new Seat(id);
            }
            return current;
        });
        return seat[0];
    }

    /** Gives back a place that {@link #open} did not use (the upgrade failed). Idempotent. */
    public void release(Seat seat) {
        if (seat != null) {
            users.compute(seat.userId, (id, current) -> {
                useSeat(seat);
                return current;
            });
        }
    }

    /** Must run inside {@code users.compute(seat.userId, …)}. */
    private void useSeat(Seat seat) {
        if (!seat.used) {
            seat.used = true;
            seats.computeIfPresent(seat.userId, (id, n) -> n > 1 ? n - 1 : null);
        }
    }

    /**
     * A connection just registered, and when this node hears its user's topic: pushes published
     * after {@code heard} completes reach it (see {@link Broker#activate}).
     */
    public record Opened(Connection connection, CompletionStage<Void> heard) {}

    /**
     * Creates and registers a connection; must run on {@code channel}'s event loop. A bound one
     * takes the place {@code seat} kept for it (null = none was kept, no limit applies).
     */
    public Opened open(Channel channel, Principal principal, Seat seat) {
        long id = ids.incrementAndGet();
        LoopShard shard = shards.get(channel.eventLoop());
        long now = System.nanoTime();
        var limiter = new RateLimiter(settings.gateway().rateLimitPerMinute(), settings.gateway().rateLimitGrace(), now);
        Connection c = new Connection(channel, id, ClientIds.next(), principal, shard, limiter, now,
                settings.gateway().maxOutboundBytes());
        shard.add(c);
        connections.incrementAndGet();
        if (principal != null) {
            return new Opened(c, addUser(c, seat));
        }
        // heard before it can be claimed: a bind claiming it in between would deactivate the
        // topic before this activates it, which would then stay subscribed
        CompletionStage<Void> heard = broker.activate(new Topic.Client(c.clientId()));
        unbound.put(c.clientId(), c);
        return new Opened(c, heard);
    }

    /** Unregisters a closed connection and its subscriptions; runs on its event loop. */
    public void closed(Connection c) {
        if (c.slot < 0) {
            return;
        }
        c.shard.remove(c);
        connections.decrementAndGet();
        if (c.subscriptions != null) {
            for (Subscription s : c.subscriptions.values()) {
                dropSubscription(s);
            }
            c.subscriptions = null;
        }
        if (c.bound()) {
            removeUser(c);
            listeners.forEach(l -> l.closed(c));
        } else if (unbound.remove(c.clientId(), c)) {
            broker.deactivate(new Topic.Client(c.clientId()));
        }
    }

    /**
     * Binds a connection that {@link #claimUnbound} took to a user, in the place {@code seat} kept
     * for it under the per-user limit; runs on its event loop. Returns null when it closed
     * meanwhile (the place is given back), else a stage that completes when this node hears the
     * user's topic.
     */
    private CompletionStage<Void> bind(Connection c, Principal principal, Seat seat) {
        if (c.bound() || c.slot < 0) {
            release(seat);
            return null;
        }
        c.principal(principal);
        return addUser(c, seat);
    }

    /**
     * Takes an unbound connection out of the bind flow's waiting list, so that exactly one bind
     * gets it; null when no such connection waits here, or it is closing (e.g. its bind grace ran
     * out and the close handshake is under way).
     */
    private Connection claimUnbound(String clientId) {
        Connection c = unbound.remove(clientId);
        if (c == null) {
            return null;
        }
        broker.deactivate(new Topic.Client(clientId));
        return c.closeReason() == null ? c : null;
    }

    /**
     * Adds a bound connection to its user's; the first one on this node brings the user online and
     * activates the user's topic. Returns when this node hears that topic (at once when it already
     * did; the same pending stage when a previous connection's activation is not confirmed yet).
     */
    private CompletionStage<Void> addUser(Connection c, Seat seat) {
        long userId = c.userId();
        @SuppressWarnings("unchecked")
        CompletionStage<Void>[] heard = new CompletionStage[1];
        users.compute(userId, (id, current) -> {
            if (seat != null) {
                useSeat(seat);
            }
            if (current == null) {
                presence.userOnline(id);
            }
            heard[0] = broker.activate(new Topic.User(id));
            if (current == null) {
                return new Connection[] {c};
            }
            Connection[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = c;
            return next;
        });
        return heard[0];
    }

    private void removeUser(Connection c) {
        users.computeIfPresent(c.userId(), (id, current) -> {
            int at = -1;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == c) {
                    at = i;
                }
            }
            if (at < 0) {
                return current;
            }
            if (current.length == 1) {
                presence.userOffline(id);
                broker.deactivate(new Topic.User(id));
                return null;
            }
            Connection[] next = new Connection[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, current.length - at - 1);
            return next;
        });
    }

    /** A subscription just added, and when this node hears its channel (see {@link Broker#activate}). */
    record Joined(Subscription subscription, CompletionStage<Void> heard) {}

    /** Adds a channel subscription for {@code c}; runs on its event loop. */
    Joined subscribe(Connection c, String channel, boolean recovering) {
        Subscription s = new Subscription(c, channel, recovering);
        c.subscriptions().put(channel, s);
        c.shard.addSubscription(s);
        @SuppressWarnings("unchecked")
        CompletionStage<Void>[] heard = new CompletionStage[1];
        channelRefs.compute(channel, (name, refs) -> {
            heard[0] = broker.activate(new Topic.Channel(name));
            if (refs == null) {
                return new AtomicInteger(1);
            }
            refs.incrementAndGet();
            return refs;
        });
        return new Joined(s, heard[0]);
    }

    /** Removes {@code c}'s subscription to {@code channel}; false when there was none. */
    boolean unsubscribe(Connection c, String channel) {
        Subscription s = c.subscriptions == null ? null : c.subscriptions.remove(channel);
        if (s == null) {
            return false;
        }
        dropSubscription(s);
        return true;
    }

    private void dropSubscription(Subscription s) {
        s.connection.shard.removeSubscription(s);
        s.pending = null;
        channelRefs.computeIfPresent(s.channel, (name, refs) -> {
            if (refs.decrementAndGet() > 0) {
                return refs;
            }
            broker.deactivate(new Topic.Channel(name));
            return null;
        });
    }

    /** Whether anyone on this node subscribes to {@code channel}. */
    public boolean hasSubscribers(String channel) {
        return channelRefs.containsKey(channel);
    }

    @Override
    public boolean deliver(Topic topic, Message message) {
        long start = System.nanoTime();
        if (message instanceof Message.Push f) {
            return deliverFrame(topic, f, start);
        } else if (message instanceof Message.Disconnect d) {
            if (topic instanceof Topic.User u) {
                Connection[] targets = connectionsOf(u.userId());
                for (Connection c : targets) {
                    c.close(d.code(), d.reason());
                }
                return targets.length > 0;
            } else if (topic instanceof Topic.All) {
                closeAll(d.code(), d.reason());
                return connectionCount() > 0;
            }
        } else if (message instanceof Message.Bind b) {
            Connection c = claimUnbound(b.clientId());
            if (c == null) {
                return false;
            }
            // a bound connection counts under the per-user limit like one that came with a token:
            // the place is taken here, atomically with the user's other connections and upgrades
            int max = settings.gateway().maxConnectionsPerUser();
            Seat seat = reserve(b.userId(), max);
            if (seat == null) {
                c.onLoop(() -> c.close(CloseCodes.POLICY, "too many connections"));
                throw new ConnectionLimitException(b.userId(), max);
            }
            c.onLoop(() -> bindUser(c, b.userId(), seat));
            return true;
        }
        return false;
    }

    private boolean deliverFrame(Topic topic, Message.Push f, long start) {
        if (topic instanceof Topic.User u) {
            Connection[] targets = connectionsOf(u.userId());
            if (targets.length == 0) {
                return false;
            }
            ByteBuf shared = WebSocketFraming.text(f.bytes());
            for (Connection c : targets) {
                c.write(shared.retainedDuplicate());
            }
            shared.release();
            metrics.framesOut(f.type(), targets.length);
            metrics.publishToWrite(System.nanoTime() - start);
            return true;
        } else if (topic instanceof Topic.All) {
            fanOut(f, start, (shard, buf) -> shard.writeAll(buf, f.excludeUserId()));
            return connectionCount() > 0;
        } else if (topic instanceof Topic.Channel ch) {
            fanOut(f, start, (shard, buf) -> shard.writeChannel(ch.name(), f, buf));
            return hasSubscribers(ch.name());
        }
        return false;
    }

    /** Completes the bind flow for an unbound local connection: it becomes {@code userId}'s. */
    private void bindUser(Connection c, long userId, Seat seat) {
        Principal p = new Principal(Principal.Kind.USER, userId, java.util.List.of(), Instant.MAX);
        CompletionStage<Void> heard = bind(c, p, seat);
        if (heard != null) {
            // bind_success once pushes to the user reach this connection, as init for a token
            heard.whenComplete((v, e) -> c.onLoop(() -> {
                if (c.slot >= 0) {
                    c.send(dev.herald.protocol.OutboundFrames.push("bind_success", java.util.Map.of("user_id", userId)));
                    fireOpened(c);
                }
            }));
        }
    }

    private interface ShardWrite {
        int write(LoopShard shard, ByteBuf shared);
    }

    /** One task per event loop, all writing the same direct buffer; the last one out releases it. */
    private void fanOut(Message.Push f, long start, ShardWrite write) {
        ByteBuf shared = WebSocketFraming.text(f.bytes());
        shared.retain(shardList.size() - 1);
        for (LoopShard shard : shardList) {
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

    /** Closes every connection on this node (graceful shutdown). */
    public void closeAll(int code, String reason) {
        for (LoopShard s : shardList) {
            s.loop().execute(() -> s.closeAll(code, reason));
        }
    }
}
