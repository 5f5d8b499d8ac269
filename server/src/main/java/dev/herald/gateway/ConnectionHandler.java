package dev.herald.gateway;

import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.CloseCodes;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import dev.herald.pusher.PusherFrames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of a WebSocket pipeline: every inbound frame of one connection arrives here,
 * refreshes its liveness, passes the rate limit and size checks, and is decoded and dispatched.
 * Anything malformed is answered with an {@code error} frame; only abuse closes the connection.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Connection connection;
    private final FrameDispatcher dispatcher;
    private final HeraldMetrics metrics;
    private final Settings.Gateway limits;
    private final Consumer<Connection> closed;
    /** Handles the text frames of a {@link Framing#PUSHER} connection; null for Herald's own. */
    private final PusherHandlers pusher;

    /** {@code closed} unregisters the connection when its channel goes inactive. */
    ConnectionHandler(Connection connection, FrameDispatcher dispatcher, HeraldMetrics metrics, Settings.Gateway limits,
                      Consumer<Connection> closed) {
        this(connection, dispatcher, metrics, limits, closed, null);
    }

    ConnectionHandler(Connection connection, FrameDispatcher dispatcher, HeraldMetrics metrics, Settings.Gateway limits,
                      Consumer<Connection> closed, PusherHandlers pusher) {
        this.pusher = pusher;
        this.connection = connection;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.limits = limits;
        this.closed = closed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof WebSocketFrame frame) {
                onFrame(frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFrame(WebSocketFrame frame) {
        long now = connection.shard().nanos();
        connection.seen(now);
        if (frame instanceof PongWebSocketFrame) {
            return;
        }
        if (frame instanceof CloseWebSocketFrame close) {
            if (connection.closeReason() != null) {
                connection.channel().close(); // the client's answer to our close frame
            } else {
                // echo the client's status code (RFC 6455 §5.5.1); a close frame without one
                // (statusCode() is -1) is answered with 1000, normal closure
                int code = close.statusCode() < 0 ? CloseCodes.NORMAL : close.statusCode();
                connection.channel().writeAndFlush(new CloseWebSocketFrame(code, ""))
                        .addListener(f -> connection.channel().close());
            }
            return;
        }
        // every data frame and every ping takes a token: a ping flood is abuse like a text flood
        if (!connection.rateLimiter().tryAcquire(now)) {
            metrics.error(ErrorCode.RATE_LIMITED.wire());
            if (connection.rateLimiter().abusive()) {
                connection.closeNow(CloseCodes.POLICY, "rate limit exceeded");
            } else if (pusher != null) {
                connection.sendText(PusherFrames.error(4301, "too many messages: slow down"));
            } else {
                connection.sendError(idOf(frame), ErrorCode.RATE_LIMITED, "too many frames: at most "
                        + limits.rateLimitPerMinute() + " per minute");
            }
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            // pongs bypass Connection.write, so check the outbound limit here: a client sending pings
            // without reading would otherwise make the server queue pongs without bound
            if (connection.overOutboundLimit()) {
                connection.closeNow(CloseCodes.POLICY, "slow consumer");
                return;
            }
            connection.channel().writeAndFlush(new PongWebSocketFrame(frame.content().retain()),
                    connection.channel().voidPromise());
            return;
        }
        if (pusher != null) {
            onPusherFrame(frame);
            return;
        }
        if (frame instanceof BinaryWebSocketFrame) {
            reject(null, ErrorCode.BINARY_NOT_SUPPORTED, "binary frames are not supported; send JSON text frames");
            return;
        }
        if (!(frame instanceof TextWebSocketFrame text)) {
            return;
        }
        int size = text.content().readableBytes();
        int limit = limits.maxFrameBytes();
        if (size > limit) {
            reject(idOf(frame), ErrorCode.FRAME_TOO_LARGE, "frame of " + size + " bytes is over the limit of " + limit);
            return;
        }
        InboundFrame decoded;
        try {
            decoded = InboundFrame.decode(text.content().toString(StandardCharsets.UTF_8));
        } catch (InboundFrame.FrameException e) {
            dispatcher.reject(connection, e.id(), e.error());
            return;
        }
        dispatcher.dispatch(connection, decoded);
    }

    private void onPusherFrame(WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame text)) {
            connection.sendText(PusherFrames.error(null, "binary frames are not supported; send JSON text frames"));
            return;
        }
        int size = text.content().readableBytes();
        if (size > limits.maxFrameBytes()) {
            connection.sendText(PusherFrames.error(null, "message of " + size + " bytes is over the limit of "
                    + limits.maxFrameBytes()));
            return;
        }
        pusher.onText(connection, text.content().toString(StandardCharsets.UTF_8));
    }

    /** The id of a text frame refused before decoding (SPEC §3: its one reply must carry it), or null. */
    private static String idOf(WebSocketFrame frame) {
        return frame instanceof TextWebSocketFrame text
                ? InboundFrame.peekId(text.content().toString(StandardCharsets.UTF_8)) : null;
    }

    private void reject(String id, ErrorCode code, String message) {
        dispatcher.reject(connection, id, new ProtocolException(code, message));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed.accept(connection);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            connection.closeNow(corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
        } else if (cause instanceof TooLongFrameException) {
            connection.closeNow(CloseCodes.TOO_BIG, "frame too large");
        } else if (cause instanceof CorruptedFrameException) {
            connection.closeNow(CloseCodes.POLICY, "protocol error");
        } else if (cause instanceof IOException) {
            ctx.close();
        } else {
            log.warn("connection failed {}", connection, cause);
            connection.closeNow(CloseCodes.INTERNAL, "internal error");
        }
    }
}
