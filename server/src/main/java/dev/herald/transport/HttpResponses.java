package dev.herald.transport;

import dev.herald.api.Reply;
import dev.herald.i18n.Language;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;

/**
 * Writes a {@link Reply} as an HTTP/1.1 response, keeping the connection open when the client asked to.
 * Every response says it may not be framed, sniffed or followed by a Referer (which could carry a
 * page's {@code ?token=}); API answers also carry a Content-Security-Policy that allows nothing, and
 * pages the one {@link #pagePolicy(String)} builds.
 */
final class HttpResponses {
    /** For anything that is not a page: JSON, scripts, styles, images, errors. */
    static final String NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private HttpResponses() {}

    /**
     * Writes an answer of the transport itself (a refused upgrade or stream, a limit): its message
     * in the language of the channel's last request ({@link Language#CHANNEL_KEY}, English before
     * any). The router's replies are localized per request instead (pipelined requests may differ).
     */
    static ChannelFuture write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        return write(ctx, reply.in(languageOf(ctx.channel())), keepAlive, NOTHING_POLICY);
    }

    static Language languageOf(Channel channel) {
        Language language = channel.attr(Language.CHANNEL_KEY).get();
        return language == null ? Language.EN : language;
    }

    static ChannelFuture write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, String contentSecurityPolicy) {
        FullHttpResponse res = response(reply, contentSecurityPolicy);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
        return ctx.writeAndFlush(res);
    }

    private static FullHttpResponse response(Reply reply, String contentSecurityPolicy) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        res.headers().set("Referrer-Policy", "no-referrer");
        res.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, contentSecurityPolicy);
        return res;
    }

    /**
     * Answers a request whose body is still arriving and closes without the reset a plain close
     * would cause: the kernel resets a socket closed with unread input, and a reset discards the
     * answer the client has not read yet. So the answer goes out, the sending side is shut down
     * (the client reads the answer, then end of stream), what still arrives is read and dropped
     * (the body aggregator discards it), and the connection closes when the client closes it or
     * after {@code lingerMillis}.
     */
    static void writeAndLinger(ChannelHandlerContext ctx, Reply reply, long lingerMillis) {
        FullHttpResponse res = response(reply.in(languageOf(ctx.channel())), NOTHING_POLICY);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(f -> {
            Channel ch = ctx.channel();
            if (!f.isSuccess() || !(ch instanceof DuplexChannel duplex)) {
                ctx.close();
                return;
            }
            duplex.shutdownOutput();
            ch.config().setAutoRead(true);
            ch.eventLoop().schedule(() -> ch.close(), lingerMillis, TimeUnit.MILLISECONDS);
        });
    }

    /**
     * The policy of the HTML pages: scripts, styles, images and fonts only from this origin (no inline
     * script, no eval), API calls and the WebSocket only to this host, no plugins, no framing, forms
     * only to this origin. {@code host} is the request's Host header, used for the ws:/wss: sources
     * when it is a plain host[:port] (browsers before CSP level 3 do not count ws: as 'self').
     */
    static String pagePolicy(String host) {
        String connect = "'self'";
        if (host != null && host.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?")) {
            connect += " ws://" + host + " wss://" + host;
        }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src " + connect + "; object-src 'none'; base-uri 'none'; form-action 'self'; "
                + "frame-ancestors 'none'";
    }
}
