package dev.herald.transport;

import dev.herald.api.Router;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import dev.herald.api.Reply;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches each complete HTTP request: {@code /ws} to the upgrade, pages to the static files,
 * everything else to the API router. Shared by all channels; stateless.
 */
@ChannelHandler.Sharable
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);
    private static final AttributeKey<CompletableFuture<Void>> LAST_RESPONSE = AttributeKey.valueOf("herald.lastResponse");

    private final Router router;
    private final WebSocketUpgrade upgrade;
    private final StaticFiles files = new StaticFiles();

    HttpHandler(Router router, WebSocketUpgrade upgrade) {
        this.router = Objects.requireNonNull(router);
        this.upgrade = Objects.requireNonNull(upgrade);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.write(ctx, Reply.envelope(400, "malformed HTTP request", null), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        if (path.equals(WebSocketUpgrade.PATH)) {
            upgrade.upgrade(ctx, req, uri);
            return;
        }
        if (HttpMethod.GET.equals(req.method()) || HttpMethod.HEAD.equals(req.method())) {
            var asset = files.find(path);
            if (asset.isPresent()) {
                respondInOrder(ctx, CompletableFuture.completedFuture(
                        new Reply(200, asset.get().contentType(), asset.get().bytes())), keepAlive);
                return;
            }
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        respondInOrder(ctx, router.route(req.method().name(), path, uri.parameters(),
                req.headers().get(HttpHeaderNames.AUTHORIZATION), body), keepAlive);
    }

    /**
     * Writes {@code reply} once every earlier response on this connection has been written: handlers
     * complete on other threads (SQL workers, the broker), so a pipelining client's later, faster
     * request would otherwise be answered first (HTTP/1.1 requires responses in request order).
     * The attribute is only touched here, on the channel's event loop; a response counts as written
     * once its write has run on the loop.
     */
    private static void respondInOrder(ChannelHandlerContext ctx, CompletionStage<Reply> reply, boolean keepAlive) {
        Attribute<CompletableFuture<Void>> last = ctx.channel().attr(LAST_RESPONSE);
        CompletableFuture<Void> previous = last.get();
        CompletableFuture<Reply> ready = previous == null || previous.isDone()
                ? reply.toCompletableFuture()
                : previous.handle((v, e) -> null).thenCombine(reply, (v, r) -> r);
        // always a task on the loop: a write issued from another thread is queued, so a later reply that
        // completes on the loop itself must queue behind it rather than write at once
        last.set(ready.thenAcceptAsync(r -> HttpResponses.write(ctx, r, keepAlive), ctx.executor()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            log.warn("HTTP connection failed", cause);
        }
        ctx.close();
    }
}
