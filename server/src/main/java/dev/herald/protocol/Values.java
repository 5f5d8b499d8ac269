package dev.herald.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;

/**
 * The bounds every value from outside is held to, wherever it enters (HTTP body, query parameter,
 * WebSocket frame, token): ids a JavaScript client can hold, text without NUL characters, and
 * dates every supported database can store. docs/api.md lists them.
 */
public final class Values {
    /** 2^53 − 1, JavaScript's {@code Number.MAX_SAFE_INTEGER}: larger ids would be rounded by browsers. */
    public static final long MAX_ID = 9_007_199_254_740_991L;
    /** The reason given for an id out of range. */
    public static final String ID_RULE = "must be a positive integer no larger than " + MAX_ID;
    /** The reason given for text with a NUL character. */
    public static final String NUL_RULE = "must not contain the NUL character (U+0000)";
    /** The first and last day a date filter may name (MariaDB's DATETIME ends at 9999-12-31, and an end day is exclusive of the next). */
    public static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);
    public static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 30);
    public static final String DAY_RULE = "must be a date from " + FIRST_DAY + " to " + LAST_DAY
            + " like 2024-01-31, or an ISO-8601 time like 2024-01-31T10:00:00+08:00";

    private Values() {}

    /** Whether {@code id} is a positive id within {@link #MAX_ID}. */
    public static boolean isId(long id) {
        return id > 0 && id <= MAX_ID;
    }

    /**
     * A JSON integer that is a valid id, or -1. Only integer tokens count: the parser reads {@code 1.0}
     * or {@code 9007199254740993.0} as a double, already rounded, so an id written with a fraction or
     * exponent could name a different user than the client wrote.
     */
    public static long id(JsonNode n) {
        long v = integer(n);
        return isId(v) ? v : -1;
    }

    /** A JSON integer token that fits a non-negative long, or -1 (also for fractions and exponents). */
    public static long integer(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0 ? n.asLong() : -1;
    }

    /** An id written as decimal text (a query or path parameter), or -1. */
    public static long id(String text) {
        if (text == null || text.isEmpty() || text.length() > 16 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long v = Long.parseLong(text);
        return isId(v) ? v : -1;
    }

    public static boolean hasNul(String s) {
        return s != null && s.indexOf('\u0000') >= 0;
    }

    /** Whether any string or field name anywhere in {@code n} holds a NUL character. */
    public static boolean hasNul(JsonNode n) {
        if (n == null) {
            return false;
        }
        if (n.isTextual()) {
            return hasNul(n.textValue());
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (hasNul(e.getKey()) || hasNul(e.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (n.isArray()) {
            for (JsonNode element : n) {
                if (hasNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A UTC day from {@code 2024-01-31}, or from an ISO-8601 time with offset (its UTC day), within
     * {@link #FIRST_DAY} … {@link #LAST_DAY}; null when the text is not one.
     */
    public static LocalDate day(String text) {
        if (text == null) {
            return null;
        }
        try {
            LocalDate day = text.length() == 10 ? LocalDate.parse(text)
                    : OffsetDateTime.parse(text).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
            return day.isBefore(FIRST_DAY) || day.isAfter(LAST_DAY) ? null : day;
        } catch (DateTimeException e) {
            return null;
        }
    }
}
