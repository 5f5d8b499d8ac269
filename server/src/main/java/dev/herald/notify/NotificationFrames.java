package dev.herald.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.Connection;
import dev.herald.gateway.ConnectionListener;
import dev.herald.gateway.FrameDispatcher;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.Frames;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox over WebSocket: {@code sync}, {@code ack} and {@code read} frames, and the push of a
 * user's undelivered notifications (oldest first, all of them, paced by the connection's
 * outbound buffer) plus their unread count when a connection opens.
 * Database work runs on the SQL workers; replies go back through the connection.
 */
public final class NotificationFrames implements ConnectionListener {
    private static final Logger log = LoggerFactory.getLogger(NotificationFrames.class);

    private final NotificationService service;

    public NotificationFrames(NotificationService service) {
        this.service = Objects.requireNonNull(service);
    }

    public void register(FrameDispatcher d) {
        d.register("sync", this::sync);
        d.register("ack", this::ack);
        d.register("read", this::read);
    }

    @Override
    public void opened(Connection c) {
        service.connected(c.userId()).whenComplete((page, err) -> {
            if (err != null) {
                log.warn("could not load undelivered notifications {}: {}", c, err.toString());
                return;
            }
            pushBacklog(c, page);
        });
    }

    /**
     * The push on connect: every undelivered notification, a page at a time (the next page is read
     * when the previous one has been written), then the unread count.
     */
    private void pushBacklog(Connection c, Backlog page) {
        List<Notification> notifications = page.notifications();
        PacedPush.start(c, notifications, () -> {
            if (notifications.size() < NotificationService.SYNC_LIMIT) {
                c.send(Frames.push("unread_count", Map.of("count", page.unreadCount())));
                return;
            }
            long last = notifications.get(notifications.size() - 1).id();
            service.backlog(c.userId(), last).whenComplete((next, err) -> {
                if (err != null) {
                    log.warn("could not load undelivered notifications {}: {}", c, err.toString());
                    return;
                }
                pushBacklog(c, next);
            });
        });
    }

    private void sync(Connection c, InboundFrame f) throws ProtocolException {
        long since = f.optionalNonNegativeLong("since_id");
        service.backlog(c.userId(), Math.max(0, since)).whenComplete((u, err) -> {
            if (err != null) {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the inbox is unavailable right now; try again");
                return;
            }
            PacedPush.start(c, u.notifications(), () -> c.send(Frames.reply("ack", f.id(),
                    Map.of("type", "sync", "synced", u.notifications().size(), "count", u.unreadCount()))));
        });
    }

    private void ack(Connection c, InboundFrame f) throws ProtocolException {
        long[] ids = f.requireIdArray("notification_ids", Kinds.IDS_MAX);
        service.acknowledge(c.userId(), ids).whenComplete((n, err) -> {
            if (err != null) {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the inbox is unavailable right now; ack again later");
                return;
            }
            c.send(Frames.reply("ack", f.id(), Map.of("type", "ack", "acknowledged", n)));
        });
    }

    private void read(Connection c, InboundFrame f) throws ProtocolException {
        long user = c.userId();
        JsonNode all = f.data().get("all");
        var store = service.store();
        java.util.concurrent.CompletionStage<Integer> change;
        if (all != null && all.isBoolean() && all.asBoolean()) {
            change = service.change(user, () -> store.markAllRead(user));
        } else if (all != null && !all.isBoolean()) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "all must be true or false");
        } else {
            long[] ids = f.requireIdArray("ids", Kinds.IDS_MAX);
            change = service.change(user, () -> store.markRead(user, NotificationService.boxed(ids)));
        }
        change.whenComplete((n, err) -> {
            if (err != null) {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the inbox is unavailable right now; try again");
                return;
            }
            c.send(Frames.reply("ack", f.id(), Map.of("type", "read", "updated", n)));
        });
    }
}
