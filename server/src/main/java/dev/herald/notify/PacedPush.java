package dev.herald.notify;

import static java.util.Objects.requireNonNull;

import dev.herald.gateway.Connection;
import dev.herald.gateway.WireFrames;
import dev.herald.protocol.Frames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes a user's backlog (the push on connect, a {@code sync}) to one connection no faster than
 * the client reads it, then runs a last step (the {@code unread_count} push, the {@code sync}
 * reply).
 *
 * <p>Invariant: the backlog alone never fills more than half of the connection's outbound buffer
 * (the high water mark, {@code gateway.max-outbound-bytes}); a frame is written only while the
 * bytes waiting to go out plus that frame stay within half of it (or nothing is waiting at all,
 * so one frame larger than that still goes). Otherwise the push waits until its own last frame
 * has reached the socket, or polls every {@value #POLL_MILLIS} ms when other writes fill the
 * buffer. A backlog of any size therefore reaches a client that reads, without tripping the
 * slow-consumer close, and leaves room for live pushes written meanwhile. Frames are encoded one
 * at a time as they are written. Runs on the connection's event loop; stops when the connection
 * closes.
 */
final class PacedPush {
    static final long POLL_MILLIS = 10;

    private final Channel channel;
    private final Iterator<Notification> rest;
    private final Runnable then;
    private byte[] next;
    private ChannelFuture lastWrite;

    private PacedPush(Channel channel, List<Notification> backlog, Runnable then) {
        this.channel = channel;
        this.rest = backlog.iterator();
        this.then = then;
    }

    /** Pushes {@code backlog} in order as {@code notification} frames, then runs {@code then}. */
    static void start(Connection c, List<Notification> backlog, Runnable then) {
        requireNonNull(then, "then");
        PacedPush push = new PacedPush(c.channel(), requireNonNull(backlog, "backlog"), then);
        c.onLoop(push::pump);
    }

    private void pump() {
        long high = channel.config().getWriteBufferHighWaterMark();
        long budget = high / 2;
        while (next != null || rest.hasNext()) {
            if (!channel.isActive()) {
                return;
            }
            if (next == null) {
                next = Frames.push("notification", NotificationJson.of(rest.next()));
            }
            // Netty: bytesBeforeUnwritable = high - pending + 1 while writable, 0 once not
            long waiting = Math.max(0, high + 1 - channel.bytesBeforeUnwritable());
            if (waiting > 0 && waiting + next.length > budget) {
                waitForDrain();
                return;
            }
            lastWrite = channel.writeAndFlush(WireFrames.text(next));
            next = null;
        }
        if (channel.isActive()) {
            then.run();
        }
    }

    private void waitForDrain() {
        if (lastWrite != null && !lastWrite.isDone()) {
            lastWrite.addListener(f -> channel.eventLoop().execute(this::pump));
        } else {
            channel.eventLoop().schedule(this::pump, POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
