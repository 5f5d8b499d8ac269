package dev.herald.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.Broker;
import dev.herald.broker.ChannelMembers;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.Json;
import dev.herald.protocol.OutboundFrames;
import dev.herald.pusher.PusherApps;
import dev.herald.pusher.PusherChannels;
import dev.herald.pusher.PusherFrames;
import dev.herald.pusher.PusherSignature;
import dev.herald.pusher.SocketIds;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Pusher's HTTP API under {@code /apps/{app_id}/…}, for Pusher's server SDKs: trigger events (one
 * or a batch) and read channel information. Not Herald's API key: every request is signed with the
 * app's secret ({@link PusherSignature#requestProblem}; 401 otherwise), so the routes are public to
 * the {@link Router} and checked here. Replies are Pusher's bare JSON ({@code {}},
 * {@code {"channels": …}}), not Herald's envelope; refusals use the envelope with Pusher's statuses
 * (400 bad request, 401 signature, 404 unknown app, 413 data too large).
 *
 * <p>An event is published to the channel through the {@link Broker} like
 * {@code POST /admin/websocket/send-to-channel}: it reaches Pusher clients and {@code /ws}
 * subscribers on every node, and goes into the channel's history for {@code /ws} resume.
 */
public final class PusherApi {
    /** Pusher's limits on one trigger's channels and one batch's events. */
    static final int MAX_CHANNELS = 100;
    static final int MAX_BATCH = 10;
    private static final int MAX_EVENT_NAME = 200;

    /** This node's channel subscriptions (gateway's count), by channel. */
    public interface Occupancy {
        Map<String, Integer> subscriptions();
    }

    private final PusherApps apps;
    private final Broker broker;
    private final ChannelMembers members;
    private final Occupancy occupancy;
    private final Settings.Pusher settings;
    private final HeraldMetrics metrics;
    private final Clock clock;

    public PusherApi(PusherApps apps, Broker broker, ChannelMembers members, Occupancy occupancy,
                     Settings.Pusher settings, HeraldMetrics metrics, Clock clock) {
        this.apps = Objects.requireNonNull(apps);
        this.broker = Objects.requireNonNull(broker);
        this.members = Objects.requireNonNull(members);
        this.occupancy = Objects.requireNonNull(occupancy);
        this.settings = Objects.requireNonNull(settings);
        this.metrics = Objects.requireNonNull(metrics);
        this.clock = Objects.requireNonNull(clock);
    }

    public void register(Router r) {
        r.post("/apps/{app_id}/events", Router.Access.PUBLIC, signed(this::trigger));
        r.post("/apps/{app_id}/batch_events", Router.Access.PUBLIC, signed(this::batch));
        r.get("/apps/{app_id}/channels", Router.Access.PUBLIC, signed(this::channels));
        r.get("/apps/{app_id}/channels/{channel}", Router.Access.PUBLIC, signed(this::channel));
        r.get("/apps/{app_id}/channels/{channel}/users", Router.Access.PUBLIC, signed(this::users));
        r.post("/apps/{app_id}/users/{user_id}/terminate_connections", Router.Access.PUBLIC, signed(this::terminate));
    }

    private Router.Handler signed(Router.Handler handler) {
        return req -> {
            Settings.PusherApp app = apps.byId(req.pathParam("app_id"))
                    .orElseThrow(() -> new ApiException(404, "no such app: " + req.pathParam("app_id")));
            String problem = PusherSignature.requestProblem(app.key(), app.secret(), req.method(), req.path(), req.query(),
                    req.body(), clock.millis() / 1000);
            if (problem != null) {
                metrics.error("pusher_signature");
                throw new ApiException(401, problem);
            }
            return handler.handle(req);
        };
    }

