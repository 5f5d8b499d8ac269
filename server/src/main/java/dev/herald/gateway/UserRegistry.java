package dev.herald.gateway;

import dev.herald.broker.Broker;
import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import dev.herald.metrics.HeraldMetrics;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's bound connections by user, and the per-user connection limit. A user's first local
 * connection brings the user online ({@link Presence}) and activates the user's broker topic; the
 * last one leaving takes both back. Those transitions happen under {@link ConcurrentHashMap#compute}
 * of the user's entry, so they are atomic per user; so is the limit: {@link #reserve} counts and
 * keeps a place in the same step (for an upgrade and for a bind alike), and {@link #add} takes it.
 * Any thread may call every method; {@link #connectionsOf} returns a snapshot.
 */
public final class UserRegistry {
    private static final Connection[] NONE = new Connection[0];

    private final Broker broker;
    private final Presence presence;
    private final ConcurrentHashMap<Long, Connection[]> users = new ConcurrentHashMap<>();
    /** Places kept by {@link #reserve} and not yet used; only changed inside {@code users.compute}. */
    private final ConcurrentHashMap<Long, Integer> seats = new ConcurrentHashMap<>();

    public UserRegistry(Broker broker, Presence presence, HeraldMetrics metrics) {
        this.broker = Objects.requireNonNull(broker);
        this.presence = Objects.requireNonNull(presence);
        metrics.gauge("herald_users", "Users with at least one connection on this node", users::size);
    }

    /** Users with at least one connection on this node. */
    public int count() {
        return users.size();
    }

    /** The user's connections on this node (a snapshot). */
    public Connection[] connectionsOf(long userId) {
        return users.getOrDefault(userId, NONE);
    }

    /**
     * A place kept for one connection of a user between the limit check (at the upgrade, or when a
     * bind arrives) and {@link #add}: with it, the check and the add are one atomic step per user,
     * so concurrent upgrades (on different event loops) never take a user past the limit. Used once:
     * by {@link #add}, or given back with {@link #release} when the upgrade fails.
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

    /** Gives back a place that {@link #add} did not use (the upgrade failed). Idempotent. */
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
     * Adds a bound connection to its user's, in the place {@code seat} kept for it (null = none was
     * kept, no limit applies); the first one on this node brings the user online and activates the
     * user's topic. Returns when this node hears that topic (at once when it already did; the same
     * pending stage when a previous connection's activation is not confirmed yet).
     */
    CompletionStage<Void> add(Connection c, Seat seat) {
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

    /** Removes a bound connection that closed; the user's last one takes the user offline here. */
    void remove(Connection c) {
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
}
