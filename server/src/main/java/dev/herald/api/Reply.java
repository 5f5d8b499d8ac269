package dev.herald.api;

import dev.herald.i18n.Language;
import dev.herald.i18n.Messages;
import dev.herald.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response body with its status and content type. JSON replies always use the envelope
 * {@code {"code": status, "message": text, "data": object|null}} with the HTTP status equal to
 * {@code code}. Messages are written in English; {@link #in(Language)} gives the reply in the
 * request's language, as the transport writes it. An error envelope (status 400 and up) is kept
 * unwritten until then, so that its message is chosen before the envelope is written: one
 * encoding per reply, in the language it goes out in ({@link #body()} writes it in English).
 */
public final class Reply {
    public static final String JSON = "application/json; charset=utf-8";

    /** An error envelope's parts, in English, until {@link #in} or {@link #body()} writes them. */
    private record Unwritten(String message, Object data) {}

    private final int status;
    private final String contentType;
    private final Unwritten unwritten;
    /** Null until an unwritten envelope's English body is asked for; then that body, kept. */
    private volatile byte[] body;

    public Reply(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = Objects.requireNonNull(contentType);
        this.body = Objects.requireNonNull(body);
        this.unwritten = null;
    }

    private Reply(int status, Unwritten unwritten) {
        this.status = status;
        this.contentType = JSON;
        this.unwritten = unwritten;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The body as written, in English for an error envelope not given a language ({@link #in}). */
    public byte[] body() {
        byte[] b = body;
        if (b == null) {
            b = write(status, unwritten.message(), unwritten.data());
            body = b; // a race writes the same bytes twice, never different ones
        }
        return b;
    }

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
     * This reply as it goes out: an error envelope is written now, on the caller's thread, its
     * {@code message} and the reasons in {@code data.errors} (a map of field
     * to reason, as {@link #error} makes) in {@code language} ({@link Messages}) — {@code code} and
     * field names never change, and an envelope without a message stays English. Success replies
     * and non-JSON bodies, written already, are returned as they are.
     */
    public Reply in(Language language) {
        if (unwritten == null) {
            return this;
        }
        if (language == Language.EN || unwritten.message() == null) {
            return new Reply(status, JSON, body());
        }
        return new Reply(status, JSON, write(status, Messages.localize(unwritten.message(), language),
                localizedErrors(unwritten.data(), language)));
    }

    /** {@code data} with the text values of its {@code errors} map in {@code language}; else {@code data} itself. */
    private static Object localizedErrors(Object data, Language language) {
        if (!(data instanceof Map<?, ?> map) || !(map.get("errors") instanceof Map<?, ?> errors)) {
            return data;
        }
        Map<Object, Object> reasons = new LinkedHashMap<>();
        errors.forEach((field, reason) -> reasons.put(field,
                reason instanceof String text ? Messages.localize(text, language) : reason));
        Map<Object, Object> out = new LinkedHashMap<>(map);
        out.put("errors", reasons);
        return out;
    }

    /**
     * The envelope; an error one (status 400 and up) is written by {@link #in} or {@link #body()},
     * in the language it goes out in, a success one now.
     */
    public static Reply envelope(int status, String message, Object data) {
        if (status >= 400) {
            return new Reply(status, new Unwritten(message, data));
        }
        return new Reply(status, JSON, write(status, message, data));
    }

    /** Written field by field (no map to build and look a serializer up for): every API call ends here. */
    private static byte[] write(int status, String message, Object data) {
        return Json.write(128, "an API reply", g -> {
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
        });
    }
}
