package dev.herald.gateway;

import dev.herald.auth.Principal;
import dev.herald.i18n.Language;
import dev.herald.i18n.Messages;
import dev.herald.protocol.CloseCodes;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.OutboundFrames;
import dev.herald.pusher.PusherFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client connection — a WebSocket ({@code /ws}) or an event stream ({@code /sse}), told apart
 * only by its {@link Framing} — and the one place its state changes: every change has a method here
 * that names it (its fields are private). Fields marked loop-confined are only touched on the
 * channel's event loop; {@code principal} is read from any thread. Sends may come from any thread: Netty hands them
 * to the loop. A connection whose unsent output passes {@code gateway.max-outbound-bytes} is closed
 * as a slow consumer instead of buffering without bound. The channel's write-buffer water marks are
 * a half and a quarter of that limit: they pace the one {@link Paced} writer a connection may have
 * (the inbox's backlog push), which writes only while the channel is writable and so never takes
 * more than half of the limit, leaving the rest for live pushes.
 */
public final class Connection {
    private static final long FORCE_CLOSE_MILLIS = 2000;
    /** How often the loop's sweep runs ({@link LocalConnections}). */
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Channel channel;
    /** The language of Herald's own messages on this connection: the upgrade request's Accept-Language. */
    private final Language language;
    private final Framing framing;
    private final String clientId;
    private final long connectedNanos;
    private final int outboundLimit;
    private final LoopShard shard;
    private final RateLimiter rateLimiter;
    private volatile Principal principal;
    private volatile String closeReason;
    /** Set when {@code init} is written: frames before it are dropped, so init is always first. */
    private volatile boolean started;

    // loop-confined
    private int slot = -1;
    private long lastSeenNanos;
    private long lastPingNanos;
    private Map<String, Subscription> subscriptions;
    private Paced paced;
    /** The Pusher protocol's state of a {@link Framing#PUSHER} connection, else null; set once, on open. */
    private PusherSession pusher;
    /** Whether the paced writer waits for the client to read, and since when (the shard's ticker). */
    private boolean pacedWaiting;
    private long pacedWaitingSince;

    /**
     * A writer that sends more than a socket buffer holds (the inbox's backlog push): it writes
     * while the channel is writable and, once it is not, waits for {@link #resume}. A connection
     * runs at most one at a time ({@link #beginPaced}).
     */
    interface Paced {
        /** Called on the connection's loop when the channel became writable again. */
        void resume();
    }

    Connection(Channel channel, Framing framing, String clientId, Principal principal, LoopShard shard,
               RateLimiter rateLimiter, long nowNanos, int outboundLimit) {
        this.channel = channel;
        Language asked = channel.attr(Language.CHANNEL_KEY).get();
        this.language = asked == null ? Language.EN : asked;
        this.framing = framing;
        this.outboundLimit = outboundLimit;
        this.clientId = clientId;
        this.principal = principal;
        this.shard = shard;
        this.rateLimiter = rateLimiter;
        this.connectedNanos = nowNanos;
        this.lastSeenNanos = nowNanos;
        this.lastPingNanos = nowNanos;
    }

    String clientId() {
        return clientId;
    }

    /** How its frames go on the wire: WebSocket frames or Server-Sent Events. */
    Framing framing() {
        return framing;
    }

    /** The Pusher protocol's state, or null for a Herald connection. */
    PusherSession pusher() {
        return pusher;
    }

    void pusher(PusherSession session) {
        this.pusher = session;
    }

    /** Its Pusher socket number (see {@link PusherSession#number}), or 0 for a Herald connection. */
    long socketNumber() {
        PusherSession p = pusher;
        return p == null ? 0 : p.number();
    }

    /** Null until the connection is bound (bind flow); afterwards the current token's principal. */
    Principal principal() {
        return principal;
    }

    /** The bound user's id, or 0 for an unbound connection. */
    long userId() {
        Principal p = principal;
        return p == null ? 0 : p.userId();
    }

    boolean bound() {
        return principal != null;
    }

    /** The bind flow bound this unbound connection to a user; on its loop. */
    void bindTo(Principal p) {
        this.principal = p;
    }

    /** The client refreshed its token (same user); on its loop. */
    void refreshed(Principal p) {
        this.principal = p;
    }

    long connectedNanos() {
        return connectedNanos;
    }

    LoopShard shard() {
        return shard;
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** Whether it is registered in its loop shard: opened and not closed yet. Loop-confined. */
    boolean registered() {
        return slot >= 0;
    }

    /** Its place in its loop shard's array, or -1 when it is not (or no longer) registered. */
    int slot() {
        return slot;
    }

    /** Set by the loop shard when it places, moves (-1: removes) the connection. */
    void slot(int slot) {
        this.slot = slot;
    }

    /** A frame (or pong) came in: the client is alive. */
    void seen(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    /**
     * Whether nothing came in for longer than {@code idleNanos}. Never for an event stream: its
     * client sends nothing after the request; a dead one is found by the heartbeat writes (a reset,
     * or the outbound limit once unread heartbeats pile up).
     */
    boolean idleLongerThan(long idleNanos, long nowNanos) {
        return framing.clientSpeaks() && nowNanos - lastSeenNanos > idleNanos;
    }

    /**
     * Writes the heartbeat (a WebSocket ping, an event-stream comment) when the last one is
     * {@code intervalNanos} old (skipped, not queued, while the channel is not writable).
     */
    void pingIfDue(long intervalNanos, long nowNanos) {
        // an event stream's comment comes a sweep (a second) early, so no gap between two exceeds
        // the interval: proxies and the stream's contract count on that bound
        long due = framing.clientSpeaks() ? intervalNanos : Math.max(intervalNanos / 2, intervalNanos - SWEEP_NANOS);
        if (nowNanos - lastPingNanos >= due) {
            lastPingNanos = nowNanos;
            if (channel.isWritable()) {
                channel.writeAndFlush(framing.heartbeat(), channel.voidPromise());
            }
        }
    }

    /** Whether the paced writer has waited longer than {@code drainNanos} for the client to read. */
    boolean pacedStalledLongerThan(long drainNanos, long nowNanos) {
        return pacedWaiting && nowNanos - pacedWaitingSince > drainNanos;
    }

    Channel channel() {
        return channel;
    }

    private boolean inLoop() {
        return channel.eventLoop().inEventLoop();
    }

    /** Runs {@code task} on this connection's event loop (now, when already there). */
    void onLoop(Runnable task) {
        if (inLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    int subscriptionCount() {
        return subscriptions == null ? 0 : subscriptions.size();
    }

    /** Its subscription to {@code channel}, or null. */
    Subscription subscription(String channel) {
        return subscriptions == null ? null : subscriptions.get(channel);
    }

    /** The channels it subscribes to (a copy). */
    List<String> channels() {
        return subscriptions == null ? List.of() : List.copyOf(subscriptions.keySet());
    }

    void addSubscription(Subscription s) {
        if (subscriptions == null) {
            subscriptions = new HashMap<>(4);
        }
        subscriptions.put(s.channel(), s);
    }

    /** Removes and returns its subscription to {@code channel}, or null when there was none. */
    Subscription removeSubscription(String channel) {
        return subscriptions == null ? null : subscriptions.remove(channel);
    }

    /** Removes and returns all its subscriptions (the connection closed). */
    Collection<Subscription> removeSubscriptions() {
        Collection<Subscription> all = subscriptions == null ? List.of() : subscriptions.values();
        subscriptions = null;
        return all;
    }

    /** Sends one encoded frame to this connection only. */
    void send(byte[] frame) {
        write(framing.frame(frame));
    }

    /**
     * Sends a frame about one of its channels (a replayed publication, a subscribe's ack): on an
     * event stream it carries the id that records every channel's position (Last-Event-ID).
     */
    void sendChannel(byte[] frame) {
        writeChannel(framing.frame(frame));
    }

    /** {@link #write} for a channel publication built for this connection's framing (see {@link #sendChannel}). */
    void writeChannel(ByteBuf wire) {
        if (framing != Framing.EVENT_STREAM || !started || subscriptions == null) {
            write(wire);
            return;
        }
        ByteBuf id = EventStreamFraming.id(EventStreamCursor.encode(subscriptions.values()));
        write(Unpooled.wrappedBuffer(id, wire));
    }

    /** Sends bytes that are already in this connection's protocol (a Pusher message), as one text frame. */
    void sendText(byte[] message) {
        write(WebSocketFraming.text(message));
    }

    /** {@link #start} with a first frame already in the connection's protocol ({@code pusher:connection_established}). */
    void startText(byte[] first) {
        started = true;
        sendText(first);
    }

    void sendError(String id, ErrorCode code, String message) {
        send(OutboundFrames.error(id, code, Messages.localize(message, language)));
    }

    /**
     * Writes the connection's first frame, {@code init}; from now on it takes every frame. Until
     * then pushes are dropped: they were published before the client was told it is connected.
     */
    void start(byte[] init) {
        started = true;
        send(init);
    }

    /**
     * Writes a whole frame as built by its {@link Framing} (ownership passes here) unless the client is
     * not reading, in which case the connection is closed with 1008 {@code slow consumer}.
     */
    void write(ByteBuf wireFrame) {
        if (!started || !channel.isActive()) {
            wireFrame.release();
            return;
        }
        if (overOutboundLimit()) {
            wireFrame.release();
            closeNow(CloseCodes.POLICY, "slow consumer");
            return;
        }
        channel.writeAndFlush(wireFrame, channel.voidPromise());
    }

    /**
     * Whether the output waiting to be sent is over {@code gateway.max-outbound-bytes}. Below the
     * high water mark (half of it) the channel is writable; above, Netty tells how far it is from
     * the low water mark, which gives the exact amount waiting.
     */
    boolean overOutboundLimit() {
        if (channel.isWritable()) {
            return false;
        }
        long pending = channel.bytesBeforeWritable() + channel.config().getWriteBufferLowWaterMark() - 1;
        return pending > outboundLimit;
    }

    /**
     * Makes {@code p} this connection's paced writer; on its loop. False when another one runs (or
     * the connection has closed): a connection never runs two.
     */
    boolean beginPaced(Paced p) {
        if (paced != null || !registered() || !channel.isActive()) {
            return false;
        }
        paced = p;
        return true;
    }

    /** {@code p} has finished (or given up); on the connection's loop. */
    void endPaced(Paced p) {
        if (paced == p) {
            paced = null;
            pacedWaiting = false;
        }
    }

    /**
     * The paced writer waits for the client to read ({@code true}) or goes on ({@code false}); on
     * the loop. A writer that waits longer than {@code gateway.backlog-drain-timeout} gets the
     * connection closed by the loop's sweep (1008 {@code backlog not drained}).
     */
    void pacedWaiting(boolean waiting) {
        pacedWaiting = waiting;
        pacedWaitingSince = shard.nanos();
    }

    /** The channel became writable again; on the loop. */
    void writable() {
        if (paced != null) {
            paced.resume();
        }
    }

    /**
     * Closes with a close frame and waits for the client's answering close frame (the closing
     * handshake, RFC 6455 §7) before dropping the TCP connection, or FORCE_CLOSE_MILLIS at most.
     * Closing the socket at once makes browsers report 1006 instead of {@code code}. An event
     * stream gets a {@code close} event and ends once it is written.
     */
    void close(int code, String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        if (!channel.isActive()) {
            return;
        }
        farewell(code, reason);
        if (!framing.clientSpeaks()) {
            channel.writeAndFlush(framing.closing(code, reason)).addListener(f -> channel.close());
        } else {
            channel.writeAndFlush(framing.closing(code, reason), channel.voidPromise());
        }
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, FORCE_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes without waiting for the client: the close frame is written and the link closed as soon
     * as the frames before it are out — at once when the outbound buffer is full (a client that
     * does not read gets nothing more anyway), else when the socket took them, at most
     * {@code FORCE_CLOSE_MILLIS} later. (Closing right after the write lost the last frames on
     * io_uring, whose writes complete asynchronously; epoll had written them during the flush.)
     */
    void closeNow(int code, String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        farewell(code, reason);
        if (!channel.isWritable()) {
            channel.writeAndFlush(framing.closing(code, reason), channel.voidPromise());
            channel.close();
            return;
        }
        channel.writeAndFlush(framing.closing(code, reason)).addListener(f -> channel.close());
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, FORCE_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A Pusher client is told why in a {@code pusher:error} before the close frame, as Pusher does. */
    private void farewell(int code, String reason) {
        if (framing == Framing.PUSHER && channel.isActive()) {
            channel.write(WebSocketFraming.text(PusherFrames.error(Framing.pusherCloseCode(code, reason), reason)),
                    channel.voidPromise());
        }
    }

    /** Why the server closed this connection, or null when the client or the network did. */
    String closeReason() {
        return closeReason;
    }

    @Override
    public String toString() {
        return "conn=" + clientId + " user=" + userId();
    }
}
