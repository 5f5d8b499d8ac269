package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.auth.Principal;
import dev.herald.auth.TokenException;
import dev.herald.auth.TokenVerifier;
import dev.herald.broker.Presence;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.OutboundFrames;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import java.util.Map;
import java.util.Objects;

/** {@code ping}, {@code heartbeat}, {@code presence} and {@code refresh}: the connection's own upkeep. */
public final class SessionHandlers {
    private static final int MAX_PRESENCE_IDS = 1000;
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final Presence presence;
    private final TokenVerifier tokens;
    private final ChannelSubscriptions channels;

    /** {@code channels}: a refresh leaves the channels the new token does not allow. */
    public SessionHandlers(Presence presence, TokenVerifier tokens, ChannelSubscriptions channels) {
        this.presence = Objects.requireNonNull(presence);
        this.tokens = Objects.requireNonNull(tokens);
        this.channels = Objects.requireNonNull(channels);
    }

    public void register(FrameDispatcher d) {
        d.register("ping", this::ping);
        d.register("heartbeat", this::heartbeat);
        d.register("presence", this::presence);
        d.register("refresh", this::refresh);
    }

    private void ping(Connection c, InboundFrame f) {
        c.send(OutboundFrames.reply("pong", f.id(), Map.of("timestamp", System.currentTimeMillis())));
    }

    private void heartbeat(Connection c, InboundFrame f) {
        JsonNode ts = f.data().get("timestamp");
        long echoed = ts != null && ts.canConvertToLong() ? ts.asLong() : System.currentTimeMillis();
        c.send(OutboundFrames.reply("heartbeat", f.id(), Map.of("timestamp", echoed, "server_time", System.currentTimeMillis())));
    }

    private void presence(Connection c, InboundFrame f) throws ProtocolException {
        long[] ids = f.requireIdArray("user_ids", MAX_PRESENCE_IDS);
        presence.onlineAmong(ids).whenComplete((online, err) -> {
            if (err != null) {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "presence is unavailable right now");
                return;
            }
            long[] sorted = online.stream().mapToLong(Long::longValue).sorted().toArray();
            c.send(OutboundFrames.reply("presence", f.id(), Map.of("user_ids", ids, "online", sorted)));
        });
    }

    private void refresh(Connection c, InboundFrame f) throws ProtocolException {
        String token = f.requireString("token", MAX_TOKEN_LENGTH);
        Principal next;
        try {
            next = tokens.verify(token);
        } catch (TokenException e) {
            throw new ProtocolException(ErrorCode.TOKEN_INVALID, e.getMessage());
        }
        if (next.userId() != c.userId()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "the new token is for another user");
        }
        c.refreshed(next);
        dropForbiddenChannels(c, next);
        c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "refresh", "expires_at", next.expiresAt().toString())));
    }

    /**
     * After a refresh the connection keeps only the channels the new token allows: each other one
     * is left and the client told with an {@code unsubscribed} frame (before the refresh ack).
     */
    private void dropForbiddenChannels(Connection c, Principal p) {
        for (String channel : c.channels()) {
            if (!p.mayJoin(channel)) {
                channels.unsubscribe(c, channel);
                c.send(OutboundFrames.push("unsubscribed", Map.of("channel", channel, "code", ErrorCode.FORBIDDEN.wire(),
                        "message", "the refreshed token does not allow " + channel)));
            }
        }
    }
}
