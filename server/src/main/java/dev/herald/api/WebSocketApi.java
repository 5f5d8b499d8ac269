package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Router.Access;
import dev.herald.broker.Broker;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.Message;
import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import dev.herald.inbox.InboxLimits;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.ChannelName;
import dev.herald.protocol.CloseCodes;
import dev.herald.protocol.OutboundFrames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The server API for application backends ({@code /admin/websocket/*}, SPEC §5): presence queries,
 * pushes to users, everyone and channels, data-update events, kicking a user and the bind flow.
 * Every push is encoded once and handed to the broker; replies say who was online to receive it.
 */
public final class WebSocketApi {
    private static final String BASE = "/admin/websocket/";
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:\\-]{1,64}");
    private static final Set<String> RESERVED_TYPES = Set.of("init", "ack", "error", "pong", "bind_success", "unread_count");
    private static final int NAME_MAX = 64;

    private final Broker broker;
    private final Presence presence;
    private final HeraldMetrics metrics;
    private final int maxRecipients;

    /** {@code maxRecipients}: how many users one call may name ({@code http.max-recipients}). */
    public WebSocketApi(Broker broker, Presence presence, HeraldMetrics metrics, int maxRecipients) {
        this.broker = Objects.requireNonNull(broker);
        this.presence = Objects.requireNonNull(presence);
        this.metrics = Objects.requireNonNull(metrics);
        this.maxRecipients = maxRecipients;
    }

    public void register(Router r) {
        r.get(BASE + "online-count", Access.ADMIN, this::onlineCount);
        r.get(BASE + "online-users", Access.ADMIN, this::onlineUsers);
        r.post(BASE + "check-online", Access.ADMIN, this::checkOnline);
        r.post(BASE + "send-to-user", Access.ADMIN, this::sendToUser);
        r.post(BASE + "send-to-users", Access.ADMIN, this::sendToUsers);
        r.post(BASE + "broadcast", Access.ADMIN, this::broadcast);
        r.post(BASE + "send-to-channel", Access.ADMIN, this::sendToChannel);
        r.post(BASE + "send-notification", Access.ADMIN, this::sendNotification);
        r.post(BASE + "send-notification-to-users", Access.ADMIN, this::sendNotificationToUsers);
        r.post(BASE + "push-data-update", Access.ADMIN, this::pushDataUpdate);
        r.post(BASE + "push-data-update-channel", Access.ADMIN, this::pushDataUpdateChannel);
        r.post(BASE + "disconnect-user", Access.ADMIN, this::disconnectUser);
        r.post(BASE + "bind", Access.ADMIN, this::bind);
    }

    private CompletionStage<Reply> onlineCount(Request req) {
        return presence.onlineCount().thenApply(n -> Reply.ok(Map.of("online_count", n)));
    }

    private CompletionStage<Reply> onlineUsers(Request req) {
        return presence.onlineUsers().thenApply(ids -> Reply.ok(Map.of("user_ids", ids, "count", ids.size())));
    }

    private CompletionStage<Reply> checkOnline(Request req) {
        JsonBody b = req.json();
        long userId = b.positiveId("user_id");
        b.validate();
        return presence.isOnline(userId).thenApply(on -> Reply.ok(Map.of("user_id", userId, "is_online", on)));
    }

    private CompletionStage<Reply> sendToUser(Request req) {
        JsonBody b = req.json();
        long userId = b.positiveId("user_id");
        String type = pushType(b);
        JsonNode data = b.value("data");
        b.validate();
        metrics.push("user");
        return toUsers(new long[] {userId}, type, OutboundFrames.push(type, data))
                .thenApply(online -> Reply.ok(Map.of("user_id", userId, "is_online", !online.isEmpty())));
    }

    private CompletionStage<Reply> sendToUsers(Request req) {
        JsonBody b = req.json();
        long[] ids = b.ids("user_ids", maxRecipients, true);
        String type = pushType(b);
        JsonNode data = b.value("data");
        b.validate();
        metrics.push("users");
        return toUsers(ids, type, OutboundFrames.push(type, data)).thenApply(online -> Reply.ok(Map.of("sent_to", online)));
    }

    private CompletionStage<Reply> broadcast(Request req) {
        JsonBody b = req.json();
        String type = pushType(b);
        JsonNode data = b.value("data");
        long exclude = b.optionalPositiveId("exclude_user_id");
        b.validate();
        metrics.push("broadcast");
        return everyone(type, OutboundFrames.push(type, data), exclude).thenApply(n -> Reply.ok(Map.of("count", n)));
    }

    private CompletionStage<Reply> sendToChannel(Request req) {
        JsonBody b = req.json();
        String channel = channel(b);
        String type = b.has("type") ? pushType(b) : "message";
        JsonNode data = b.value("data");
        b.validate();
        metrics.push("channel");
        return publish(channel, type, data);
    }

    private CompletionStage<Reply> sendNotification(Request req) {
        JsonBody b = req.json();
        Map<String, Object> data = notification(b);
        b.validate();
        metrics.push("broadcast");
        return everyone("notification", OutboundFrames.push("notification", data), 0).thenApply(n -> Reply.ok(Map.of("count", n)));
    }

    private CompletionStage<Reply> sendNotificationToUsers(Request req) {
        JsonBody b = req.json();
        long[] ids = b.ids("user_ids", maxRecipients, true);
        Map<String, Object> data = notification(b);
        b.validate();
        metrics.push("users");
        return toUsers(ids, "notification", OutboundFrames.push("notification", data))
                .thenApply(online -> Reply.ok(Map.of("sent_to", online)));
    }

    private CompletionStage<Reply> pushDataUpdate(Request req) {
        JsonBody b = req.json();
        long[] ids = b.ids("user_ids", maxRecipients, true);
        Map<String, Object> data = dataUpdate(b, null);
        b.validate();
        metrics.push("data_update");
        return toUsers(ids, "data_update", OutboundFrames.push("data_update", data))
                .thenApply(online -> Reply.ok(Map.of("sent_to", online)));
    }

    private CompletionStage<Reply> pushDataUpdateChannel(Request req) {
        JsonBody b = req.json();
        String channel = channel(b);
        Map<String, Object> data = dataUpdate(b, channel);
        b.validate();
        metrics.push("data_update");
        return publish(channel, "data_update", data);
    }

    private CompletionStage<Reply> disconnectUser(Request req) {
        JsonBody b = req.json();
        long userId = b.positiveId("user_id");
        b.validate();
        metrics.push("disconnect");
        return broker.publish(new Topic.User(userId), new Message.Disconnect(CloseCodes.KICKED, "disconnected by server"))
                .thenApply(on -> Reply.ok(Map.of("user_id", userId, "was_online", on)));
    }

    /**
     * The bind flow: the connection's node hears its client topic while it waits unbound, so the
     * publication reaches it wherever it is and says whether it was still there to be bound.
     */
    private CompletionStage<Reply> bind(Request req) {
        JsonBody b = req.json();
        String clientId = b.string("client_id", 80, true);
        long userId = b.positiveId("user_id");
        b.validate();
        return broker.publish(new Topic.Client(clientId), new Message.Bind(clientId, userId)).thenApply(bound -> {
            if (!bound) {
                throw new ApiException(404, "no unbound connection with client_id " + clientId);
            }
            return Reply.ok(Map.of("client_id", clientId, "user_id", userId, "bound", true));
        });
    }

    /**
     * Publishes to each user; completes with those the publication reached (ascending), which is
     * who was online: the broker answers that with the publication, no presence look-up.
     */
    private CompletionStage<List<Long>> toUsers(long[] ids, String type, byte[] frame) {
        Message.Push message = new Message.Push(type, frame);
        List<CompletableFuture<Boolean>> sends = new ArrayList<>(ids.length);
        for (long id : ids) {
            sends.add(broker.publish(new Topic.User(id), message).toCompletableFuture());
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Long> online = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                if (sends.get(i).join()) {
                    online.add(ids[i]);
                }
            }
            online.sort(null);
            return online;
        });
    }

    /** Publishes to everyone; completes with the number of online users it was meant for. */
    /**
     * Publishes to everyone, then counts who is online. Over several Redis servers the broadcast can
     * reach every node while the count, which spans every shard, cannot be read (one shard is down):
     * that 503 says the broadcast went out, so that it is not sent again.
     */
    private CompletionStage<Long> everyone(String type, byte[] frame, long exclude) {
        return broker.publish(Topic.ALL, new Message.Push(type, frame, exclude, -1))
                .thenCompose(v -> (exclude == 0 ? presence.onlineCount()
                        : presence.isOnline(exclude).thenCombine(presence.onlineCount(), (ex, n) -> ex ? n - 1 : n))
                        .handle((n, err) -> {
                            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                            if (cause instanceof BrokerUnavailableException) {
                                throw ApiException.unavailable("the broadcast was sent to every node, but the online count "
                                        + "cannot be read now; do not send it again");
                            }
                            if (err != null) {
                                throw err instanceof CompletionException ce ? ce : new CompletionException(err);
                            }
                            return n;
                        }));
    }

    private CompletionStage<Reply> publish(String channel, String type, Object data) {
        return broker.publishToChannel(channel, type, offset -> OutboundFrames.publication(type, channel, offset, data))
                .thenApply(offset -> Reply.ok(Map.of("channel", channel, "offset", offset)));
    }

    private static String pushType(JsonBody b) {
        if (!b.has("type")) {
            return "notification";
        }
        String type = b.string("type", NAME_MAX, true);
        if (type != null && !TYPE.matcher(type).matches()) {
            b.error("type", "may only contain letters, digits and _ . : -");
        } else if (type != null && RESERVED_TYPES.contains(type)) {
            b.error("type", "'" + type + "' is reserved for the protocol");
        }
        return type;
    }

    private static String channel(JsonBody b) {
        String channel = b.string("channel", Integer.MAX_VALUE, true);
        String problem = channel == null ? null : ChannelName.problem(channel);
        if (problem != null) {
            b.error("channel", problem);
        }
        return channel;
    }

    private Map<String, Object> notification(JsonBody b) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", b.string("title", InboxLimits.TITLE_MAX, true));
        data.put("message", b.string("message", InboxLimits.CONTENT_MAX, true));
        String type = b.has("type") ? b.string("type", NAME_MAX, true) : "info";
        if (type != null && !InboxLimits.TYPES.contains(type)) {
            b.error("type", "must be one of " + String.join(", ", InboxLimits.TYPES.stream().sorted().toList()));
        }
        data.put("type", type);
        JsonNode extra = b.value("extra_data");
        if (extra != null) {
            data.put("extra_data", extra);
        }
        data.put("timestamp", System.currentTimeMillis());
        return data;
    }

    private static Map<String, Object> dataUpdate(JsonBody b, String channel) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resource_type", b.string("resource_type", NAME_MAX, true));
        data.put("action", b.string("action", NAME_MAX, true));
        data.put("data", b.value("data"));
        if (channel != null) {
            data.put("channel", channel);
        }
        data.put("timestamp", System.currentTimeMillis());
        return data;
    }
}
