package dev.herald.gateway;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Writes encoded frames to one connection no faster than the client reads them, a batch at a
 * time, running a step after each batch (whoever pushes decides what comes next: another batch,
 * a reply). It knows nothing of what the frames hold; the inbox's backlog push ({@link
 * InboxHandlers}) is its user.
 *
 * <p>Bounds: a connection runs one paced push at a time ({@link #claim}: a second one is refused,
 * and the caller answers without starting another). The caller keeps each batch bounded in bytes;
 * beyond it at most half of the connection's outbound limit sits in its socket buffer: frames are
 * written only while the channel is writable (below the high water mark, half of
 * {@code gateway.max-outbound-bytes}), and once it is not, the push waits for
 * {@code channelWritabilityChanged} (below the low water mark, a quarter) — no polling. The rest
 * of the outbound limit stays free for live pushes written meanwhile. A push that waits longer than
 * {@code gateway.backlog-drain-timeout} for the client to read gets the connection closed (1008
 * {@code backlog not drained}, by the loop's sweep). Everything runs on the connection's event
 * loop ({@link #write} and {@link #end} hop onto it); the push stops when the connection closes.
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
            channel.write(connection.framing().frame(frames.poll()), channel.voidPromise());
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
