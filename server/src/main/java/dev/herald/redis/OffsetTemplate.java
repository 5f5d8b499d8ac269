package dev.herald.redis;

import dev.herald.broker.Broker;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A channel frame split around its offset, so the offset can be filled in by Redis, inside the
 * script that assigns it: the frame is encoded once, here, with a sentinel offset, and the script
 * joins {@code before + offset + after}. Assigning the offset and publishing in one atomic step is
 * what keeps every node's view of a channel in offset order.
 */
record OffsetTemplate(byte[] before, byte[] after) {
    private static final long SENTINEL = 9_087_654_321_012_345_678L;
    private static final long OTHER = 8_176_543_210_901_234_567L;

    static OffsetTemplate of(Broker.ChannelFrameEncoder encoder) {
        byte[] a = encoder.encode(SENTINEL);
        byte[] digits = Long.toString(SENTINEL).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(a, digits, 0);
        if (at >= 0 && indexOf(a, digits, at + 1) < 0) {
            return split(a, at, digits.length);
        }
        // the sentinel's digits also occur elsewhere (in the data): find the offset by difference
        byte[] b = encoder.encode(OTHER);
        int p = 0;
        while (p < a.length && p < b.length && a[p] == b[p]) {
            p++;
        }
        int s = 0;
        while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] == b[b.length - 1 - s]) {
            s++;
        }
        if (a.length == b.length && a.length - s - p == digits.length
                && Arrays.equals(Arrays.copyOfRange(a, p, p + digits.length), digits)) {
            return split(a, p, digits.length);
        }
        throw new IllegalStateException("a channel frame encoder must write the offset exactly once");
    }

    byte[] fill(long offset) {
        byte[] digits = Long.toString(offset).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[before.length + digits.length + after.length];
        System.arraycopy(before, 0, out, 0, before.length);
        System.arraycopy(digits, 0, out, before.length, digits.length);
        System.arraycopy(after, 0, out, before.length + digits.length, after.length);
        return out;
    }

    private static OffsetTemplate split(byte[] frame, int at, int length) {
        return new OffsetTemplate(Arrays.copyOfRange(frame, 0, at), Arrays.copyOfRange(frame, at + length, frame.length));
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
