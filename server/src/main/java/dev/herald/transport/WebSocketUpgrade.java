package dev.herald.transport;

import dev.herald.api.ApiException;
import dev.herald.api.Reply;
import dev.herald.auth.Principal;
import dev.herald.config.Settings;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.UserRegistry;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
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
 * Authenticates a {@code GET /ws} request and upgrades it. The token, {@code user_id} and the
 * per-user limits are checked by {@link ConnectAdmission} (401 / 422 / 403 / 429 in the JSON
 * envelope, as for {@code /sse}); a missing token is accepted only when the bind flow is on. An
 * upgrade without {@code Sec-WebSocket-Key} is refused with 400. After the handshake the HTTP
 * stages leave the pipeline and the gateway takes over.
 */
final class WebSocketUpgrade {
    static final String PATH = "/ws";

    private final Gateway gateway;
    private final ConnectAdmission admission;
    private final Settings settings;
    private final WebSocketDecoderConfig decoderConfig;

    /** {@code admission}: the checks and the per-user place; {@code gateway} takes the upgraded channel. */
    WebSocketUpgrade(Gateway gateway, ConnectAdmission admission, Settings settings) {
        this.gateway = Objects.requireNonNull(gateway);
        this.admission = Objects.requireNonNull(admission);
        this.settings = Objects.requireNonNull(settings);
        this.decoderConfig = decoderConfig(settings);
    }

    /** How every WebSocket endpoint decodes frames: no extensions, the hard frame limit, UTF-8 checked. */
    static WebSocketDecoderConfig decoderConfig(Settings settings) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.gateway().hardFrameBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(true)
                .build();
    }

    /** {@code client}: the key the request counts against ({@link TrustedProxies#clientKey}). */
    void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, Map<String, List<String>> params, String client) {
        Principal principal;
        try {
            principal = authenticate(req, params);
        } catch (ApiException e) {
            HttpResponses.write(ctx, Reply.error(admission.refusal(e, client)), false);
            return;
        }
        if (!"13".equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            // RFC 6455 only: the drafts Netty also speaks (hixie-76 = no version header, 7, 8) are
            // refused with 426 and "Sec-WebSocket-Version: 13" (RFC 6455 §4.4)
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String key = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || key.isBlank()) {
            HttpResponses.write(ctx, Reply.envelope(400, "the upgrade has no Sec-WebSocket-Key header", null), false);
            return;
        }
        UserRegistry.Seat seat = null;
        if (principal != null) {
            try {
                seat = admission.seat(principal);
            } catch (ApiException e) {
                HttpResponses.write(ctx, Reply.error(e), false);
                return;
            }
        }
        String url = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + PATH;
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshaker13(url, null, decoderConfig);
        UserRegistry.Seat kept = seat;
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(ctx.channel(), req);
        } catch (WebSocketHandshakeException e) {
            admission.release(kept);
            HttpResponses.write(ctx, Reply.envelope(400, "not a valid WebSocket upgrade", null), false);
            return;
        } catch (RuntimeException e) {
            admission.release(kept);
            throw e;
        }
        handshake.addListener(f -> {
            if (!f.isSuccess()) {
                admission.release(kept);
                ctx.close();
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            HttpInitializer.removeRequestStages(p);
            // the handshaker's decoder does not check UTF-8 itself (only WebSocketServerProtocolHandler
            // adds this stage), so without it invalid text frames were silently decoded with U+FFFD
            p.addLast("ws-utf8", new Utf8FrameValidator(true));
            p.addLast("ws-aggregator", new WebSocketFrameAggregator(settings.gateway().hardFrameBytes()));
            gateway.open(ctx.channel(), principal, kept);
        });
    }

    private Principal authenticate(FullHttpRequest req, Map<String, List<String>> params) {
        if (!HttpMethod.GET.equals(req.method())) {
            throw new ApiException(405, "the WebSocket endpoint takes GET upgrade requests");
        }
        if (!"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            throw new ApiException(400, "this is the WebSocket endpoint; connect with a WebSocket client");
        }
        return admission.principal(req, params, settings.auth().allowBind(),
                "/ws?token=JWT or Authorization: Bearer JWT");
    }
}
