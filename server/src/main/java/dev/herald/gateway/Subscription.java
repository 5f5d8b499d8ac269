package dev.herald.gateway;

import dev.herald.broker.Message;
import java.util.ArrayDeque;

/**
 * One connection's subscription to one channel, held by the connection's loop shard. While the
 * subscription recovers history ({@link #recovering()}) live publications are parked, then
 * written after the history with duplicates (offset ≤ the last one written) dropped, so a resuming
 * client sees every offset once, in order. Loop-confined: every method runs on the connection's
 * event loop.
 */
final class Subscription {
    /** Member events kept for one presence subscription while its member list is read. */
    private static final int PENDING_MAX = 256;
    private final Connection connection;
    private final String channel;
    private int slot = -1;
    private long lastOffset;
    /** The epoch of the history {@code lastOffset} belongs to, once known (event-stream ids carry it). */
    private String epoch;
    private ArrayDeque<Message.Push> parked;

    /**
     * {@code since}: the offset a recovering subscription resumes after, or -1 for none;
     * {@code epoch}: the history's epoch the client named with it, or null.
     */
    Subscription(Connection connection, String channel, long since, String epoch) {
        this.connection = connection;
        this.channel = channel;
        this.epoch = epoch;
        this.lastOffset = Math.max(0, since);
        this.parked = since >= 0 ? new ArrayDeque<>(4) : null;
    }

    Connection connection() {
        return connection;
    }

    String channel() {
        return channel;
    }

    /** The last offset written to the client (or the channel's position when it joined). */
    long lastOffset() {
        return lastOffset;
    }

    String epoch() {
        return epoch;
    }

    /**
     * The subscribe's answer read the channel's position: the client has everything up to
     * {@code offset} of history {@code epoch} (what a WebSocket client reads from the ack).
     */
    void positioned(long offset, String epoch) {
        this.lastOffset = Math.max(lastOffset, offset);
        this.epoch = epoch;
    }

    /** Its place in its shard's subscriber list, or -1 when it is in none. */
    int slot() {
        return slot;
    }

    void slot(int slot) {
        this.slot = slot;
    }

    /** Whether it still waits for its history: live publications are parked meanwhile. */
    boolean recovering() {
        return parked != null;
    }

    /**
     * A live publication of its channel: parked while recovering, else written unless the client
     * has it already. Returns whether it was written (a duplicate of {@code shared} is).
     */
    boolean publish(Message.Push frame, SharedFrame shared) {
        if (parked != null) {
            parked.add(frame);
            return false;
        }
        if (frame.offset() >= 0 && frame.offset() <= lastOffset) {
            return false;
        }
        PusherSession pusher = connection.pusher();
        if (pusher != null && frame.offset() < 0 && frame.type().startsWith("pusher_internal:member_")) {
            // told once per user, whatever raced the member list (see PusherSession#memberEvent)
            SharedFrame.MemberEvent member = shared.memberEvent();
            if (member == null || !pusher.memberEvent(channel, member.added(), member.user(), frame.bytes(), PENDING_MAX)) {
                return false;
            }
            connection.writeChannel(shared.copyFor(connection.framing()));
            return true;
        }
        if (frame.excludeUserId() != 0 && frame.excludeUserId() == connection.socketNumber()) {
            lastOffset = Math.max(lastOffset, frame.offset());
            return false; // a Pusher client event's sender, or a trigger's socket_id
        }
        lastOffset = Math.max(lastOffset, frame.offset());
        connection.writeChannel(shared.copyFor(connection.framing()));
        return true;
    }

    /** Writes a frame of this subscription only (history replay), unless the client has it already. */
    void replay(long offset, byte[] frame) {
        if (offset > lastOffset) {
            lastOffset = offset;
            connection.sendChannel(frame);
        }
    }

    /** The history did not reach back to where the client was: every offset from here on is new to it. */
    void restartOffsets() {
        lastOffset = 0;
        epoch = null;
    }

    /** The history has been replayed: writes the parked publications (without duplicates), then goes live. */
    void endRecovery() {
        if (parked != null) {
            for (Message.Push p : parked) {
                replay(p.offset(), p.bytes());
            }
            parked = null;
        }
    }

    /** Unsubscribed, or its connection closed: nothing parked is written any more. */
    void cancel() {
        parked = null;
    }
}
