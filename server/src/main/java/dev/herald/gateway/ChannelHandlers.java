package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.Broker;
import dev.herald.protocol.ChannelName;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.OutboundFrames;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code subscribe} and {@code unsubscribe}. A subscribe with {@code since} recovers what the client
 * missed: the subscription parks live publications, the history after {@code since} is written,
 * then the parked ones (without duplicates), then the {@code ack}. When history no longer reaches
 * back that far the ack says {@code recovered: false} and the client should reload its state.
 */
public final class ChannelHandlers {
    private final Broker broker;
    private final ChannelSubscriptions channels;
    private final int maxChannels;

    /** {@code maxChannels}: how many channels one connection may join ({@code gateway.max-channels}). */
    public ChannelHandlers(Broker broker, ChannelSubscriptions channels, int maxChannels) {
        this.broker = Objects.requireNonNull(broker);
        this.channels = Objects.requireNonNull(channels);
        this.maxChannels = maxChannels;
    }

    public void register(FrameDispatcher d) {
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
        if (c.subscription(channel) != null) {
            broker.position(channel).whenComplete((h, err) -> reply(c, f, channel, h, err, null));
            return;
        }
        if (c.subscriptionCount() >= maxChannels) {
            throw new ProtocolException(ErrorCode.TOO_MANY_CHANNELS,
                    "a connection may join at most " + maxChannels + " channels");
        }
        // the position or history is read once this node hears the channel, so every publication
        // after it arrives live: acked offsets and replayed history leave no gap
        if (since < 0) {
            ChannelSubscriptions.Joined joined = channels.subscribe(c, channel, -1, null);
            Subscription s = joined.subscription();
            joined.heard().thenCompose(v -> broker.position(channel))
                    .whenComplete((h, err) -> c.onLoop(() -> {
                        if (err != null || c.subscription(channel) == s) {
                            reply(c, f, channel, h, err, null);
                        } else if (c.registered()) {
                            // an unsubscribe overtook the position read: say so, as for a recovering one
                            c.send(OutboundFrames.reply("ack", f.id(), subscribeAck(channel, h, null, false)));
                        }
                    }));
            return;
        }
        ChannelSubscriptions.Joined joined = channels.subscribe(c, channel, since, epoch);
        Subscription s = joined.subscription();
        joined.heard().thenCompose(v -> broker.history(channel, since, epoch))
                .whenComplete((h, err) -> c.onLoop(() -> recover(c, f, s, h, err)));
    }

    /** Writes the recovered history, then the publications parked meanwhile; on the connection's loop. */
    private void recover(Connection c, InboundFrame f, Subscription s, Broker.History h, Throwable err) {
        if (!s.recovering()) {
            // unsubscribed (or closed) while the history was read: the subscribe still gets its one
            // answer, also when the read failed
            if (!c.registered()) {
                return;
            }
            if (err == null) {
                c.send(OutboundFrames.reply("ack", f.id(), subscribeAck(s.channel(), h, false, false)));
            } else {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "channel history is unavailable right now; not subscribed");
            }
            return;
        }
        if (err == null && h.recovered()) {
            for (Broker.Publication p : h.publications()) {
                s.replay(p.offset(), p.frame());
            }
        } else if (err == null) {
            s.restartOffsets();
        }
        s.endRecovery();
        reply(c, f, s.channel(), h, err, err == null && h.recovered());
    }

    /** Answers a subscribe; on the connection's loop (it touches the subscription), from any thread. */
    private void reply(Connection c, InboundFrame f, String channel, Broker.History h, Throwable err, Boolean recovered) {
        c.onLoop(() -> replyOnLoop(c, f, channel, h, err, recovered));
    }

    private void replyOnLoop(Connection c, InboundFrame f, String channel, Broker.History h, Throwable err,
                             Boolean recovered) {
        if (err != null) {
            c.sendError(f.id(), ErrorCode.UNAVAILABLE, "channel history is unavailable right now; subscribed without it");
            return;
        }
        Subscription s = c.subscription(channel);
        if (s != null) {
            s.positioned(h.offset(), h.epoch());
        }
        // on an event stream the ack's id records the new position, for Last-Event-ID
        c.sendChannel(OutboundFrames.reply("ack", f.id(), subscribeAck(channel, h, recovered, true)));
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
        boolean was = channels.unsubscribe(c, channel);
        c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "unsubscribe", "channel", channel, "subscribed", was)));
    }
}
