package dev.herald.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.i18n.Language;
import dev.herald.i18n.Messages;
import java.io.IOException;
import dev.herald.protocol.Json;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response body with its status and content type. JSON replies always use the envelope
 * {@code {"code": status, "message": text, "data": object|null}} with the HTTP status equal to
 * {@code code}. Messages are written in English; {@link #in(Language)} gives the reply in the
 * request's language, as the transport writes it.
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

    /**
     * This reply with its error {@code message} and the reasons in {@code data.errors} in
     * {@code language} ({@link Messages}); {@code code} and field names never change. Success replies,
     * non-JSON bodies and English are returned as they are.
     */
    public Reply in(Language language) {
        if (language == Language.EN || status < 400 || !JSON.equals(contentType)) {
            return this;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (!(root instanceof ObjectNode envelope) || !envelope.path("message").isTextual()) {
                return this;
            }
            envelope.put("message", Messages.localize(envelope.get("message").asText(), language));
            if (envelope.path("data").path("errors") instanceof ObjectNode errors) {
                errors.properties().forEach(e -> {
                    if (e.getValue().isTextual()) {
                        e.setValue(errors.textNode(Messages.localize(e.getValue().asText(), language)));
                    }
                });
            }
            return new Reply(status, contentType, Json.MAPPER.writeValueAsBytes(envelope));
        } catch (IOException e) {
            return this;
        }
    }

    /** Written field by field (no map to build and look a serializer up for): every API call ends here. */
    public static Reply envelope(int status, String message, Object data) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(128);
             JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("code", status);
            g.writeStringField("message", message);
            g.writeFieldName("data");
            if (data == null) {
                g.writeNull();
            } else {
                Json.MAPPER.writeValue(g, data);
            }
            g.writeEndObject();
            g.flush();
            return new Reply(status, JSON, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
