package dev.herald.transport;

import dev.herald.api.ApiException;
import dev.herald.api.Reply;
import dev.herald.auth.Principal;
import dev.herald.auth.TokenException;
import dev.herald.auth.TokenVerifier;
import dev.herald.config.Settings;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.UserRegistry;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.Values;
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
import java.util.concurrent.TimeUnit;

/**
 * Authenticates a {@code GET /ws} request and upgrades it. A missing (unless the bind flow is on),
 * bad or expired token is refused before the upgrade with 401 and a JSON body; a {@code user_id}
 * parameter that is no valid id with 422, one that is not the token's {@code sub} with 403; an upgrade without {@code Sec-WebSocket-Key}
 * with 400; a user past the per-user connection limit, or connecting more often than
 * {@code server.connect-rate-per-user} a minute, with 429. A refused credential counts against the
 * client address's HTTP rate limit ({@link HttpAdmission}), so guessing tokens over {@code /ws} is
 * limited like guessing them on the API: past it the refusal is 429. After the handshake the HTTP
 * stages leave the pipeline and the gateway takes over.
 */
final class WebSocketUpgrade {
    static final String PATH = "/ws";

    private final Gateway gateway;
    private final UserRegistry users;
    private final HeraldMetrics metrics;
    private final TokenVerifier tokens;
    private final Settings settings;
    private final WebSocketDecoderConfig decoderConfig;
    /** Connects per user; only users who connected lately are kept (swept by {@link #sweep()}). */
    private final KeyedRateLimiter<Long> connects;
    private final HttpAdmission admission;

    /** {@code users}: where the per-user limit keeps a place for an upgrade; {@code gateway} takes the upgraded channel. */
    WebSocketUpgrade(Gateway gateway, UserRegistry users, TokenVerifier tokens, Settings settings, HttpAdmission admission,
                     HeraldMetrics metrics) {
        this.gateway = Objects.requireNonNull(gateway);
        this.users = Objects.requireNonNull(users);
        this.metrics = Objects.requireNonNull(metrics);
        this.admission = Objects.requireNonNull(admission);
        this.tokens = Objects.requireNonNull(tokens);
        this.settings = Objects.requireNonNull(settings);
        int perMinute = settings.server().userConnectsPerMinute();
        this.connects = perMinute > 0
                ? new KeyedRateLimiter<>(perMinute, TimeUnit.MINUTES.toNanos(1), perMinute, 1_000_000, System::nanoTime)
                : null;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
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
            ApiException refused = e.status() == 401
                    ? admission.admit(null, null, client) : null;
            HttpResponses.write(ctx, Reply.error(refused != null ? refused : e), false);
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
            // the limit check and the place it grants are one atomic step in the registry: concurrent
            // upgrades of one user on different event loops cannot both take the last place
            int max = settings.gateway().maxConnectionsPerUser();
            seat = users.reserve(principal.userId(), max);
            if (seat == null) {
                HttpResponses.write(ctx, Reply.error(new ApiException(429,
                        "this user already has the maximum of " + max + " connections")), false);
                return;
            }
            // counted only for connects that get a place: a client refused above loses nothing by retrying
            if (connects != null && !connects.tryAcquire(principal.userId())) {
                users.release(seat);
                metrics.refused("connect_rate");
                HttpResponses.write(ctx, Reply.error(new ApiException(429, "this user connects too often: more than "
                        + settings.server().userConnectsPerMinute() + " connections a minute")), false);
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
            users.release(kept);
            HttpResponses.write(ctx, Reply.envelope(400, "not a valid WebSocket upgrade", null), false);
            return;
        } catch (RuntimeException e) {
            users.release(kept);
            throw e;
        }
        handshake.addListener(f -> {
            if (!f.isSuccess()) {
                users.release(kept);
                ctx.close();
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            p.remove(HttpInitializer.HTTP_HANDLER);
            p.remove(HttpInitializer.HTTP_IDLE);
            p.remove(HttpInitializer.HTTP_FLOW);
            p.remove(ReadDeadline.START);
            p.remove(ReadDeadline.END);
            // the handshaker's decoder does not check UTF-8 itself (only WebSocketServerProtocolHandler
            // adds this stage), so without it invalid text frames were silently decoded with U+FFFD
            p.addLast("ws-utf8", new Utf8FrameValidator(true));
            p.addLast("ws-aggregator", new WebSocketFrameAggregator(settings.gateway().hardFrameBytes()));
            gateway.open(ctx.channel(), principal, kept);
        });
    }

    /** Forgets the users whose connect budget has filled up again. */
    void sweep() {
        if (connects != null) {
            connects.sweep();
        }
    }

    private Principal authenticate(FullHttpRequest req, Map<String, List<String>> params) {
        if (!HttpMethod.GET.equals(req.method())) {
            throw new ApiException(405, "the WebSocket endpoint takes GET upgrade requests");
        }
        if (!"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            throw new ApiException(400, "this is the WebSocket endpoint; connect with a WebSocket client");
        }
        String token = first(params, "token");
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (token == null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).strip();
        }
        if (token == null || token.isEmpty()) {
            if (settings.auth().allowBind()) {
                return null;
            }
            throw new ApiException(401, "a token is required: /ws?token=JWT or Authorization: Bearer JWT");
        }
        Principal principal;
        try {
            principal = tokens.verify(token);
        } catch (TokenException e) {
            throw new ApiException(401, e.getMessage(), Map.of("token", e.code()));
        }
        String userId = first(params, "user_id");
        if (userId != null && Values.id(userId) < 0) {
            throw new ApiException(422, "user_id " + Values.ID_RULE, Map.of("user_id", Values.ID_RULE));
        }
        if (userId != null && !userId.equals(Long.toString(principal.userId()))) {
            throw new ApiException(403, "user_id does not match the token's subject");
        }
        return principal;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
