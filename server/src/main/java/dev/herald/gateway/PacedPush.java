package dev.herald.gateway;

import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationJson;
import static java.util.Objects.requireNonNull;

import dev.herald.gateway.Connection;
import dev.herald.gateway.WebSocketFraming;
import dev.herald.protocol.OutboundFrames;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a user's backlog (the push on connect, a {@code sync}) to one connection no faster than
 * the client reads it, a batch of encoded frames at a time, running a step after each batch (the
 * next page, the {@code unread_count} push, the {@code sync} reply).
 *
 * <p>Bounds: a connection runs one push at a time ({@link #claim}; a second {@code sync} is
 * answered without starting another). A push holds at most {@code gateway.backlog-push-bytes} of
 * encoded frames ({@link #encode}: the rest of a page is read again from the database when these
 * have been written), plus at most half of the connection's outbound limit in its socket buffer:
 * frames are written only while the channel is writable (below the high water mark, half of
 * {@code gateway.max-outbound-bytes}), and once it is not, the push waits for
 * {@code channelWritabilityChanged} (below the low water mark, a quarter) — no polling. The rest
 * of the outbound limit stays free for live pushes written meanwhile. A push that waits longer than
 * {@code gateway.backlog-drain-timeout} for the client to read gets the connection closed (1008
 * {@code backlog not drained}, by the loop's sweep). Everything but {@link #encode} runs on the
 * connection's event loop; the push stops when the connection closes.
 */
final class PacedPush implements Connection.Paced {
    private final Connection connection;
    private final Channel channel;
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private Runnable then;
    private boolean waiting;

    private PacedPush(Connection connection) {
        this.connection = connection;
        this.channel = connection.channel();
    }

    /** Frames encoded from the first {@code count} notifications of a page. */
    record Batch(List<byte[]> frames, int count) {}

    /**
     * Encodes the page's notifications, oldest first, as {@code notification} frames until their
     * size reaches {@code capBytes} (always at least one). Runs on any thread.
     */
    static Batch encode(List<Notification> page, int capBytes) {
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

    /**
     * Makes a push the connection's one paced writer; on its loop. Null when one runs already (or
     * the connection closed).
     */
    static PacedPush claim(Connection c) {
        PacedPush push = new PacedPush(c);
        return c.beginPaced(push) ? push : null;
    }

    /** Writes {@code batch} in order, then runs {@code then} on the loop (not when the connection closed). */
    void write(List<byte[]> batch, Runnable then) {
        requireNonNull(then, "then");
        connection.onLoop(() -> {
            frames.addAll(batch);
            this.then = then;
            pump();
        });
    }

    /** The push is over: the connection may start another. Any thread. */
    void end() {
        connection.onLoop(() -> connection.endPaced(this));
    }

    /**
     * The channel became writable. This may happen inside {@link #pump}'s own flush (the socket
     * took everything at once), so the pump runs as a task of its own, once per wait.
     */
    @Override
    public void resume() {
        if (waiting) {
            waiting = false;
            channel.eventLoop().execute(this::pump);
        }
    }

    private void pump() {
        waiting = false;
        if (!channel.isActive()) {
            frames.clear();
            then = null;
            return;
        }
        boolean wrote = false;
        while (!frames.isEmpty()) {
            if (!channel.isWritable()) {
                // waiting before the flush: the flush itself may bring writability back
                waiting = true;
                connection.pacedWaiting(true);
                if (wrote) {
                    channel.flush();
                }
                return;
            }
            channel.write(WebSocketFraming.text(frames.poll()), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
        connection.pacedWaiting(false);
        Runnable next = then;
        then = null;
        next.run();
    }
}
