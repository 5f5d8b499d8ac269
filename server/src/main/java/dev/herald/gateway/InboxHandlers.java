package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.inbox.Backlog;
import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.InboxService;
import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationJson;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.OutboundFrames;
import dev.herald.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox over WebSocket: {@code sync}, {@code ack} and {@code read} frames, and the push of a
 * user's undelivered notifications (oldest first, all of them, paced by the connection's
 * outbound buffer) plus their unread count when a connection opens. Each frame calls one
 * {@link InboxService} use case, the same the HTTP API calls. The paging is here (read a page,
 * encode it up to {@code gateway.backlog-push-bytes}, write it, read the next, then the count or
 * the reply); the paced writing is {@link PacedPush}'s. A connection runs one backlog push at a
 * time: a {@code sync} while one runs is answered at once with
 * {@code ack {type: "sync", synced: 0, in_progress: true}}, since the running push brings the same
 * notifications. Database work runs on the SQL workers; replies go back through the connection.
 */
public final class InboxHandlers implements ConnectionListener {
    private static final Logger log = LoggerFactory.getLogger(InboxHandlers.class);

    private final InboxService service;
    private final int pushBytes;

    /** {@code pushBytes}: what one backlog push holds at most ({@code gateway.backlog-push-bytes}). */
    public InboxHandlers(InboxService service, int pushBytes) {
        this.service = Objects.requireNonNull(service);
        this.pushBytes = pushBytes;
    }

    public void register(FrameDispatcher d) {
        d.register("sync", this::sync);
        d.register("ack", this::ack);
        d.register("read", this::read);
    }

    @Override
    public void opened(Connection c) {
        PacedPush push = PacedPush.claim(c);
        if (push == null) {
            return; // closed already
        }
        service.connected(c.userId()).whenComplete((page, err) -> {
            if (err != null) {
                log.warn("could not load undelivered notifications {}: {}", c, err.toString());
                push.end();
                return;
            }
            pushBacklog(c, push, page, InboxLimits.SYNC_LIMIT);
        });
    }

    /**
     * The push on connect: every undelivered notification, a batch at a time (the next page is
     * read when the previous batch has been written; a page over the byte cap is cut and read again
     * from where it was cut, the next read asking for as many as fitted), then the unread count.
     */
    private void pushBacklog(Connection c, PacedPush push, Backlog page, int limit) {
        List<Notification> notifications = page.notifications();
        Batch batch = encode(notifications, pushBytes);
        boolean cut = batch.count() < notifications.size();
        boolean more = cut || notifications.size() == limit;
        long last = batch.count() == 0 ? 0 : notifications.get(batch.count() - 1).id();
        long unread = page.unreadCount();
        int nextLimit = cut ? batch.count() : Math.min(InboxLimits.SYNC_LIMIT, limit * 2);
        // the step below holds only these numbers, not the page: the push holds its frames alone
        push.write(batch.frames(), () -> {
            if (!more) {
                push.end();
                c.send(OutboundFrames.unreadCount(unread));
                return;
            }
            service.backlog(c.userId(), last, nextLimit).whenComplete((next, err) -> {
                if (err != null) {
                    log.warn("could not load undelivered notifications {}: {}", c, err.toString());
                    push.end();
                    return;
                }
                pushBacklog(c, push, next, nextLimit);
            });
        });
    }

    /**
     * One page of the undelivered notifications after {@code since_id} — at most
     * {@value InboxLimits#SYNC_LIMIT} and at most the byte cap (at least one) — then the ack
     * with how many were pushed and the unread count. A user this node knows to have nothing
     * waiting is answered without a query ({@link InboxService#sync}).
     */
    private void sync(Connection c, InboundFrame f) throws ProtocolException {
        long since = f.optionalNonNegativeLong("since_id");
        PacedPush push = PacedPush.claim(c);
        if (push == null) {
            c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "sync", "synced", 0, "in_progress", true)));
            return;
        }
        service.sync(c.userId(), Math.max(0, since)).whenComplete((u, err) -> {
            if (err != null) {
                push.end();
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the inbox is unavailable right now; try again");
                return;
            }
            Batch batch = encode(u.notifications(), pushBytes);
            int synced = batch.count();
            long unread = u.unreadCount();
            push.write(batch.frames(), () -> {
                push.end();
                c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "sync", "synced", synced, "count", unread)));
            });
        });
    }

    private void ack(Connection c, InboundFrame f) throws ProtocolException {
        long[] ids = f.requireIdArray("notification_ids", InboxLimits.IDS_MAX);
        service.acknowledge(c.userId(), ids).whenComplete((n, err) -> {
            if (err != null) {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the inbox is unavailable right now; ack again later");
                return;
            }
            c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "ack", "acknowledged", n)));
        });
    }

    /** {@code read {ids}} is the HTTP API's batch-read, {@code read {all: true}} its read-all. */
    private void read(Connection c, InboundFrame f) throws ProtocolException {
        long user = c.userId();
        JsonNode all = f.data().get("all");
        CompletionStage<Integer> change;
        if (all != null && all.isBoolean() && all.asBoolean()) {
            change = service.markAllRead(user);
        } else if (all != null && !all.isBoolean()) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "all must be true or false");
        } else {
            change = service.markRead(user, f.requireIdArray("ids", InboxLimits.IDS_MAX));
        }
        change.whenComplete((n, err) -> {
            if (err != null) {
                c.sendError(f.id(), ErrorCode.UNAVAILABLE, "the inbox is unavailable right now; try again");
                return;
            }
            c.send(OutboundFrames.reply("ack", f.id(), Map.of("type", "read", "updated", n)));
        });
    }

    /** Frames encoded from the first {@code count} notifications of a page. */
    private record Batch(List<byte[]> frames, int count) {}

    /**
     * Encodes the page's notifications, oldest first, as {@code notification} frames until their
     * size reaches {@code capBytes} (always at least one): what one write of a backlog push holds.
     */
    private static Batch encode(List<Notification> page, int capBytes) {
        List<byte[]> out = new ArrayList<>(Math.min(page.size(), 64));
        long bytes = 0;
        for (Notification n : page) {
            if (!out.isEmpty() && bytes >= capBytes) {
                break;
            }
            byte[] frame = OutboundFrames.push("notification", NotificationJson.of(n));
            if (!out.isEmpty() && bytes + frame.length > capBytes) {
                break;
            }
            out.add(frame);
            bytes += frame.length;
        }
        return new Batch(out, out.size());
    }
}
