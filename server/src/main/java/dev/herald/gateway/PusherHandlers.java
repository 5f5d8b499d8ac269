package dev.herald.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.Broker;
import dev.herald.broker.ChannelMembers;
import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.limits.TokenBucket;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.Json;
import dev.herald.protocol.OutboundFrames;
import dev.herald.pusher.PusherChannels;
import dev.herald.pusher.PusherFrames;
import dev.herald.pusher.PusherHooks;
import dev.herald.pusher.PusherSignature;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pusher Channels protocol 7 on a gateway {@link Connection} ({@link Framing#PUSHER}): what a
 * Pusher client sends — {@code pusher:ping}, {@code pusher:subscribe} / {@code pusher:unsubscribe}
 * (public, {@code private-}, {@code private-encrypted-} and {@code presence-} channels) and
 * {@code client-*} events — handled on the connection's loop. A subscription is an ordinary
 * gateway channel subscription ({@link ChannelSubscriptions}): the same reference count, broker
 * topic and fan-out as a {@code /ws} one, so both kinds of client share one channel space.
 * Presence membership is kept in {@link ChannelMembers} (cluster-wide in Redis), and
 * {@code member_added} / {@code member_removed} go out once per user through the channel's topic.
 *
 * <p>Refusals are {@code pusher:error} messages with Pusher's codes (4009 for a bad subscription
 * signature, 4301 for client events over the rate); malformed input never closes the connection,
 * only a flood does (the gateway's frame limit).
 */
public final class PusherHandlers {
    private static final Logger log = LoggerFactory.getLogger(PusherHandlers.class);
    /** Pusher's bound on a presence {@code user_id}. */
    static final int MAX_USER_ID = 128;
    /** Pusher's bound on a presence member's {@code user_info}, as JSON. */
    static final int MAX_USER_INFO = 1024;
    static final String MEMBER_ADDED = "pusher_internal:member_added";
    static final String MEMBER_REMOVED = "pusher_internal:member_removed";

    private final Broker broker;
    private final ChannelSubscriptions channels;
    private final ChannelMembers members;
    private final Settings.Pusher settings;
    private final Settings.Gateway limits;
    private final HeraldMetrics metrics;
    private final TokenBucket.Rate clientEventRate;
    private final PusherHooks hooks;

    public PusherHandlers(Broker broker, ChannelSubscriptions channels, ChannelMembers members, Settings.Pusher settings,
                          Settings.Gateway limits, HeraldMetrics metrics) {
        this(broker, channels, members, settings, limits, metrics, PusherHooks.NONE);
    }

    /** {@code hooks}: told of member transitions and client events, for Pusher's webhooks. */
    public PusherHandlers(Broker broker, ChannelSubscriptions channels, ChannelMembers members, Settings.Pusher settings,
                          Settings.Gateway limits, HeraldMetrics metrics, PusherHooks hooks) {
        this.hooks = Objects.requireNonNull(hooks);
        this.broker = Objects.requireNonNull(broker);
        this.channels = Objects.requireNonNull(channels);
        this.members = Objects.requireNonNull(members);
        this.settings = Objects.requireNonNull(settings);
        this.limits = Objects.requireNonNull(limits);
        this.metrics = Objects.requireNonNull(metrics);
        int perSecond = settings.clientEventsPerSecond();
        this.clientEventRate = new TokenBucket.Rate(perSecond, perSecond, Duration.ofSeconds(1));
    }

    PusherSession session(Settings.PusherApp app, long nowNanos) {
        return new PusherSession(app, clientEventRate, nowNanos);
    }

    /** The first message: {@code pusher:connection_established} with the socket id and activity timeout. */
    void established(Connection c) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("socket_id", c.pusher().socketId());
        data.put("activity_timeout", Math.max(1, limits.heartbeatInterval().toSeconds()));
        c.startText(PusherFrames.eventOf("pusher:connection_established", null, data));
    }

    /** One text frame from a Pusher client; on its loop. */
    void onText(Connection c, String text) {
        JsonNode msg;
        try {
            msg = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            error(c, null, "malformed message: not JSON");
            return;
        }
        if (msg == null || !msg.isObject() || !msg.path("event").isTextual()) {
            error(c, null, "malformed message: expected {\"event\": \"…\", \"data\": …}");
            return;
        }
        String event = msg.get("event").asText();
        switch (event) {
            case "pusher:ping" -> c.sendText(PusherFrames.event("pusher:pong", null, "{}"));
            case "pusher:pong" -> { } // its arrival refreshed the connection's liveness
            case "pusher:subscribe" -> subscribe(c, data(msg));
            case "pusher:unsubscribe" -> unsubscribe(c, data(msg));
            default -> {
                if (event.startsWith("client-")) {
                    clientEvent(c, event, msg);
                } else {
                    error(c, null, "unsupported event " + abbreviate(event)
                            + ": expected pusher:ping, pusher:subscribe, pusher:unsubscribe or client-*");
                }
            }
        }
    }

    /** A message's {@code data}: an object, or a string holding one (both are seen in the wild). */
    private static JsonNode data(JsonNode msg) {
        JsonNode data = msg.get("data");
        if (data != null && data.isTextual()) {
            try {
                return Json.MAPPER.readTree(data.asText());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        return data;
    }

    private void subscribe(Connection c, JsonNode data) {
        if (data == null || !data.isObject() || !data.path("channel").isTextual()) {
            error(c, null, "pusher:subscribe needs data.channel");
            return;
        }
        String channel = data.get("channel").asText();
        String problem = PusherChannels.problem(channel);
        if (problem != null) {
            error(c, null, problem);
            return;
        }
        if (c.subscription(channel) != null) {
            return; // already subscribed: Pusher ignores a repeated subscribe
        }
        if (c.subscriptionCount() >= limits.maxChannels()) {
            error(c, null, "a connection may subscribe to at most " + limits.maxChannels() + " channels");
            return;
        }
        PusherSession s = c.pusher();
        PusherChannels.Kind kind = PusherChannels.kind(channel);
        String auth = data.path("auth").isTextual() ? data.get("auth").asText() : null;
        switch (kind) {
            case PUBLIC -> join(c, channel, () -> c.sendText(PusherFrames.event(
                    "pusher_internal:subscription_succeeded", channel, "{}")));
            case PRIVATE, ENCRYPTED -> {
                if (!PusherSignature.channelAuthValid(s.app().key(), s.app().secret(), auth, s.socketId(), channel, null)) {
                    authFailed(c, channel);
                    return;
                }
                join(c, channel, () -> c.sendText(PusherFrames.event(
                        "pusher_internal:subscription_succeeded", channel, "{}")));
            }
            case PRESENCE -> subscribePresence(c, channel, auth, data.get("channel_data"));
        }
    }

    private void authFailed(Connection c, String channel) {
        metrics.error("pusher_auth");
        c.sendText(PusherFrames.error(4009, "invalid signature for " + channel
                + ": auth must be key:HMAC-SHA256(secret, socket_id:channel[:channel_data])"));
    }

    /** Joins the gateway's channel and runs {@code then} on the loop once this node hears it. */
    private void join(Connection c, String channel, Runnable then) {
        ChannelSubscriptions.Joined joined = channels.subscribe(c, channel, -1, null);
        Subscription sub = joined.subscription();
        joined.heard().whenComplete((v, e) -> c.onLoop(() -> {
            if (c.subscription(channel) == sub) {
                then.run();
            }
        }));
    }

    private void subscribePresence(Connection c, String channel, String auth, JsonNode channelDataNode) {
        PusherSession s = c.pusher();
        if (channelDataNode == null || !channelDataNode.isTextual()) {
            error(c, null, "a presence subscription needs channel_data, a JSON string with user_id");
            return;
        }
        String channelData = channelDataNode.asText();
        if (!PusherSignature.channelAuthValid(s.app().key(), s.app().secret(), auth, s.socketId(), channel, channelData)) {
            authFailed(c, channel);
            return;
        }
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(channelData);
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        JsonNode idNode = parsed == null ? null : parsed.get("user_id");
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber())
                || idNode.asText().isEmpty() || idNode.asText().length() > MAX_USER_ID) {
            error(c, null, "channel_data must be a JSON object with user_id, a string or number of at most "
                    + MAX_USER_ID + " characters");
            return;
        }
        JsonNode infoNode = parsed.get("user_info");
        String info = infoNode == null || infoNode.isNull() ? null : infoNode.toString();
        if (info != null && info.length() > MAX_USER_INFO) {
            error(c, null, "user_info is over " + MAX_USER_INFO + " bytes");
            return;
        }
        String userId = idNode.asText();
        ChannelSubscriptions.Joined joined = channels.subscribe(c, channel, -1, null);
        Subscription sub = joined.subscription();
        PusherSession.Membership m = s.joinedPresence(channel, userId);
        s.awaitingList(channel);
        joined.heard()
                .thenCompose(v -> members.join(channel, userId, info, m.key(), settings.maxPresenceMembers()))
                .whenComplete((j, e) -> c.onLoop(() -> presenceJoined(c, channel, m, info, sub, j, e)));
    }

    private void presenceJoined(Connection c, String channel, PusherSession.Membership m, String info, Subscription sub,
                                ChannelMembers.Joined j, Throwable e) {
        PusherSession s = c.pusher();
        String userId = m.userId();
        boolean still = c.subscription(channel) == sub;
        if (e != null || j.full()) {
            if (still) {
                channels.unsubscribe(c, channel);
                s.leftPresence(channel);
            }
            if (e != null) {
                log.warn("presence join of {} failed: {}", channel, e.toString());
                error(c, null, "presence is unavailable right now; not subscribed to " + channel);
            } else {
                error(c, 4100, channel + " is full: at most " + settings.maxPresenceMembers() + " members");
            }
            return;
        }
        if (!still) {
            // unsubscribed or closed while joining: undo the entry, quietly (no member_added went out
            // for it; when the user has other entries, this one's leave changes nothing)
            members.leave(channel, userId, m.key());
            return;
        }
        if (j.first()) {
            publishMember(channel, MEMBER_ADDED, userId, info, s.number());
            hooks.memberAdded(channel, userId);
        }
        members.members(channel).whenComplete((list0, err) -> c.onLoop(() -> {
            if (c.subscription(channel) != sub) {
                return;
            }
            Map<String, String> list = err != null ? Map.of(userId, info == null ? "null" : info) : list0;
            c.sendText(PusherFrames.event("pusher_internal:subscription_succeeded", channel, presenceData(list)));
            for (byte[] waiting : s.listed(channel, list.keySet())) {
                Boolean added = memberEventKind(waiting);
                String user = memberEventUser(waiting);
                if (added != null && user != null && s.memberEvent(channel, added, user, waiting, 0)) {
                    c.sendChannel(waiting);
                }
            }
        }));
    }

    /** True for member_added, false for member_removed, null for any other frame type. */
    static Boolean memberEventKind(byte[] frame) {
        String head = new String(frame, 0, Math.min(frame.length, 64), java.nio.charset.StandardCharsets.UTF_8);
        return head.contains("\"" + MEMBER_ADDED + "\"") ? Boolean.TRUE
                : head.contains("\"" + MEMBER_REMOVED + "\"") ? Boolean.FALSE : null;
    }

    /** The {@code data.user_id} of a member event's frame, or null. */
    static String memberEventUser(byte[] frame) {
        try {
            JsonNode id = Json.MAPPER.readTree(frame).path("data").path("user_id");
            return id.isTextual() ? id.asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** {@code {"presence": {"ids": […], "hash": {id: info}, "count": n}}} as JSON text. */
    private static String presenceData(Map<String, String> list) {
        StringBuilder ids = new StringBuilder("[");
        StringBuilder hash = new StringBuilder("{");
        for (Map.Entry<String, String> e : list.entrySet()) {
            String id = PusherFrames.json(e.getKey());
            if (ids.length() > 1) {
                ids.append(',');
                hash.append(',');
            }
            ids.append(id);
            hash.append(id).append(':').append(e.getValue() == null ? "null" : e.getValue());
        }
        return "{\"presence\":{\"ids\":" + ids + "],\"hash\":" + hash + "},\"count\":" + list.size() + "}}";
    }

    private void publishMember(String channel, String event, String userId, String info, long excludeSocket) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", userId);
        if (event.equals(MEMBER_ADDED)) {
            data.put("user_info", info == null ? null : rawJson(info));
        }
        byte[] frame = OutboundFrames.publication(event, channel, -1, data);
        broker.publish(new Topic.Channel(channel), new Message.Push(event, frame, excludeSocket, -1))
                .exceptionally(e -> {
                    log.warn("{} on {} did not reach other nodes: {}", event, channel, e.toString());
                    return false;
                });
    }

    private static JsonNode rawJson(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private void leavePresence(String channel, PusherSession.Membership m) {
        members.leave(channel, m.userId(), m.key()).whenComplete((last, e) -> {
            if (e == null && last) {
                publishMember(channel, MEMBER_REMOVED, m.userId(), null, 0);
                hooks.memberRemoved(channel, m.userId());
            }
        });
    }

    private void unsubscribe(Connection c, JsonNode data) {
        if (data == null || !data.path("channel").isTextual()) {
            error(c, null, "pusher:unsubscribe needs data.channel");
            return;
        }
        String channel = data.get("channel").asText();
        if (channels.unsubscribe(c, channel)) {
            PusherSession.Membership m = c.pusher().leftPresence(channel);
            if (m != null) {
                leavePresence(channel, m);
            }
        }
    }

    /**
     * Sends {@code member_removed} for the users of this node's presence channels whose node died
     * (see {@link ChannelMembers#reap}); periodically, from any thread.
     */
    public void reapDeadMembers() {
        for (String channel : channels.counts().keySet()) {
            if (PusherChannels.kind(channel) == PusherChannels.Kind.PRESENCE) {
                members.reap(channel).whenComplete((gone, e) -> {
                    if (e == null) {
                        gone.forEach(user -> {
                            publishMember(channel, MEMBER_REMOVED, user, null, 0);
                            hooks.memberRemoved(channel, user);
                        });
                    }
                });
            }
        }
    }

    /** The connection closed: its presence memberships end (its channel subscriptions are dropped by the gateway). */
    void closed(Connection c) {
        PusherSession s = c.pusher();
        s.leaveAllPresence().forEach(this::leavePresence);
    }

    private void clientEvent(Connection c, String event, JsonNode msg) {
        JsonNode channelNode = msg.get("channel");
        String channel = channelNode != null && channelNode.isTextual() ? channelNode.asText() : null;
        if (channel == null || c.subscription(channel) == null) {
            error(c, null, "a client event must name a channel this connection subscribes to");
            return;
        }
        PusherChannels.Kind kind = PusherChannels.kind(channel);
        if (kind != PusherChannels.Kind.PRIVATE && kind != PusherChannels.Kind.PRESENCE) {
            error(c, null, "client events are only allowed on private- and presence- channels"
                    + (kind == PusherChannels.Kind.ENCRYPTED ? " (not on encrypted ones)" : ""));
            return;
        }
        if (event.length() > PusherChannels.MAX_LENGTH) {
            error(c, null, "event name must be at most " + PusherChannels.MAX_LENGTH + " characters");
            return;
        }
        if (!c.pusher().takeClientEvent(c.shard().nanos())) {
            metrics.error("pusher_client_event_rate");
            error(c, 4301, "client event rejected: at most " + settings.clientEventsPerSecond() + " per second");
            return;
        }
        JsonNode dataNode = msg.get("data");
        String data = dataNode == null || dataNode.isNull() ? "{}" : dataNode.isTextual() ? dataNode.asText() : dataNode.toString();
        if (data.length() > settings.maxEventBytes()) {
            error(c, null, "client event data of " + data.length() + " bytes is over the limit of " + settings.maxEventBytes());
            return;
        }
        Object heraldData = dataNode != null && dataNode.isContainerNode() ? dataNode : PusherFrames.heraldData(data);
        PusherSession s = c.pusher();
        String socketId = s.socketId();
        String userId = kind == PusherChannels.Kind.PRESENCE ? s.presenceUser(channel) : null;
        broker.publishToChannel(channel, event, s.number(),
                        offset -> OutboundFrames.publication(event, channel, offset, heraldData))
                .whenComplete((o, e) -> {
                    if (e != null) {
                        c.onLoop(() -> error(c, null, "the client event could not be published right now"));
                    } else {
                        hooks.clientEvent(channel, event, data, socketId, userId);
                    }
                });
    }

    private void error(Connection c, Integer code, String message) {
        c.sendText(PusherFrames.error(code, message));
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
