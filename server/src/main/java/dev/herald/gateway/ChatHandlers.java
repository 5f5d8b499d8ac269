package dev.herald.gateway;

import static dev.herald.inbox.OfflineChat.Outcome.NOT_KEPT;

import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.inbox.OfflineChat;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.OutboundFrames;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code chat} (user to user, every device of the recipient) and {@code broadcast} (admin tokens
 * only, to every connection but the sender's). A chat to an offline user is handed to
 * {@link OfflineChat}; its ack says whether it was delivered live and whether it was kept, or an
 * {@code error} says why it was refused (unknown recipient, a quota).
 */
public final class ChatHandlers {
    private final Broker broker;
    private final Presence presence;
    private final HeraldMetrics metrics;
    private final OfflineChat offline;
    private final int maxContent;
    private final Settings.Notifications quotas;

    /**
     * {@code settings}: the content limit ({@code gateway.max-frame-bytes}) and the offline-chat quotas
     * that refusals name.
     */
    public ChatHandlers(Broker broker, Presence presence, HeraldMetrics metrics, OfflineChat offline, Settings settings) {
        this.broker = Objects.requireNonNull(broker);
        this.presence = Objects.requireNonNull(presence);
        this.metrics = Objects.requireNonNull(metrics);
        this.offline = Objects.requireNonNull(offline);
        this.maxContent = settings.gateway().maxFrameBytes();
        this.quotas = settings.notifications();
    }

    public void register(FrameDispatcher d) {
        d.register("chat", this::chat);
        d.register("broadcast", this::broadcast);
    }

    private void chat(Connection c, InboundFrame f) throws ProtocolException {
        long to = f.requirePositiveLong("to_user_id");
        String content = f.requireString("content", maxContent);
        long from = c.userId();
        long now = System.currentTimeMillis();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from_user_id", from);
        data.put("to_user_id", to);
        data.put("content", content);
        data.put("timestamp", now);
        metrics.push("chat");
        // the publication says whether it reached a connection of the recipient; when it reached
        // none, the recipient is offline and the message is kept for later
        broker.publish(new Topic.User(to), new Message.Push("chat", OutboundFrames.push("chat", data)))
                .whenComplete((reached, err) -> {
                    if (err != null) {
                        ack(c, f, to, false, false, err);
                    } else if (reached) {
                        ack(c, f, to, true, false, null);
                    } else {
                        offline.keep(from, to, content).whenComplete((outcome, e) -> offline(c, f, to, e == null ? outcome : NOT_KEPT));
                    }
                });
    }

    /** Answers a chat that reached no connection: kept, not kept, or refused with an error. */
    private void offline(Connection c, InboundFrame f, long to, OfflineChat.Outcome outcome) {
        switch (outcome) {
            case KEPT -> ack(c, f, to, false, true, null);
            case NOT_KEPT -> ack(c, f, to, false, false, null);
            case UNKNOWN_RECIPIENT -> refuse(c, f, ErrorCode.UNKNOWN_RECIPIENT, "user " + to
                    + " is offline and not known here (never connected, never sent a notification); nothing was kept");
            case SENDER_QUOTA -> refuse(c, f, ErrorCode.SENDER_QUOTA_EXCEEDED, "over the quota of "
                    + quotas.offlineChatsPerSenderHour()
                    + " chats to offline users per hour; nothing was kept");
            case RECIPIENT_QUOTA -> refuse(c, f, ErrorCode.RECIPIENT_QUOTA_EXCEEDED, "user " + to + " has "
                    + quotas.offlineChatsPerRecipient()
                    + " unread offline chats already; nothing was kept");
        }
    }

    private void refuse(Connection c, InboundFrame f, ErrorCode code, String message) {
        metrics.error(code.wire());
        c.sendError(f.id(), code, message);
    }

    private void ack(Connection c, InboundFrame f, long to, boolean delivered, boolean stored, Throwable err) {
        if (err != null) {
            c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the message could not be handed to the recipient's node");
            return;
        }
        c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "chat", "to_user_id", to, "delivered", delivered, "stored", stored)));
    }

    private void broadcast(Connection c, InboundFrame f) throws ProtocolException {
        if (!c.principal().admin()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "broadcast needs an admin token");
        }
        String message = f.requireString("message", maxContent);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", message);
        data.put("from_user_id", c.userId());
        data.put("timestamp", System.currentTimeMillis());
        metrics.push("broadcast");
        broker.publish(Topic.ALL, new Message.Push("broadcast", OutboundFrames.push("broadcast", data), c.userId(), -1))
                .thenCompose(v -> presence.onlineCount())
                .whenComplete((online, err) -> {
                    if (err != null) {
                        c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the broadcast could not reach every node");
                    } else {
                        c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "broadcast", "count", Math.max(0, online - 1))));
                    }
                });
    }
}
