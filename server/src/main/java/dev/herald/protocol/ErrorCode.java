package dev.herald.protocol;

/** The {@code data.code} values of {@code error} frames (SPEC §3). docs/protocol.md explains each. */
public enum ErrorCode {
    INVALID_JSON("invalid_json"),
    INVALID_FRAME("invalid_frame"),
    MISSING_FIELD("missing_field"),
    INVALID_FIELD("invalid_field"),
    UNKNOWN_TYPE("unknown_type"),
    BINARY_NOT_SUPPORTED("binary_not_supported"),
    FRAME_TOO_LARGE("frame_too_large"),
    RATE_LIMITED("rate_limited"),
    FORBIDDEN("forbidden"),
    UNAUTHENTICATED("unauthenticated"),
    TOO_MANY_CHANNELS("too_many_channels"),
    TOKEN_EXPIRED("token_expired"),
    TOKEN_INVALID("token_invalid"),
    UNKNOWN_RECIPIENT("unknown_recipient"),
    SENDER_QUOTA_EXCEEDED("sender_quota_exceeded"),
    RECIPIENT_QUOTA_EXCEEDED("recipient_quota_exceeded"),
    UNAVAILABLE("unavailable"),
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
