package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.protocol.Values;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields of a JSON request body, collecting every problem instead of stopping at the
 * first; {@link #validate()} then answers 422 naming each bad field. Getters return a harmless
 * placeholder for a bad field, so handler code stays a straight line.
 */
public final class JsonBody {
    private final ObjectNode root;
    private final Map<String, String> errors = new LinkedHashMap<>();

    JsonBody(ObjectNode root) {
        this.root = root;
    }

    public ObjectNode root() {
        return root;
    }

    public boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    public void error(String field, String reason) {
        errors.putIfAbsent(field, reason);
    }

    /** Throws 422 with every collected field error, if any. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw new ApiException(422, "validation failed", errors);
        }
    }

    /** A required user id (or other id): positive and at most {@link Values#MAX_ID}. */
    public long positiveId(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            error(field, "is required");
            return 0;
        }
        return positive(field, n);
    }

    /** An optional positive id, 0 when absent. */
    public long optionalPositiveId(String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? 0 : positive(field, n);
    }

    private long positive(String field, JsonNode n) {
        long id = Values.id(n);
        if (id < 0) {
            error(field, Values.ID_RULE);
            return 0;
        }
        return id;
    }

    /**
     * An array of ids (each as {@link #positiveId}), de-duplicated in order. Absent counts as empty
     * when {@code required} is false.
     */
    public long[] ids(String field, int max, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                error(field, "is required");
            }
            return new long[0];
        }
        if (!n.isArray()) {
            error(field, "must be an array of positive integers");
            return new long[0];
        }
        if (n.size() > max) {
            error(field, "may hold at most " + max + " entries, got " + n.size());
            return new long[0];
        }
        if (required && n.isEmpty()) {
            error(field, "must not be empty");
            return new long[0];
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Values.id(n.get(i));
            if (out[i] < 0) {
                error(field, "entry " + i + " " + Values.ID_RULE);
                return new long[0];
            }
        }
        return Arrays.stream(out).distinct().toArray();
    }

    /**
     * A string of 1..maxLength characters without NUL (no database stores it alike); null when
     * absent and not required.
     */
    public String string(String field, int maxLength, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                error(field, "is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            error(field, "must be a string");
            return null;
        }
        String s = n.asText();
        if (required && s.isBlank()) {
            error(field, "must not be empty");
            return null;
        }
        if (s.length() > maxLength) {
            error(field, "must be at most " + maxLength + " characters");
            return null;
        }
        if (Values.hasNul(s)) {
            error(field, Values.NUL_RULE);
            return null;
        }
        return s;
    }

    /** An optional JSON object (null when absent) with no NUL in any of its strings or field names. */
    public ObjectNode object(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            error(field, "must be a JSON object");
            return null;
        }
        if (Values.hasNul(n)) {
            error(field, Values.NUL_RULE);
            return null;
        }
        return (ObjectNode) n;
    }

    /** Any JSON value (null when absent); for publisher payloads. */
    public JsonNode value(String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n;
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            error(field, "must be true or false");
            return fallback;
        }
        return n.asBoolean();
    }
}
