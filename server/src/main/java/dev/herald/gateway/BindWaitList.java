package dev.herald.gateway;

import dev.herald.auth.Principal;
import dev.herald.broker.BindRefusedException;
import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.protocol.CloseCodes;
import dev.herald.protocol.OutboundFrames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bind flow's side of this node: unbound connections wait here by client id, each heard on its
 * client topic, until a {@link Message.Bind} claims it (exactly one bind gets a connection: the
 * claim is a removal from this map) or it closes. A claimed connection takes a place under the
 * per-user limit in {@link UserRegistry}, atomically with the user's other connections and upgrades;
 * past the limit it is closed (1008 {@code too many connections}) and the bind refused with
 * {@link BindRefusedException}. Otherwise it becomes the user's on its loop and gets
 * {@code bind_success} once this node hears the user's topic. {@link #add} and {@link #remove} run
 * on the connection's loop; {@link #bind} on the broker's thread.
 */
public final class BindWaitList {
    private final Broker broker;
    private final UserRegistry users;
    private final ConnectionListener listener;
    private final int maxConnectionsPerUser;
    private final ConcurrentHashMap<String, Connection> unbound = new ConcurrentHashMap<>();

    /** {@code listener} hears of every connection a bind completes. */
    public BindWaitList(Broker broker, UserRegistry users, ConnectionListener listener, int maxConnectionsPerUser) {
        this.broker = Objects.requireNonNull(broker);
        this.users = Objects.requireNonNull(users);
        this.listener = Objects.requireNonNull(listener);
        this.maxConnectionsPerUser = maxConnectionsPerUser;
    }

    /** An unbound connection opened: it waits for a bind. Returns when this node hears its client topic. */
    CompletionStage<Void> add(Connection c) {
        // heard before it can be claimed: a bind claiming it in between would deactivate the
        // topic before this activates it, which would then stay subscribed
        CompletionStage<Void> heard = broker.activate(new Topic.Client(c.clientId()));
        unbound.put(c.clientId(), c);
        return heard;
    }

    /** An unbound connection closed: it waits no more. */
    void remove(Connection c) {
        if (unbound.remove(c.clientId(), c)) {
            broker.deactivate(new Topic.Client(c.clientId()));
        }
    }

    /**
     * A bind arrived for a connection: false when none with that client id waits here; true when it
     * is being bound. Throws {@link BindRefusedException} when its user has no place left.
     */
    boolean bind(Message.Bind b) {
        Connection c = claim(b.clientId());
        if (c == null) {
            return false;
        }
        // a bound connection counts under the per-user limit like one that came with a token:
        // the place is taken here, atomically with the user's other connections and upgrades
        UserRegistry.Seat seat = users.reserve(b.userId(), maxConnectionsPerUser);
        if (seat == null) {
            c.onLoop(() -> c.close(CloseCodes.POLICY, "too many connections"));
            throw new BindRefusedException("user " + b.userId() + " already has the maximum of "
                    + maxConnectionsPerUser + " connections");
        }
        c.onLoop(() -> bindUser(c, b.userId(), seat));
        return true;
    }

    /**
     * Takes an unbound connection out of the waiting list, so that exactly one bind gets it; null
     * when no such connection waits here, or it is closing (e.g. its bind grace ran out and the
     * close handshake is under way).
     */
    private Connection claim(String clientId) {
        Connection c = unbound.remove(clientId);
        if (c == null) {
            return null;
        }
        broker.deactivate(new Topic.Client(clientId));
        return c.closeReason() == null ? c : null;
    }

    /** Completes the bind on the connection's loop: it becomes {@code userId}'s, in the place {@code seat} kept. */
    private void bindUser(Connection c, long userId, UserRegistry.Seat seat) {
        if (c.bound() || !c.registered()) {
            users.release(seat); // closed meanwhile
            return;
        }
        c.bindTo(new Principal(Principal.Kind.USER, userId, List.of(), Instant.MAX));
        // bind_success once pushes to the user reach this connection, as init for a token
        users.add(c, seat).whenComplete((v, e) -> c.onLoop(() -> {
            if (c.registered()) {
                c.send(OutboundFrames.push("bind_success", Map.of("user_id", userId)));
                listener.opened(c);
            }
        }));
    }
}
