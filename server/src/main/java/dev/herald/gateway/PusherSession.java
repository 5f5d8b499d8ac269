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
 * presence channels it is a member of (channel → user id). Loop-confined like the connection.
 */
final class PusherSession {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings.PusherApp app;
    private final String socketId;
    private final long number;
    private final TokenBucket clientEvents;
    private Map<String, String> presence;

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

    /** The user id it joined presence {@code channel} as, or null. */
    String presenceUser(String channel) {
        return presence == null ? null : presence.get(channel);
    }

    /** Whether it is a member of some presence channel as {@code userId}. */
    boolean isUser(String userId) {
        return presence != null && presence.containsValue(userId);
    }

    void joinedPresence(String channel, String userId) {
        if (presence == null) {
            presence = new HashMap<>(2);
        }
        presence.put(channel, userId);
    }

    /** Forgets its membership of {@code channel}; returns the user id it had there, or null. */
    String leftPresence(String channel) {
        return presence == null ? null : presence.remove(channel);
    }

    /** Every presence membership (channel → user id), forgotten: the connection closed. */
    Map<String, String> leaveAllPresence() {
        Map<String, String> all = presence == null ? Map.of() : presence;
        presence = null;
        return all;
    }
}
