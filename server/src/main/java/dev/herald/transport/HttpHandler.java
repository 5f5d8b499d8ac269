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
import java.io.IOException;
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
                HttpResponses.write(ctx, new Reply(200, asset.get().contentType(), asset.get().bytes()), keepAlive);
                return;
            }
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        router.route(req.method().name(), path, uri.parameters(), req.headers().get(HttpHeaderNames.AUTHORIZATION), body)
                .thenAccept(reply -> HttpResponses.write(ctx, reply, keepAlive));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            log.warn("HTTP connection failed", cause);
        }
        ctx.close();
    }
}
