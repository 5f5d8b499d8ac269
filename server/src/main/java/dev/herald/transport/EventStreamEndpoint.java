package dev.herald.transport;

import dev.herald.api.ApiException;
import dev.herald.api.Reply;
import dev.herald.auth.Principal;
import dev.herald.config.Settings;
import dev.herald.gateway.EventStreamCursor;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.UserRegistry;
import dev.herald.protocol.ChannelName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code GET /sse?token=JWT[&channels=a,b]}: the event stream, the WebSocket's one-way twin for
 * clients that cannot open a WebSocket. It is refused like {@code /ws} ({@link ConnectAdmission}:
 * 401 / 422 / 403 / 429 in the JSON envelope) and also for a bad {@code channels} list (422, or
 * 403 for a channel the token's {@code channels} claim does not allow) or a malformed
 * {@code Last-Event-ID} (header, or {@code last_event_id} parameter for clients that cannot set it;
 * 422). Accepted, it answers {@code 200 text/event-stream} with no length (the body ends when the
 * connection does), {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no} (nginx passes
 * each event on at once), drops the HTTP stages and hands the channel to the gateway, which frames
 * everything as events ({@code dev.herald.gateway.Framing}).
 */
final class EventStreamEndpoint {
    static final String PATH = "/sse";
    private static final String USAGE = "/sse?token=JWT or Authorization: Bearer JWT";

    private final Gateway gateway;
    private final ConnectAdmission admission;
    private final int maxChannels;

    EventStreamEndpoint(Gateway gateway, ConnectAdmission admission, Settings settings) {
        this.gateway = Objects.requireNonNull(gateway);
        this.admission = Objects.requireNonNull(admission);
        this.maxChannels = settings.gateway().maxChannels();
    }

    /** {@code client}: the key the request counts against ({@link TrustedProxies#clientKey}). */
    void open(ChannelHandlerContext ctx, FullHttpRequest req, Map<String, List<String>> params, String client) {
        Principal principal;
        List<String> channels;
        Map<String, EventStreamCursor.Position> resume;
        UserRegistry.Seat seat;
        try {
            if (!HttpMethod.GET.equals(req.method())) {
                throw new ApiException(405, "the event stream takes GET requests");
            }
            principal = admission.principal(req, params, false, USAGE);
            resume = lastEventId(req, params);
            channels = channels(params, resume, principal);
        } catch (ApiException e) {
            HttpResponses.write(ctx, Reply.error(admission.refusal(e, client)), false);
            return;
        }
        try {
            seat = admission.seat(principal);
        } catch (ApiException e) {
            HttpResponses.write(ctx, Reply.error(e), false);
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("X-Accel-Buffering", "no")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set("X-Content-Type-Options", "nosniff");
        ctx.writeAndFlush(head).addListener(f -> {
            if (!f.isSuccess()) {
                admission.release(seat);
                ctx.close();
                return;
            }
            // from here on the bytes on the wire are events: no HTTP stage may touch them
            ChannelPipeline p = ctx.pipeline();
            HttpInitializer.removeRequestStages(p);
            p.remove(HttpInitializer.HTTP_AGGREGATOR);
            p.remove(HttpInitializer.HTTP_CODEC);
            gateway.openEventStream(ctx.channel(), principal, seat, channels, resume);
        });
    }

    private static Map<String, EventStreamCursor.Position> lastEventId(FullHttpRequest req, Map<String, List<String>> params) {
        String id = req.headers().get("Last-Event-ID");
        if (id == null) {
            id = ConnectAdmission.first(params, "last_event_id");
        }
        try {
            return EventStreamCursor.decode(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, "Last-Event-ID " + e.getMessage(), Map.of("last_event_id", e.getMessage()));
        }
    }

    /** The channels to join: the {@code channels} parameter, or without it the ones {@code Last-Event-ID} names. */
    private List<String> channels(Map<String, List<String>> params, Map<String, EventStreamCursor.Position> resume,
                                  Principal principal) {
        List<String> given = params.get("channels");
        if (given == null) {
            return new ArrayList<>(resume.keySet());
        }
        Set<String> names = new LinkedHashSet<>();
        for (String value : given) {
            for (String name : value.split(",", -1)) {
                String n = name.strip();
                if (n.isEmpty()) {
                    continue;
                }
                String problem = ChannelName.problem(n);
                if (problem != null) {
                    throw new ApiException(422, "channels: a channel name " + problem, Map.of("channels", problem));
                }
                names.add(n);
            }
        }
        if (names.size() > maxChannels) {
            String rule = "at most " + maxChannels + " channels";
            throw new ApiException(422, "channels: " + rule, Map.of("channels", rule));
        }
        for (String n : names) {
            if (!principal.mayJoin(n)) {
                throw new ApiException(403, "joining " + n + " needs it in the token's channels claim");
            }
        }
        return new ArrayList<>(names);
    }
}
