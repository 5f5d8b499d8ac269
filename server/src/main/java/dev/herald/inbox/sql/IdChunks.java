package dev.herald.inbox.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Lists of ids as SQL wants them: distinct and sorted (a stable lock order, no double
 * counting), cut into chunks small enough for an {@code IN (?, …)} list or an array parameter.
 */
final class IdChunks {

    private IdChunks() {}

    /** The distinct ids, ascending. Null elements are rejected. */
    static long[] distinctSorted(Collection<Long> ids) {
        requireNonNull(ids, "ids");
        long[] out = new long[ids.size()];
        int n = 0;
        for (Long id : ids) {
            out[n++] = requireNonNull(id, "ids must not contain null");
        }
        Arrays.sort(out);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || out[i] != out[i - 1]) {
                out[distinct++] = out[i];
            }
        }
        return Arrays.copyOf(out, distinct);
    }

    /** Consecutive slices of {@code ids} of at most {@code size} elements. */
    static List<long[]> split(long[] ids, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + size);
        }
        List<long[]> chunks = new ArrayList<>((ids.length + size - 1) / size);
        for (int from = 0; from < ids.length; from += size) {
            chunks.add(Arrays.copyOfRange(ids, from, Math.min(ids.length, from + size)));
        }
        return chunks;
    }

    /** {@code "?,?,?"} for {@code count} parameters. */
    static String placeholders(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("an IN list needs at least one element");
        }
        StringBuilder sb = new StringBuilder(count * 2);
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "?" : ",?");
        }
        return sb.toString();
    }

    /** The same ids boxed, for JDBC array parameters. */
    static Long[] boxed(long[] ids) {
        Long[] out = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** A JSON array of the ids, {@code [1,2,3]}, for MariaDB's {@code JSON_TABLE}. */
    static String jsonArray(long[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 8 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
