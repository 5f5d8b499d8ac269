package dev.herald.gateway;

import dev.herald.inbox.OfflineChat;
import dev.herald.auth.Principal;
import dev.herald.auth.TokenVerifier;
import dev.herald.broker.Broker;
import dev.herald.broker.Presence;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.OutboundFrames;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of a node: takes upgraded channels from the transport, gives each a
 * {@link Connection} and handler, sends {@code init}, and owns the frame dispatcher that the core
 * frames (and the inbox's {@code sync}/{@code ack}/{@code read}) register with.
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Settings settings;
    private final Hub hub;
    private final Broker broker;
    private final Presence presence;
    private final HeraldMetrics metrics;
    private final FrameDispatcher dispatcher;
    private final TokenVerifier tokens;

    public Gateway(Settings settings, Hub hub, Broker broker, Presence presence, HeraldMetrics metrics,
                   TokenVerifier tokens, OfflineChat offlineChat) {
        this.settings = Objects.requireNonNull(settings);
        this.hub = Objects.requireNonNull(hub);
        this.broker = Objects.requireNonNull(broker);
        this.presence = Objects.requireNonNull(presence);
        this.metrics = Objects.requireNonNull(metrics);
        this.tokens = Objects.requireNonNull(tokens);
        this.dispatcher = new FrameDispatcher(metrics);
        new SessionHandlers(this).register(dispatcher);
        new ChannelHandlers(this).register(dispatcher);
        new ChatHandlers(this, Objects.requireNonNull(offlineChat)).register(dispatcher);
    }

    /**
     * Takes over an upgraded channel (on its event loop): registers the connection, installs its
     * handler and sends {@code init} once this node hears the user's topic, so a push published
     * after the client got {@code init} reaches it whichever node it was published on. Until then
     * the channel does not read (frames the client sends early wait in the socket). {@code principal}
     * is null for an unbound connection; {@code seat} is the place kept for it under the per-user
     * limit (null = none).
     */
    public Connection open(Channel channel, Principal principal, Hub.Seat seat) {
        // writable up to half of the outbound limit, writable again under a quarter: the backlog
        // push is paced by these marks, live pushes are cut off only at the limit itself
        int limit = settings.gateway().maxOutboundBytes();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limit / 4, limit / 2));
        Hub.Opened opened = hub.open(channel, principal, seat);
        Connection c = opened.connection();
        channel.pipeline().addLast("herald-connection", new ConnectionHandler(c, this));
        if (!channel.isActive()) {
            // closed during the handshake: the handler came too late to hear channelInactive
            closed(c);
            return c;
        }
        CompletableFuture<Void> heard = opened.heard().toCompletableFuture();
        if (heard.isDone()) {
            start(c); // one node, or a user this node already hears: no wait, no pause in reading
        } else {
            channel.config().setAutoRead(false);
            heard.whenComplete((v, e) -> c.onLoop(() -> {
                channel.config().setAutoRead(true);
                start(c);
            }));
        }
        return c;
    }

    private void start(Connection c) {
        Channel channel = c.channel();
        if (!channel.isActive()) {
            return; // closed while waiting; channelInactive unregistered it
        }
        Map<String, Object> init = new LinkedHashMap<>();
        init.put("client_id", c.clientId());
        if (c.bound()) {
            init.put("user_id", c.userId());
        }
        init.put("heartbeat_interval", settings.gateway().heartbeatInterval().toMillis());
        init.put("server_time", System.currentTimeMillis());
        c.start(OutboundFrames.push("init", init));
        log.debug("connection opened {}", c);
        if (c.bound()) {
            hub.fireOpened(c);
        }
    }

    void closed(Connection c) {
        hub.closed(c);
        String reason = c.closeReason();
        metrics.disconnect(reason == null ? "client" : reason.replace(' ', '_'));
        log.debug("connection closed {} reason={}", c, reason == null ? "client" : reason);
    }

    public FrameDispatcher dispatcher() {
        return dispatcher;
    }

    public Hub hub() {
        return hub;
    }

    public Broker broker() {
        return broker;
    }

    public Presence presence() {
        return presence;
    }

    public HeraldMetrics metrics() {
        return metrics;
    }

    public Settings settings() {
        return settings;
    }

    TokenVerifier tokens() {
        return tokens;
    }
}
