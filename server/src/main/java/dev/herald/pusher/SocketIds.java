package dev.herald.pusher;

/**
 * Pusher {@code socket_id}s as this server hands them out: {@code "a.b"}, two positive numbers below
 * 2^31. {@link #number} packs one into a long ({@code a << 31 | b}, never 0), which is what a channel
 * publication carries to skip that connection (a client event's sender, a trigger's
 * {@code socket_id}) on whichever node it is.
 */
public final class SocketIds {
    private SocketIds() {}

    /** The number {@code socketId} stands for, or 0 for text that is not a socket id. */
    public static long number(String socketId) {
        if (socketId == null || !socketId.matches("\\d{1,10}\\.\\d{1,10}")) {
            return 0;
        }
        int dot = socketId.indexOf('.');
        long a = Long.parseLong(socketId.substring(0, dot));
        long b = Long.parseLong(socketId.substring(dot + 1));
        return a > Integer.MAX_VALUE || b > Integer.MAX_VALUE ? 0 : a << 31 | b;
    }
}