    private static Reply bare(Object body) {
        try {
            return new Reply(200, Reply.JSON, Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode body(Request req) {
        try {
            JsonNode root = req.body().length == 0 ? null : Json.MAPPER.readTree(req.body());
            if (root == null || !root.isObject()) {
                throw new ApiException(400, "the request body must be a JSON object");
            }
            return root;
        } catch (java.io.IOException e) {
            throw new ApiException(400, "the request body is not valid JSON");
        }
    }

    /** One event to publish, checked. */
    private record Event(String name, List<String> channels, String data, long excludeSocket) {}

    private Event event(JsonNode e) {
        JsonNode name = e.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty() || name.asText().length() > MAX_EVENT_NAME) {
            throw new ApiException(400, "name must be a string of 1-" + MAX_EVENT_NAME + " characters");
        }
        List<String> channels = new ArrayList<>();
        JsonNode many = e.get("channels");
        JsonNode one = e.get("channel");
        if (many != null && one != null) {
            throw new ApiException(400, "give channel or channels, not both");
        }
        if (many != null) {
            if (!many.isArray() || many.isEmpty()) {
                throw new ApiException(400, "channels must be a non-empty array of channel names");
            }
            if (many.size() > MAX_CHANNELS) {
                throw new ApiException(400, "an event may go to at most " + MAX_CHANNELS + " channels, got " + many.size());
            }
            many.forEach(c -> channels.add(c.isTextual() ? c.asText() : ""));
        } else if (one != null && one.isTextual()) {
            channels.add(one.asText());
        } else {
            throw new ApiException(400, "channel (a string) or channels (an array) is required");
        }
        for (String c : channels) {
            String problem = PusherChannels.problem(c);
            if (problem != null) {
                throw new ApiException(400, problem + ": " + (c.length() > 64 ? c.substring(0, 64) + "…" : c));
            }
        }
        JsonNode data = e.get("data");
        if (data == null || !data.isTextual()) {
            throw new ApiException(400, "data must be a string (JSON-encode objects first)");
        }
        int bytes = data.asText().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > settings.maxEventBytes()) {
            throw new ApiException(413, "event data of " + bytes + " bytes is over the limit of " + settings.maxEventBytes());
        }
        long exclude = 0;
        JsonNode socket = e.get("socket_id");
        if (socket != null && !socket.isNull()) {
            exclude = socket.isTextual() ? SocketIds.number(socket.asText()) : 0;
            if (exclude == 0) {
                throw new ApiException(400, "socket_id must look like 123.456");
            }
        }
        return new Event(name.asText(), List.copyOf(channels), data.asText(), exclude);
    }

    private CompletionStage<Void> publish(Event e) {
        Object data = PusherFrames.heraldData(e.data());
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (String channel : e.channels()) {
            metrics.push("pusher_event");
            all.add(broker.publishToChannel(channel, e.name(), e.excludeSocket(),
                    offset -> OutboundFrames.publication(e.name(), channel, offset, data)).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Reply> trigger(Request req) {
        Event e = event(body(req));
        return publish(e).thenApply(v -> bare(Map.of()));
    }

    private CompletionStage<Reply> batch(Request req) {
        JsonNode batch = body(req).get("batch");
        if (batch == null || !batch.isArray()) {
            throw new ApiException(400, "batch must be an array of events");
        }
        if (batch.size() > MAX_BATCH) {
            throw new ApiException(400, "a batch may hold at most " + MAX_BATCH + " events, got " + batch.size());
        }
        List<Event> events = new ArrayList<>();
        for (JsonNode e : batch) {
            if (!e.isObject() || e.has("channels")) {
                throw new ApiException(400, "each batch event is an object with name, channel and data");
            }
            events.add(event(e));
        }
        CompletionStage<Void> done = CompletableFuture.completedFuture(null);
        for (Event e : events) {
            done = done.thenCompose(v -> publish(e)); // in order, as given
        }
        return done.thenApply(v -> bare(Map.of()));
    }

    private static Set<String> info(Request req) {
        String info = req.param("info");
        return info == null ? Set.of() : Set.of(info.split(","));
    }

    private CompletionStage<Reply> channels(Request req) {
        String prefix = req.param("filter_by_prefix");
        Set<String> info = info(req);
        boolean userCount = info.contains("user_count");
        if (userCount && (prefix == null || !prefix.startsWith("presence-"))) {
            throw new ApiException(400, "info=user_count needs filter_by_prefix=presence-");
        }
        Map<String, Integer> local = occupancy.subscriptions();
        CompletionStage<Set<String>> heard = broker.heardChannels(prefix == null ? "" : prefix);
        return members.channels().thenCombine(heard, (presence, elsewhere) -> {
            TreeMap<String, Object> out = new TreeMap<>();
            Set<String> occupied = new java.util.HashSet<>(local.keySet());
            occupied.addAll(elsewhere);
            for (String c : occupied) {
                if (PusherChannels.problem(c) == null && (prefix == null || c.startsWith(prefix))) {
                    out.put(c, new LinkedHashMap<>());
                }
            }
            presence.forEach((c, users) -> {
                if (prefix == null || c.startsWith(prefix)) {
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    if (userCount) {
                        attrs.put("user_count", users);
                    }
                    out.put(c, attrs);
                }
            });
            return bare(Map.of("channels", out));
        });
    }

    private String channelParam(Request req) {
        String channel = req.pathParam("channel");
        String problem = PusherChannels.problem(channel);
        if (problem != null) {
            throw new ApiException(400, problem);
        }
        return channel;
    }

    private CompletionStage<Reply> channel(Request req) {
        String channel = channelParam(req);
        Set<String> info = info(req);
        boolean presence = PusherChannels.kind(channel) == PusherChannels.Kind.PRESENCE;
        if (info.contains("user_count") && !presence) {
            throw new ApiException(400, "user_count is only available for presence- channels");
        }
        int subscriptions = occupancy.subscriptions().getOrDefault(channel, 0);
        CompletionStage<Integer> users = presence ? members.members(channel).thenApply(Map::size)
                : CompletableFuture.completedFuture(0);
        CompletionStage<Boolean> elsewhere = subscriptions > 0 ? CompletableFuture.completedFuture(true)
                : broker.heard(channel);
        return users.thenCombine(elsewhere, (n, heard) -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("occupied", subscriptions > 0 || n > 0 || heard);
            if (info.contains("user_count")) {
                out.put("user_count", n);
            }
            if (info.contains("subscription_count")) {
                out.put("subscription_count", subscriptions);
            }
            return bare(out);
        });
    }

    private CompletionStage<Reply> users(Request req) {
        String channel = channelParam(req);
        if (PusherChannels.kind(channel) != PusherChannels.Kind.PRESENCE) {
            throw new ApiException(400, "users are only listed for presence- channels");
        }
        return members.members(channel).thenApply(m -> {
            List<Map<String, String>> users = new ArrayList<>();
            m.keySet().stream().sorted().forEach(id -> users.add(Map.of("id", id)));
            return bare(Map.of("users", users));
        });
    }

    /**
     * Closes (4009) every Pusher connection that is a member of a presence channel as
     * {@code user_id}, on every node. Pusher ties this to user authentication ({@code pusher:signin}),
     * which is not supported: the presence {@code user_id} is the user a connection has shown.
     */
    private CompletionStage<Reply> terminate(Request req) {
        String user = req.pathParam("user_id");
        if (user == null || user.isEmpty() || user.length() > 128) {
            throw new ApiException(400, "user_id must be 1-128 characters");
        }
        return broker.publish(Topic.ALL, new Message.Push(PusherFrames.TERMINATE, user.getBytes(StandardCharsets.UTF_8)))
                .thenApply(v -> bare(Map.of()));
    }
}
