package dev.herald.auth;

/** A token that cannot be accepted; {@code code} is the SPEC error code sent to the client. */
public final class TokenException extends Exception {
    private final String code;

    public TokenException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
