package dev.herald.transport;

import dev.herald.api.Reply;
import dev.herald.api.Router;
import dev.herald.i18n.Language;
import dev.herald.metrics.HeraldMetrics;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches each complete HTTP request: {@code /ws} to the upgrade, {@code /sse} to the event stream, pages to the static files,
 * everything else to the API router. Shared by all channels; what it keeps per connection is in a
 * channel attribute.
 *
 * <p>A client that pipelines requests but does not read the answers cannot make the server hold
 * more than {@code http.max-in-flight} of them: at that many unwritten answers the connection stops
 * reading (a {@code FlowControlHandler} before this stage holds back requests already decoded), and
 * reads again once answers have gone out. An answer due while more than the outbound limit
 * ({@code gateway.max-outbound-bytes}, the channel's write-buffer high-water mark) is still unsent
 * closes the connection instead.
 */
@ChannelHandler.Sharable
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);
    private static final AttributeKey<InFlight> IN_FLIGHT = AttributeKey.valueOf("herald.inFlight");

    /** One connection's answers not yet written; touched only on its event loop. */
    private static final class InFlight {
        CompletableFuture<Void> last;
        int count;
    }

    private final Router router;
    private final WebSocketUpgrade upgrade;
    private final EventStreamEndpoint events;
    private final PusherUpgrade pusher;
    private final StaticFiles files = new StaticFiles();
    private final int maxInFlight;
    private final TrustedProxies proxies;
    private final HeraldMetrics metrics;

    HttpHandler(Router router, WebSocketUpgrade upgrade, EventStreamEndpoint events, PusherUpgrade pusher, int maxInFlight,
                TrustedProxies proxies, HeraldMetrics metrics) {
        this.pusher = Objects.requireNonNull(pusher);
        this.router = Objects.requireNonNull(router);
        this.upgrade = Objects.requireNonNull(upgrade);
        this.events = Objects.requireNonNull(events);
        this.proxies = Objects.requireNonNull(proxies);
        this.maxInFlight = maxInFlight;
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        // the language of Herald's own messages on this request (and, after an upgrade, the connection)
        Language language = Language.fromAcceptLanguage(req.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE));
        ctx.channel().attr(Language.CHANNEL_KEY).set(language);
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.write(ctx, Reply.envelope(400, "malformed HTTP request", null), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path;
        Map<String, List<String>> query;
        try {
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            // a bad %-escape; the exception's message quotes the whole URI, tokens included: not logged
            HttpResponses.write(ctx, Reply.envelope(400, "malformed URI: bad %-escape in the path or query", null), false);
            return;
        }
        String client = proxies.clientKey(ctx.channel().remoteAddress(), req.headers().get("X-Forwarded-For"));
        if (path.equals(WebSocketUpgrade.PATH)) {
            upgrade.upgrade(ctx, req, query, client);
            return;
        }
        if (path.equals(EventStreamEndpoint.PATH)) {
            events.open(ctx, req, query, client);
            return;
        }
        if (path.startsWith(PusherUpgrade.PREFIX) && path.length() > PusherUpgrade.PREFIX.length()
                && path.indexOf('/', PusherUpgrade.PREFIX.length()) < 0 && pusher.enabled()) {
            pusher.upgrade(ctx, req, path, query);
            return;
        }
        if (HttpMethod.GET.equals(req.method()) || HttpMethod.HEAD.equals(req.method())) {
            var asset = files.find(path);
            if (asset.isPresent()) {
                String policy = asset.get().contentType().startsWith("text/html")
                        ? HttpResponses.pagePolicy(req.headers().get(HttpHeaderNames.HOST)) : HttpResponses.NOTHING_POLICY;
                respondInOrder(ctx, CompletableFuture.completedFuture(
                        new Reply(200, asset.get().contentType(), asset.get().bytes())), keepAlive, policy);
                return;
            }
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        respondInOrder(ctx, router.route(req.method().name(), path, query,
                req.headers().get(HttpHeaderNames.AUTHORIZATION), body, client).thenApply(r -> r.in(language)),
                keepAlive, HttpResponses.NOTHING_POLICY);
    }

    /**
     * Writes {@code reply} once every earlier response on this connection has been written: handlers
     * complete on other threads (SQL workers, the broker), so a pipelining client's later, faster
     * request would otherwise be answered first (HTTP/1.1 requires responses in request order).
     * The attribute is only touched here, on the channel's event loop; a response counts as written
     * once its write has run on the loop, and leaves the in-flight count once the socket took it.
     */
    private void respondInOrder(ChannelHandlerContext ctx, CompletionStage<Reply> reply, boolean keepAlive, String policy) {
        Channel ch = ctx.channel();
        InFlight state = ch.attr(IN_FLIGHT).get();
        if (state == null) {
            state = new InFlight();
            ch.attr(IN_FLIGHT).set(state);
        }
        InFlight s = state;
        if (++s.count >= maxInFlight) {
            ch.config().setAutoRead(false);
        }
        CompletableFuture<Void> previous = s.last;
        CompletableFuture<Reply> ready = previous == null || previous.isDone()
                ? reply.toCompletableFuture()
                : previous.handle((v, e) -> null).thenCombine(reply, (v, r) -> r);
        // always a task on the loop: a write issued from another thread is queued, so a later reply that
        // completes on the loop itself must queue behind it rather than write at once
        s.last = ready.thenAcceptAsync(r -> {
            if (!ch.isWritable() && ch.isActive()) {
                // answers pile up unread past the outbound limit: the client is not reading them
                metrics.refused("http_backlog");
                ch.close();
                return;
            }
            HttpResponses.write(ctx, r, keepAlive, policy).addListener(f -> written(ch, s));
        }, ctx.executor());
    }

    private void written(Channel ch, InFlight s) {
        if (--s.count < maxInFlight && !ch.config().isAutoRead() && ch.isActive()) {
            ch.config().setAutoRead(true);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            log.warn("HTTP connection failed", cause); // the log layout redacts token=… (LogRedaction)
        }
        ctx.close();
    }
}
