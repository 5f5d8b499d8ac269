package dev.herald.transport;

import dev.herald.api.Reply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The pipeline every accepted socket starts with: HTTP/1.1 codec, a body aggregator that answers
 * an oversized body with 413 in the JSON envelope, and the dispatching handler. A WebSocket upgrade
 * replaces the HTTP stages with frame codecs.
 */
final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    static final String HTTP_HANDLER = "http-handler";
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADERS = 16384;

    private final HttpHandler handler;
    private final int maxBodyBytes;

    HttpInitializer(HttpHandler handler, int maxBodyBytes) {
        this.handler = handler;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("http-codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                .addLast("http-aggregator", new BodyLimit(maxBodyBytes))
                .addLast(HTTP_HANDLER, handler);
    }

    /** The aggregator, answering a body over the limit with the envelope instead of a bare 413. */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final int max;

        BodyLimit(int max) {
            super(max, true);
            this.max = max;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            HttpResponses.write(ctx, Reply.envelope(413, "the request body is larger than " + max + " bytes", null), false);
        }
    }
}
