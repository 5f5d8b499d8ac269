package dev.herald.api;

import java.util.Map;

/**
 * An HTTP API failure with its status; answered as {@code {code, message, data}}. Validation
 * failures carry {@code errors} (field → reason), sent as {@code data.errors}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, String> errors;

    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    public ApiException(int status, String message, Map<String, String> errors) {
        super(message, null, false, false);
        this.status = status;
        this.errors = Map.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public Map<String, String> errors() {
        return errors;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, what + " not found");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
