package dev.herald.gateway;

import dev.herald.config.Settings;
import dev.herald.limits.TokenBucket;
import dev.herald.pusher.SocketIds;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * What a Pusher-protocol connection holds beside its {@link Connection}: its app, its
 * {@code socket_id} ({@code "a.b"}, two random positive 31-bit numbers; {@link #number} packs them
 * into one long that channel publications carry to exclude it), its client-event bucket and the
 * presence channels it is a member of. Loop-confined like the connection.
 */
final class PusherSession {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings.PusherApp app;
    private final String socketId;
    private final long number;
    private final TokenBucket clientEvents;
    private Map<String, Membership> presence;
    /** Per presence channel: the users this client was told about, or the member events waiting for the list. */
    private Map<String, View> views;
    private int memberships;

    PusherSession(Settings.PusherApp app, TokenBucket.Rate clientEventRate, long nowNanos) {
        this.app = app;
        int a = 1 + RANDOM.nextInt(Integer.MAX_VALUE - 1);
        int b = 1 + RANDOM.nextInt(Integer.MAX_VALUE - 1);
        this.socketId = a + "." + b;
        this.number = SocketIds.number(socketId);
        this.clientEvents = new TokenBucket(clientEventRate, nowNanos);
    }

    Settings.PusherApp app() {
        return app;
    }

    String socketId() {
        return socketId;
    }

    long number() {
        return number;
    }

    boolean takeClientEvent(long nowNanos) {
        return clientEvents.tryTake(nowNanos);
    }

    /**
     * One presence membership: the user id, and the member entry's key in {@code ChannelMembers}
     * ({@code socket_id/n}, one per subscription, so a leave left over from an earlier subscription to
     * the same channel never removes the entry of a later one).
     */
    record Membership(String userId, String key) {}

    /** The user id this connection is a member of presence {@code channel} as, or null. */
    String presenceUser(String channel) {
        Membership m = presence == null ? null : presence.get(channel);
        return m == null ? null : m.userId();
    }

    /** Whether it is a member of some presence channel as {@code userId}. */
    boolean isUser(String userId) {
        if (presence != null) {
            for (Membership m : presence.values()) {
                if (m.userId().equals(userId)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Records a new membership of {@code channel} as {@code userId} and returns it. */
    Membership joinedPresence(String channel, String userId) {
        if (presence == null) {
            presence = new HashMap<>(2);
        }
        Membership m = new Membership(userId, socketId + "/" + (++memberships));
        presence.put(channel, m);
        return m;
    }

    /** Forgets its membership of {@code channel}; returns it, or null. */
    Membership leftPresence(String channel) {
        if (views != null) {
            views.remove(channel);
        }
        return presence == null ? null : presence.remove(channel);
    }

    /**
     * What one client knows of a presence channel's users. Until the member list went out
     * ({@code known} null) member events wait in {@code pending}; afterwards an add of a user it has,
     * or a remove of one it lacks, is dropped — so a join racing the list read is told once, not twice.
     */
    private static final class View {
        java.util.Set<String> known;
        final java.util.List<byte[]> pending = new java.util.ArrayList<>(2);
    }

    /**
     * A member event ({@code added} or removed, of {@code userId}) for a presence channel: whether to
     * write it now. While the list has not gone out it is kept ({@code frame}) for {@link #listed}.
     */
    boolean memberEvent(String channel, boolean added, String userId, byte[] frame, int maxPending) {
        View v = views == null ? null : views.get(channel);
        if (v == null) {
            return false; // not (or no longer) a member of it
        }
        if (v.known == null) {
            if (v.pending.size() < maxPending) {
                v.pending.add(frame);
            }
            return false;
        }
        return added ? v.known.add(userId) : v.known.remove(userId);
    }

    /** A presence subscription began: member events wait until {@link #listed}. */
    void awaitingList(String channel) {
        if (views == null) {
            views = new HashMap<>(2);
        }
        views.put(channel, new View());
    }

    /** The member list went out with {@code users}; returns the events that waited for it, oldest first. */
    java.util.List<byte[]> listed(String channel, java.util.Collection<String> users) {
        View v = views == null ? null : views.get(channel);
        if (v == null) {
            return java.util.List.of();
        }
        v.known = new java.util.HashSet<>(users);
        java.util.List<byte[]> waiting = java.util.List.copyOf(v.pending);
        v.pending.clear();
        return waiting;
    }

    /** Every presence membership (channel → membership), forgotten: the connection closed. */
    Map<String, Membership> leaveAllPresence() {
        Map<String, Membership> all = presence == null ? Map.of() : presence;
        presence = null;
        views = null;
        return all;
    }
}
