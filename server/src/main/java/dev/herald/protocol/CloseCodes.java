package dev.herald.protocol;

/**
 * WebSocket close codes Herald sends (docs/protocol.md). 4001 asks clients not to reconnect by
 * themselves; the other codes are safe to reconnect after (with backoff).
 */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int POLICY = 1008;
    public static final int TOO_BIG = 1009;
    public static final int INTERNAL = 1011;
    public static final int RESTART = 1012;
    public static final int KICKED = 4001;
    public static final int TOKEN_EXPIRED = 4002;

    private CloseCodes() {}
}
