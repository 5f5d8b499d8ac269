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
        return presence == null ? null : presence.remove(channel);
    }

    /** Every presence membership (channel → membership), forgotten: the connection closed. */
    Map<String, Membership> leaveAllPresence() {
        Map<String, Membership> all = presence == null ? Map.of() : presence;
        presence = null;
        return all;
    }
}
