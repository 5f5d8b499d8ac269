package dev.herald.transport;

import dev.herald.api.Reply;
import dev.herald.metrics.HeraldMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The time a client has to send one whole HTTP request (head and body), from its first byte:
 * {@code http.read-timeout}. The idle cut-off alone does not stop a slow-loris client, which sends a
 * byte every few seconds and so is never silent; this deadline does, with a 408 and a close.
 *
 * <p>Two stages share it: {@link #start()} sits before the HTTP codec and starts the clock on the
 * first bytes of a request, {@link #end()} sits after it and stops the clock when the request's last
 * part is decoded. While the server itself has stopped reading (answers are waiting, see
 * {@link HttpHandler}) the clock starts over instead of firing: the wait is not the client's doing.
 * Loop-confined; one instance per connection; the upgrade to WebSocket removes both stages.
 */
final class ReadDeadline {
    static final String START = "http-deadline";
    static final String END = "http-deadline-end";

    private final long timeoutNanos;
    private final HeraldMetrics metrics;
    private ScheduledFuture<?> timer;

    ReadDeadline(long timeoutNanos, HeraldMetrics metrics) {
        this.timeoutNanos = timeoutNanos;
        this.metrics = metrics;
    }

    ChannelInboundHandlerAdapter start() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (timer == null && msg instanceof ByteBuf b && b.isReadable()) {
                    arm(ctx);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                cancel();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    ChannelInboundHandlerAdapter end() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    cancel();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void arm(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expired(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            arm(ctx);
            return;
        }
        metrics.refused("read_timeout");
        // written from the tail so that it passes the HTTP encoder; the connection closes after it
        HttpResponses.write(ctx.pipeline().lastContext(), Reply.envelope(408,
                "the request did not arrive in time; send its head and body within the read timeout", null), false);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
