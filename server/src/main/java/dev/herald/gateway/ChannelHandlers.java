package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.protocol.ChannelName;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.OutboundFrames;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code subscribe} and {@code unsubscribe}. A subscribe with {@code since} recovers what the client
 * missed: the subscription parks live publications, the history after {@code since} is written,
 * then the parked ones (without duplicates), then the {@code ack}. When history no longer reaches
 * back that far the ack says {@code recovered: false} and the client should reload its state.
 */
final class ChannelHandlers {
    private final Gateway gateway;

    ChannelHandlers(Gateway gateway) {
        this.gateway = gateway;
    }

    void register(FrameDispatcher d) {
        d.register("subscribe", this::subscribe);
        d.register("unsubscribe", this::unsubscribe);
    }

    private static String channel(InboundFrame f) throws ProtocolException {
        String name = f.requireString("channel", Integer.MAX_VALUE);
        String problem = ChannelName.problem(name);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "channel " + problem);
        }
        return name;
    }

    private void subscribe(Connection c, InboundFrame f) throws ProtocolException {
        String channel = channel(f);
        long since = f.optionalNonNegativeLong("since");
        JsonNode epochNode = f.data().get("epoch");
        String epoch = epochNode != null && epochNode.isTextual() ? epochNode.asText() : null;
        if (!c.principal().mayJoin(channel)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "joining " + channel + " needs it in the token's channels claim");
        }
        Broker broker = gateway.broker();
        if (c.subscriptions != null && c.subscriptions.containsKey(channel)) {
            broker.position(channel).whenComplete((h, err) -> reply(c, f, channel, h, err, null));
            return;
        }
        if (c.subscriptionCount() >= gateway.settings().gateway().maxChannels()) {
            throw new ProtocolException(ErrorCode.TOO_MANY_CHANNELS,
                    "a connection may join at most " + gateway.settings().gateway().maxChannels() + " channels");
        }
        // the position or history is read once this node hears the channel, so every publication
        // after it arrives live: acked offsets and replayed history leave no gap
        if (since < 0) {
            Hub.Joined joined = gateway.hub().subscribe(c, channel, false);
            Subscription s = joined.subscription();
            joined.heard().thenCompose(v -> broker.position(channel))
                    .whenComplete((h, err) -> c.onLoop(() -> {
                        if (err != null || (c.subscriptions != null && c.subscriptions.get(channel) == s)) {
                            reply(c, f, channel, h, err, null);
                        } else if (c.slot >= 0) {
                            // an unsubscribe overtook the position read: say so, as for a recovering one
                            c.send(OutboundFrames.reply("ack", f.id(), subscribeAck(channel, h, null, false)));
                        }
                    }));
            return;
        }
        Hub.Joined joined = gateway.hub().subscribe(c, channel, true);
        Subscription s = joined.subscription();
        s.lastOffset = since;
        joined.heard().thenCompose(v -> broker.history(channel, since, epoch))
                .whenComplete((h, err) -> c.onLoop(() -> recover(c, f, s, h, err)));
    }

    /** Writes the recovered history, then the publications parked meanwhile; on the connection's loop. */
    private void recover(Connection c, InboundFrame f, Subscription s, Broker.History h, Throwable err) {
        if (s.pending == null) {
            // unsubscribed (or closed) while the history was read: the subscribe still gets its one
            // answer, also when the read failed
            if (c.slot < 0) {
                return;
            }
            if (err == null) {
                c.send(OutboundFrames.reply("ack", f.id(), subscribeAck(s.channel, h, false, false)));
            } else {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "channel history is unavailable right now; not subscribed");
            }
            return;
        }
        if (err == null && h.recovered()) {
            for (Broker.Publication p : h.publications()) {
                LoopShard.writeTo(s, p.offset(), p.frame());
            }
        } else if (err == null) {
            s.lastOffset = 0;
        }
        for (Message.Push parked : s.pending) {
            LoopShard.writeTo(s, parked.offset(), parked.bytes());
        }
        s.pending = null;
        reply(c, f, s.channel, h, err, err == null && h.recovered());
    }

    private void reply(Connection c, InboundFrame f, String channel, Broker.History h, Throwable err, Boolean recovered) {
        if (err != null) {
            c.sendError(f.id(), ErrorCode.UNAVAILABLE, "channel history is unavailable right now; subscribed without it");
            return;
        }
        c.send(OutboundFrames.reply("ack", f.id(), subscribeAck(channel, h, recovered, true)));
    }

    /** {@code subscribed} is false only when an unsubscribe overtook the subscribe before its ack. */
    private static Map<String, Object> subscribeAck(String channel, Broker.History h, Boolean recovered, boolean subscribed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", "subscribe");
        data.put("channel", channel);
        data.put("offset", h.offset());
        data.put("epoch", h.epoch());
        if (recovered != null) {
            data.put("recovered", recovered);
        }
        if (!subscribed) {
            data.put("subscribed", false);
        }
        return data;
    }

    private void unsubscribe(Connection c, InboundFrame f) throws ProtocolException {
        String channel = channel(f);
        boolean was = gateway.hub().unsubscribe(c, channel);
        c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "unsubscribe", "channel", channel, "subscribed", was)));
    }
}
