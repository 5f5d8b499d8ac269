package dev.herald.gateway;

import io.netty.buffer.ByteBuf;

/**
 * One pushed frame built on the wire once per transport that has recipients on this node, and
 * written to each of them as a retained duplicate (no copy per connection). A transport nobody was
 * expected on gets its bytes built for the connection that turns up after all. Reference counted
 * like the buffers it holds: {@link #retain} before handing it to more tasks, {@link #release} once
 * each is done.
 */
final class SharedFrame {
    private static final Framing[] FRAMINGS = Framing.values();
    private final byte[] payload;
    /** The built bytes per {@link Framing} ordinal, or null where no connection was expected. */
    private final ByteBuf[] built;

    private SharedFrame(byte[] payload, ByteBuf[] built) {
        this.payload = payload;
        this.built = built;
    }

    /** Builds {@code payload} for the transports that have connections ({@code eventStreams}: any /sse ones). */
    static SharedFrame of(byte[] payload, boolean websockets, boolean eventStreams) {
        return of(payload, websockets, eventStreams, false);
    }

    /** As {@link #of(byte[], boolean, boolean)}, {@code pusher}: any Pusher-protocol connections. */
    static SharedFrame of(byte[] payload, boolean websockets, boolean eventStreams, boolean pusher) {
        ByteBuf[] built = new ByteBuf[FRAMINGS.length];
        boolean[] wanted = {websockets, eventStreams, pusher};
        for (Framing f : FRAMINGS) {
            if (wanted[f.ordinal()]) {
                built[f.ordinal()] = f.frame(payload);
            }
        }
        return new SharedFrame(payload, built);
    }

    /** What a Pusher {@code pusher_internal:member_added/removed} frame says: added or removed, and whom. */
    record MemberEvent(boolean added, String user) {}

    private static final MemberEvent NOT_A_MEMBER_EVENT = new MemberEvent(false, null);
    /** Read on first use and then kept for every recipient (a benign race: two loops may both read it). */
    private volatile MemberEvent memberEvent;

    /**
     * The member event this frame carries, parsed once for all of its recipients (each Pusher
     * subscriber of a presence channel asks), or null when it is not one.
     */
    MemberEvent memberEvent() {
        MemberEvent m = memberEvent;
        if (m == null) {
            Boolean added = PusherHandlers.memberEventKind(payload);
            String user = added == null ? null : PusherHandlers.memberEventUser(payload);
            m = user == null ? NOT_A_MEMBER_EVENT : new MemberEvent(added, user);
            memberEvent = m;
        }
        return m == NOT_A_MEMBER_EVENT ? null : m;
    }

    /** The bytes for a connection of {@code framing}; the caller owns the returned buffer. */
    ByteBuf copyFor(Framing framing) {
        ByteBuf b = built[framing.ordinal()];
        return b != null ? b.retainedDuplicate() : framing.frame(payload);
    }

    void retain(int n) {
        for (ByteBuf b : built) {
            if (b != null) {
                b.retain(n);
            }
        }
    }

    void release() {
        for (ByteBuf b : built) {
            if (b != null) {
                b.release();
            }
        }
    }
}
