package dev.herald.gateway;

import dev.herald.broker.Message;
import dev.herald.config.Settings;
import dev.herald.protocol.CloseCodes;
import dev.herald.protocol.ErrorCode;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The connections and channel subscriptions of one event loop. Everything here runs on that loop
 * only, so fan-out needs no locks: a broadcast or channel publication is one task per loop that
 * writes the same retained buffer to every local connection. Removal swaps the last element into
 * the freed slot (O(1)); iteration runs from the end so a removal during it is safe.
 *
 * <p>Time comes from one ticker (nanoseconds, {@link System#nanoTime} in production), read by the
 * shard's connections too ({@link #nanos}), so a test can move it by hand and sweep at once.
 */
final class LoopShard {
    private final EventLoop loop;
    private final Settings.Gateway limits;
    private final long bindGraceNanos;
    private final boolean bindAllowed;
    private final Duration clockSkew;
    private final LongSupplier ticker;
    private Connection[] connections = new Connection[64];
    private int size;
    private final Map<String, SubscriberList> channels = new HashMap<>();

    LoopShard(EventLoop loop, Settings.Gateway limits, Settings.Auth auth, LongSupplier ticker) {
        this.loop = Objects.requireNonNull(loop);
        this.limits = Objects.requireNonNull(limits);
        this.bindGraceNanos = auth.bindGrace().toNanos();
        this.bindAllowed = auth.allowBind();
        this.clockSkew = auth.clockSkew();
        this.ticker = Objects.requireNonNull(ticker);
    }

    EventLoop loop() {
        return loop;
    }

    /** The shard's time, in nanoseconds from an arbitrary origin (only differences mean anything). */
    long nanos() {
        return ticker.getAsLong();
    }

    void add(Connection c) {
        if (size == connections.length) {
            connections = Arrays.copyOf(connections, size * 2);
        }
        c.slot(size);
        connections[size++] = c;
    }

    /** Removes {@code c}; false when it was not here (removed already). */
    boolean remove(Connection c) {
        int slot = c.slot();
        if (slot < 0 || slot >= size || connections[slot] != c) {
            return false;
        }
        Connection last = connections[--size];
        connections[slot] = last;
        last.slot(slot);
        connections[size] = null;
        c.slot(-1);
        return true;
    }

    /** Adds the subscription; true when it is the first one of its channel on this loop. */
    boolean addSubscription(Subscription s) {
        SubscriberList list = channels.get(s.channel());
        boolean first = list == null;
        if (first) {
            list = new SubscriberList();
            channels.put(s.channel(), list);
        }
        list.add(s);
        return first;
    }

    /** Removes it; true when it was the last one of its channel on this loop. */
    boolean removeSubscription(Subscription s) {
        SubscriberList list = channels.get(s.channel());
        if (list == null || !list.remove(s)) {
            return false;
        }
        if (list.size == 0) {
            channels.remove(s.channel());
            return true;
        }
        return false;
    }

    /** Writes {@code shared} to every connection except {@code excludeUserId}'s; returns the count. */
    int writeAll(SharedFrame shared, long excludeUserId) {
        int written = 0;
        for (int i = size - 1; i >= 0; i--) {
            Connection c = connections[i];
            if (c.bound() && c.userId() != excludeUserId) {
                c.write(shared.copyFor(c.framing()));
                written++;
            }
        }
        return written;
    }

    /** Writes a channel publication to this loop's subscribers, parking it for recovering ones. */
    int writeChannel(String channel, Message.Push frame, SharedFrame shared) {
        SubscriberList list = channels.get(channel);
        if (list == null) {
            return 0;
        }
        int written = 0;
        for (int i = list.size - 1; i >= 0; i--) {
            if (list.items[i].publish(frame, shared)) {
                written++;
            }
        }
        return written;
    }

    /** Closes this loop's Pusher connections that are members of a presence channel as {@code userId}. */
    void closePusherUser(String userId, int code, String reason) {
        for (int i = size - 1; i >= 0; i--) {
            PusherSession s = connections[i].pusher();
            if (s != null && s.isUser(userId)) {
                connections[i].close(code, reason);
            }
        }
    }

    void closeAll(int code, String reason) {
        for (int i = size - 1; i >= 0; i--) {
            connections[i].close(code, reason);
        }
    }

    /**
     * Once a second: closes idle, unbound-too-long and expired connections and those whose backlog
     * push has waited too long for them to read, and pings the others every heartbeat interval.
     * {@code now} is the wall-clock time that token expiry is compared with.
     */
    void sweep(Instant now) {
        long nowNanos = nanos();
        long idle = limits.idleTimeout().toNanos();
        long ping = limits.heartbeatInterval().toNanos();
        long drain = limits.backlogDrainTimeout().toNanos();
        for (int i = size - 1; i >= 0; i--) {
            Connection c = connections[i];
            if (c.idleLongerThan(idle, nowNanos)) {
                c.close(CloseCodes.GOING_AWAY, "idle timeout");
            } else if (c.pacedStalledLongerThan(drain, nowNanos)) {
                // the client reads nothing of its backlog (though it may keep sending): its close
                // frame would wait behind the unread output, so the connection is dropped at once
                c.closeNow(CloseCodes.POLICY, "backlog not drained");
            } else if (!c.bound() && bindAllowed && c.framing() != Framing.PUSHER && nowNanos - c.connectedNanos() > bindGraceNanos) {
                c.close(CloseCodes.POLICY, "bind timeout");
            } else if (c.bound() && c.principal().expiresAt().isBefore(now.minus(clockSkew))) {
                // the same allowance TokenVerifier gives at upgrade and refresh, so a token accepted
                // there is not declared expired by the next sweep
                c.sendError(null, ErrorCode.TOKEN_EXPIRED, "the token has expired; reconnect with a fresh one");
                c.close(CloseCodes.TOKEN_EXPIRED, "token expired");
            } else {
                c.pingIfDue(ping, nowNanos);
            }
        }
    }

    private static final class SubscriberList {
        Subscription[] items = new Subscription[4];
        int size;

        void add(Subscription s) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            s.slot(size);
            items[size++] = s;
        }

        boolean remove(Subscription s) {
            int slot = s.slot();
            if (slot < 0 || slot >= size || items[slot] != s) {
                return false;
            }
            Subscription last = items[--size];
            items[slot] = last;
            last.slot(slot);
            items[size] = null;
            s.slot(-1);
            return true;
        }
    }
}
