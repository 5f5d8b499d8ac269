package dev.herald.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * A decoded client frame {@code {"type": "...", "data": {...}, "id": "..."}}. {@code data} is never
 * null (an absent one is empty); {@code id} is null when the client sent none. Field accessors throw
 * {@link ProtocolException} naming the field, so handlers read like the SPEC table.
 */
public record InboundFrame(String type, ObjectNode data, String id) {
    private static final int MAX_ID_LENGTH = 128;

    /**
     * Parses one text frame. Throws with {@code id} recovered when possible, so even a bad frame's
     * error reply can carry the client's id.
     */
    public static InboundFrame decode(String text) throws FrameException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            // the reply still carries the id when a streaming read finds it before the fault (a frame
            // nested too deep or with a duplicate field is JSON the tree parser refuses, not garbage)
            throw new FrameException(peekId(text), new ProtocolException(ErrorCode.INVALID_JSON, "the frame is not valid JSON"));
        }
        if (root == null || !root.isObject()) {
            throw new FrameException(null, new ProtocolException(ErrorCode.INVALID_FRAME,
                    "a frame must be a JSON object {\"type\": ..., \"data\": {...}}"));
        }
        String id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().length() > MAX_ID_LENGTH) {
                throw new FrameException(null, new ProtocolException(ErrorCode.INVALID_FIELD,
                        "id must be a string or integer of at most " + MAX_ID_LENGTH + " characters"));
            }
            id = idNode.asText();
        }
        JsonNode type = root.get("type");
        if (type == null || type.isNull()) {
            throw new FrameException(id, new ProtocolException(ErrorCode.MISSING_FIELD, "type is required"));
        }
        if (!type.isTextual()) {
            throw new FrameException(id, new ProtocolException(ErrorCode.INVALID_FIELD, "type must be a string"));
        }
        JsonNode data = root.get("data");
        ObjectNode dataObject;
        if (data == null || data.isNull()) {
            dataObject = JsonNodeFactory.instance.objectNode();
        } else if (data.isObject()) {
            dataObject = (ObjectNode) data;
        } else {
            throw new FrameException(id, new ProtocolException(ErrorCode.INVALID_FIELD, "data must be a JSON object"));
        }
        return new InboundFrame(type.asText(), dataObject, id);
    }

    /**
     * The top-level {@code id} of a frame that is refused without being decoded (over the rate or
     * size limit), so even that refusal can carry it; null when there is none or the text is not a
     * JSON object. Streams over the fields without building a tree, and never throws.
     */
    public static String peekId(String text) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("id".equals(name)) {
                    boolean usable = (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)
                            && p.getText().length() <= MAX_ID_LENGTH;
                    return usable ? p.getText() : null;
                }
                p.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** A required id: positive and at most {@link Values#MAX_ID}. */
    public long requirePositiveLong(String field) throws ProtocolException {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, field + " is required");
        }
        long id = Values.id(node);
        if (id < 0) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " " + Values.ID_RULE);
        }
        return id;
    }

    /** An optional integer from 0 to {@link Values#MAX_ID} (an id or an offset), or -1 when absent. */
    public long optionalNonNegativeLong(String field) throws ProtocolException {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return -1;
        }
        if (Values.integer(node) < 0 || node.asLong() > Values.MAX_ID) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD,
                    field + " must be a non-negative integer no larger than " + Values.MAX_ID);
        }
        return node.asLong();
    }

    public String requireString(String field, int maxLength) throws ProtocolException {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, field + " is required");
        }
        if (!node.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " must be a string");
        }
        String value = node.asText();
        if (value.isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " must not be empty");
        }
        if (value.length() > maxLength) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " must be at most " + maxLength + " characters");
        }
        if (Values.hasNul(value)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " " + Values.NUL_RULE);
        }
        return value;
    }

    /** A required array of ids (each as {@link #requirePositiveLong}), without duplicates, at most {@code max} entries. */
    public long[] requireIdArray(String field, int max) throws ProtocolException {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, field + " is required");
        }
        if (!node.isArray()) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " must be an array of positive integers");
        }
        if (node.size() > max) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, field + " may hold at most " + max + " entries");
        }
        long[] ids = new long[node.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Values.id(node.get(i));
            if (ids[i] < 0) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, field + "[" + i + "] " + Values.ID_RULE);
            }
        }
        return Arrays.stream(ids).distinct().toArray();
    }

    /** Wraps a decode failure with the id of the frame when it could be read. */
    public static final class FrameException extends Exception {
        private final String id;
        private final ProtocolException error;

        FrameException(String id, ProtocolException error) {
            super(error.getMessage(), null, false, false);
            this.id = id;
            this.error = error;
        }

        public String id() {
            return id;
        }

        public ProtocolException error() {
            return error;
        }
    }
}
