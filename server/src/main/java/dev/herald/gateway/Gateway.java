package dev.herald.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.auth.Principal;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.Json;
import dev.herald.protocol.OutboundFrames;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection side of a node: takes upgraded WebSocket channels and opened event streams from the transport, gives each a
 * {@link Connection} (in {@link LocalConnections}) and a handler, registers it with its user
 * ({@link UserRegistry}) or, unbound, with the {@link BindWaitList}, sends {@code init}, and undoes
 * all of it when the connection closes. It owns the frame dispatcher that the frame handler sets
 * (core and inbox) register with. Everything here runs on the connection's event loop.
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Settings.Gateway limits;
    private final long heartbeatMillis;
    private final LocalConnections connections;
    private final UserRegistry users;
    private final ChannelSubscriptions channels;
    private final BindWaitList waitList;
    private final ConnectionListener listener;
    private final HeraldMetrics metrics;
    private final FrameDispatcher dispatcher;
    private volatile PusherHandlers pusher;

    /** {@code listener} hears of every bound connection that opens (after {@code init}) and closes. */
    public Gateway(Settings.Gateway limits, LocalConnections connections, UserRegistry users, ChannelSubscriptions channels,
                   BindWaitList waitList, ConnectionListener listener, HeraldMetrics metrics) {
        this.limits = Objects.requireNonNull(limits);
        this.heartbeatMillis = limits.heartbeatInterval().toMillis();
        this.connections = Objects.requireNonNull(connections);
        this.users = Objects.requireNonNull(users);
        this.channels = Objects.requireNonNull(channels);
        this.waitList = Objects.requireNonNull(waitList);
        this.listener = Objects.requireNonNull(listener);
        this.metrics = Objects.requireNonNull(metrics);
        this.dispatcher = new FrameDispatcher(metrics);
    }

    /** Turns the Pusher protocol on: {@link #openPusher} connections are handled by {@code handlers}. */
    public void pusher(PusherHandlers handlers) {
        this.pusher = Objects.requireNonNull(handlers);
    }

    /**
     * Takes over a channel upgraded on {@code /app/{key}} for {@code app} (on its event loop): a
     * {@link Connection} of {@link Framing#PUSHER} in the same shards, sweep, limits and fan-out as
     * any other, bound to no user and waiting for no bind; its first message is
     * {@code pusher:connection_established}.
     */
    public void openPusher(Channel channel, Settings.PusherApp app) {
        PusherHandlers handlers = Objects.requireNonNull(pusher, "the Pusher protocol is off");
        int limit = limits.maxOutboundBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limit / 4, limit / 2));
        Connection c = connections.open(channel, null, Framing.PUSHER);
        c.pusher(handlers.session(app, c.shard().nanos()));
        channel.pipeline().addLast("herald-connection",
                new ConnectionHandler(c, dispatcher, metrics, limits, this::closed, handlers));
        if (!channel.isActive()) {
            closed(c);
            return;
        }
        handlers.established(c);
        log.debug("pusher connection opened {} socket={}", c, c.pusher().socketId());
    }

    /** Where frame handler sets register the frame types they handle. */
    public FrameDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * Takes over an upgraded channel (on its event loop): registers the connection, installs its
     * handler and sends {@code init} once this node hears the user's topic, so a push published
     * after the client got {@code init} reaches it whichever node it was published on. Until then
     * the channel does not read (frames the client sends early wait in the socket). {@code principal}
     * is null for an unbound connection; {@code seat} is the place kept for it under the per-user
     * limit (null = none).
     */
    public void open(Channel channel, Principal principal, UserRegistry.Seat seat) {
        open(channel, principal, seat, Framing.WEBSOCKET, List.of());
    }

    /**
     * Takes over a channel that answered {@code GET /sse} with the event stream's head (on its event
     * loop): the same connection as {@link #open}, framed as Server-Sent Events, that joins
     * {@code channels} once it has sent {@code init} — each as if the client had sent
     * {@code subscribe}, resuming after the position {@code resume} holds for it (from
     * {@code Last-Event-ID}), so replay, acks and refusals are the WebSocket's own.
     */
    public void openEventStream(Channel channel, Principal principal, UserRegistry.Seat seat, List<String> channels,
                                Map<String, EventStreamCursor.Position> resume) {
        List<InboundFrame> joins = new ArrayList<>(channels.size());
        for (String name : channels) {
            joins.add(subscribeFrame(name, resume.get(name)));
        }
        open(channel, Objects.requireNonNull(principal), seat, Framing.EVENT_STREAM, joins);
    }

    private static InboundFrame subscribeFrame(String channel, EventStreamCursor.Position from) {
        ObjectNode frame = Json.MAPPER.createObjectNode();
        frame.put("type", "subscribe");
        ObjectNode data = frame.putObject("data");
        data.put("channel", channel);
        if (from != null) {
            data.put("since", from.offset());
            if (from.epoch() != null) {
                data.put("epoch", from.epoch());
            }
        }
        try {
            return InboundFrame.decode(frame.toString());
        } catch (InboundFrame.FrameException e) {
            throw new IllegalStateException("a subscribe frame of our own did not decode", e);
        }
    }

    private void open(Channel channel, Principal principal, UserRegistry.Seat seat, Framing framing,
                      List<InboundFrame> afterStart) {
        // writable up to half of the outbound limit, writable again under a quarter: the backlog
        // push is paced by these marks, live pushes are cut off only at the limit itself
        int limit = limits.maxOutboundBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limit / 4, limit / 2));
        Connection c = connections.open(channel, principal, framing);
        CompletableFuture<Void> heard = (principal != null ? users.add(c, seat) : waitList.add(c)).toCompletableFuture();
        channel.pipeline().addLast("herald-connection", new ConnectionHandler(c, dispatcher, metrics, limits, this::closed));
        if (!channel.isActive()) {
            // closed during the handshake: the handler came too late to hear channelInactive
            closed(c);
            return;
        }
        if (heard.isDone()) {
            start(c, afterStart); // one node, or a user this node already hears: no wait, no pause in reading
        } else {
            channel.config().setAutoRead(false);
            heard.whenComplete((v, e) -> c.onLoop(() -> {
                channel.config().setAutoRead(true);
                start(c, afterStart);
            }));
        }
    }

    private void start(Connection c, List<InboundFrame> afterStart) {
        Channel channel = c.channel();
        if (!channel.isActive()) {
            return; // closed while waiting; channelInactive unregistered it
        }
        c.start(OutboundFrames.init(c.clientId(), c.bound() ? c.userId() : 0, heartbeatMillis, System.currentTimeMillis()));
        log.debug("connection opened {}", c);
        if (c.bound()) {
            listener.opened(c);
        }
        for (InboundFrame f : afterStart) {
            dispatcher.dispatch(c, f);
        }
    }

    /** Unregisters a closed connection, its subscriptions and its place with its user or in the bind wait-list. */
    private void closed(Connection c) {
        if (connections.remove(c)) {
            channels.leaveAll(c);
            if (c.pusher() != null) {
                pusher.closed(c);
            } else if (c.bound()) {
                users.remove(c);
                listener.closed(c);
            } else {
                waitList.remove(c);
            }
        }
        String reason = c.closeReason();
        metrics.disconnect(reason == null ? "client" : reason.replace(' ', '_'));
        log.debug("connection closed {} {} reason={}", c.framing().label(), c, reason == null ? "client" : reason);
    }
}
