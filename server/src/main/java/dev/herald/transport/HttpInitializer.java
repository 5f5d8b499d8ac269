package dev.herald.transport;

import dev.herald.api.Reply;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline every accepted socket starts with: the idle cut-off, the request read deadline
 * around the HTTP/1.1 codec, the connection caps (counted once, at accept), a body aggregator that
 * answers an oversized body with 413 in the JSON envelope, a flow-control stage that holds back
 * decoded requests while the connection is not reading, and the dispatching handler. A WebSocket
 * upgrade replaces the HTTP stages with frame codecs; an event stream removes them after its head.
 */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    static final String HTTP_HANDLER = "http-handler";
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADERS = 16384;

    static final String HTTP_IDLE = "http-idle";
    static final String HTTP_FLOW = "http-flow";
    static final String HTTP_CODEC = "http-codec";
    static final String HTTP_AGGREGATOR = "http-aggregator";

    private final HttpHandler handler;
    private final ConnectionLimits limits;
    private final int maxBodyBytes;
    private final long idleMillis;
    private final long readTimeoutNanos;
    private final HeraldMetrics metrics;

    HttpInitializer(HttpHandler handler, ConnectionLimits limits, Settings settings, HeraldMetrics metrics) {
        this.handler = handler;
        this.limits = limits;
        this.maxBodyBytes = settings.http().maxBodyBytes();
        this.idleMillis = settings.gateway().idleTimeout().toMillis();
        this.readTimeoutNanos = settings.http().readTimeout().toNanos();
        this.metrics = metrics;
    }

    /**
     * Takes the stages that serve HTTP requests (the handler, the idle cut-off, the in-flight flow
     * control, the read deadline) off a connection that now carries a stream: an upgraded WebSocket
     * (its handshaker replaces the codec and aggregator itself) or an event stream (which also
     * removes those two, see {@code EventStreamEndpoint}).
     */
    static void removeRequestStages(ChannelPipeline p) {
        p.remove(HTTP_HANDLER);
        p.remove(HTTP_IDLE);
        p.remove(HTTP_FLOW);
        p.remove(ReadDeadline.START);
        p.remove(ReadDeadline.END);
    }

    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE).setMaxHeaderSize(MAX_HEADERS).setMaxChunkSize(8192);
    /**
     * Netty (since 4.2.1x) fails a connection whose decoded requests run more than 128 ahead of
     * its responses. Herald bounds pipelining itself, and without failing the connection: the
     * handler stops reading past its in-flight limit and the {@link FlowControlHandler} holds the
     * requests one socket read already decoded (as many as fit in that read), so Netty's count is
     * turned off rather than let a burst of small pipelined requests reset the connection.
     */
    private static final int UNBOUNDED_PIPELINE = Integer.MAX_VALUE;

    @Override
    protected void initChannel(SocketChannel ch) {
        ReadDeadline deadline = new ReadDeadline(readTimeoutNanos, metrics);
        ch.pipeline()
                .addLast(HTTP_IDLE, new CloseWhenIdle(idleMillis))
                .addLast(ReadDeadline.START, deadline.start())
                .addLast(HTTP_CODEC, new HttpServerCodec(DECODER, UNBOUNDED_PIPELINE))
                .addLast(ConnectionLimits.NAME, limits)
                .addLast(ReadDeadline.END, deadline.end())
                .addLast(HTTP_AGGREGATOR, new BodyLimit(maxBodyBytes))
                .addLast(HTTP_FLOW, new FlowControlHandler())
                .addLast(HTTP_HANDLER, handler);
    }

    /**
     * Closes an HTTP connection that sends nothing for the idle timeout (a socket that never sends its
     * request, or an idle keep-alive one), so silent sockets cannot pile up. A WebSocket upgrade
     * removes it: the gateway's own sweep watches upgraded connections.
     */
    private static final class CloseWhenIdle extends IdleStateHandler {
        CloseWhenIdle(long idleMillis) {
            super(idleMillis, 0, 0, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
            ctx.close();
        }
    }

    /** The aggregator, answering a body over the limit with the envelope instead of a bare 413. */
    private static final class BodyLimit extends HttpObjectAggregator {
        /** How long a connection answered 413 and closing keeps reading (and dropping) the body. */
        private static final long LINGER_MILLIS = 2_000;

        private final int max;

        BodyLimit(int max) {
            super(max, true);
            this.max = max;
        }

        /**
         * Closing at once while the client is still uploading makes the kernel reset the connection, and
         * the client never reads the 413. Like Netty's own aggregator, keep a keep-alive connection open
         * instead: the aggregator discards the rest of the body, then the connection serves the next request.
         */
        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            boolean keepOpen = !(oversized instanceof FullHttpMessage)
                    && (HttpUtil.is100ContinueExpected(oversized) || HttpUtil.isKeepAlive(oversized));
            Reply tooLarge = Reply.envelope(413, "the request body is larger than " + max + " bytes", null);
            if (!keepOpen) {
                // closing now would reset the connection under a client still uploading: it would
                // never read the 413 (a fuzz run saw exactly that)
                HttpResponses.writeAndLinger(ctx, tooLarge, LINGER_MILLIS);
                return;
            }
            HttpResponses.write(ctx, tooLarge, true)
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            ctx.close();
                        }
                    });
        }
    }
}
