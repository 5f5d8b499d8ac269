package dev.herald.transport;

import dev.herald.api.Reply;
import dev.herald.config.Settings;
import dev.herald.gateway.Gateway;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.pusher.PusherApps;
import dev.herald.pusher.PusherFrames;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /app/{key}?protocol=7}: the Pusher Channels WebSocket. Refusals that Pusher clients
 * understand are made after the handshake, as Pusher does: a {@code pusher:error} with the code,
 * then a close frame with it — 4001 for an unknown key, 4008 without {@code protocol}, 4007 for a
 * version other than 7. The connection caps at accept ({@link ConnectionLimits}: total and per
 * address) apply as for {@code /ws}. Off (404) while {@code pusher.apps} is empty.
 */
final class PusherUpgrade {
    static final String PREFIX = "/app/";

    private final Gateway gateway;
    private final PusherApps apps;
    private final Settings settings;
    private final HeraldMetrics metrics;
    private final WebSocketDecoderConfig decoderConfig;

    PusherUpgrade(Gateway gateway, PusherApps apps, Settings settings, HeraldMetrics metrics) {
        this.gateway = Objects.requireNonNull(gateway);
        this.apps = Objects.requireNonNull(apps);
        this.settings = Objects.requireNonNull(settings);
        this.metrics = Objects.requireNonNull(metrics);
        this.decoderConfig = WebSocketUpgrade.decoderConfig(settings);
    }

    boolean enabled() {
        return apps.enabled();
    }

    void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, String path, Map<String, List<String>> params) {
        if (!HttpMethod.GET.equals(req.method())) {
            HttpResponses.write(ctx, Reply.envelope(405, "the Pusher endpoint takes GET upgrade requests", null), false);
            return;
        }
        if (!"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            HttpResponses.write(ctx, Reply.envelope(400,
                    "this is the Pusher Channels WebSocket endpoint; connect with a Pusher client", null), false);
            return;
        }
        if (!"13".equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String key = path.substring(PREFIX.length());
        var app = apps.byKey(key);
        List<String> protocol = params.get("protocol");
        String version = protocol == null || protocol.isEmpty() ? null : protocol.get(0);
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshaker13(
                "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + PREFIX + "app", null, decoderConfig);
        try {
            handshaker.handshake(ctx.channel(), req).addListener(f -> {
                if (!f.isSuccess()) {
                    ctx.close();
                    return;
                }
                ChannelPipeline p = ctx.pipeline();
                HttpInitializer.removeRequestStages(p);
                if (app.isEmpty()) {
                    refuse(ctx, 4001, "App key " + abbreviate(key) + " does not exist");
                } else if (version == null) {
                    refuse(ctx, 4008, "No protocol version supplied: connect with ?protocol=7");
                } else if (!"7".equals(version)) {
                    refuse(ctx, 4007, "Unsupported protocol version " + abbreviate(version) + ": this server speaks 7");
                } else {
                    p.addLast("ws-utf8", new Utf8FrameValidator(true));
                    p.addLast("ws-aggregator", new WebSocketFrameAggregator(settings.gateway().hardFrameBytes()));
                    gateway.openPusher(ctx.channel(), app.get());
                }
            });
        } catch (WebSocketHandshakeException e) {
            HttpResponses.write(ctx, Reply.envelope(400, "not a valid WebSocket upgrade", null), false);
        }
    }

    private void refuse(ChannelHandlerContext ctx, int code, String message) {
        if (code == 4001) {
            metrics.refused("pusher_unknown_app");
        } else {
            metrics.refused("pusher_protocol_version");
        }
        ctx.write(new TextWebSocketFrame(ctx.alloc().buffer().writeBytes(PusherFrames.error(code, message))));
        ctx.writeAndFlush(new CloseWebSocketFrame(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_.-]", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 64) + "…";
    }
}
