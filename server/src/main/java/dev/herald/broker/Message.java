package dev.herald.broker;

/**
 * What travels through a {@link Broker}. Frames are already encoded: a node encodes a fan-out frame
 * once and every receiving node writes the same bytes to all its local connections.
 */
public sealed interface Message {
    /**
     * An encoded frame to write to the target's connections. {@code excludeUserId} (0 = none) skips one user's connections
     * — on a channel topic, the Pusher connection whose socket number it is (see {@link Broker#publishToChannel});
     * {@code offset} is the channel offset of a publication, or -1.
     */
    record Push(String type, byte[] bytes, long excludeUserId, long offset) implements Message {
        public Push(String type, byte[] bytes) {
            this(type, bytes, 0, -1);
        }
    }

    /** Close the target's connections with this WebSocket close code and reason. */
    record Disconnect(int code, String reason) implements Message {}

    /** Bind the unbound connection {@code clientId} (on the receiving node) to {@code userId}. */
    record Bind(String clientId, long userId) implements Message {}
}
