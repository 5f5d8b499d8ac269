package dev.herald.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.protocol.Json;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response body with its status and content type. JSON replies always use the envelope
 * {@code {"code": status, "message": text, "data": object|null}} with the HTTP status equal to
 * {@code code}.
 */
public record Reply(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json; charset=utf-8";

    public static Reply ok(Object data) {
        return envelope(200, "success", data);
    }

    public static Reply error(ApiException e) {
        Map<String, Object> data = null;
        if (!e.errors().isEmpty()) {
            data = new LinkedHashMap<>();
            data.put("errors", e.errors());
        }
        return envelope(e.status(), e.getMessage(), data);
    }

    public static Reply envelope(int status, String message, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("message", message);
        body.put("data", data);
        try {
            return new Reply(status, JSON, Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
