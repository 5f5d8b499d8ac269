package dev.herald.inbox.sql;

import java.util.Arrays;

/**
 * A compact text form of a set of ids, for the {@code idempotency_keys.notification_ids}
 * column: ascending runs written as {@code first-last}, single ids as themselves, separated by
 * commas ({@code "1-5,9,12-13"}). The ids of one send are mostly consecutive, so 100,000 of
 * them usually fit in a few characters.
 */
final class IdRanges {

    private IdRanges() {}

    /** Encodes positive ids; they are sorted and de-duplicated first. Empty gives {@code ""}. */
    static String encode(long[] ids) {
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < sorted.length) {
            long first = sorted[i];
            if (first <= 0) {
                throw new IllegalArgumentException("ids must be positive: " + first);
            }
            long last = first;
            i++;
            while (i < sorted.length && sorted[i] - last <= 1) { // sorted: the difference is 0 or more
                last = sorted[i];
                i++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(first);
            if (last != first) {
                sb.append('-').append(last);
            }
        }
        return sb.toString();
    }

    /**
     * Decodes text written by {@link #encode}, ascending.
     *
     * @throws IllegalArgumentException when the text is not in that form
     */
    static long[] decode(String text) {
        if (text == null || text.isEmpty()) {
            return new long[0];
        }
        long[] out = new long[16];
        int n = 0;
        for (String part : text.split(",")) {
            int dash = part.indexOf('-');
            long first;
            long last;
            try {
                first = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
                last = dash < 0 ? first : Long.parseLong(part.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an id range list: " + text, e);
            }
            if (first <= 0 || last < first) {
                throw new IllegalArgumentException("bad id range '" + part + "'");
            }
            for (long id = first; ; id++) { // no id <= last test: it would overflow at Long.MAX_VALUE
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = id;
                if (id == last) {
                    break;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }
}
