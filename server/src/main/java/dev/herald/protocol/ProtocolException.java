package dev.herald.protocol;

/** A client frame that cannot be handled; answered with an {@code error} frame, the connection stays open. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
