package dev.herald.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Finds the bench's marks in a pushed frame without decoding it: the load generator puts
 * {@code "_s":SEQ,"_t":NANOS} in {@code data}, and reads them back with a byte search so a load
 * generator process can take hundreds of thousands of frames a second on a small machine.
 */
public final class FrameScan {
    public static final byte[] SEQ_KEY = "\"_s\"".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] TIME_KEY = "\"_t\"".getBytes(StandardCharsets.US_ASCII);
    /** The same keys inside a Pusher event's {@code data}, which is a JSON string: its quotes are escaped. */
    public static final byte[] SEQ_KEY_ESCAPED = "\\\"_s\\\"".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] TIME_KEY_ESCAPED = "\\\"_t\\\"".getBytes(StandardCharsets.US_ASCII);
    public static final long ABSENT = Long.MIN_VALUE;

    private FrameScan() {}

    /** The integer value of the JSON member {@code key} (bytes include the quotes), or ABSENT. */
    public static long longAfter(ByteBuf buf, byte[] key) {
        int from = buf.readerIndex();
        int end = buf.writerIndex();
        outer:
        for (int i = from; i <= end - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (buf.getByte(i + j) != key[j]) {
                    continue outer;
                }
            }
            int p = i + key.length;
            while (p < end && isSpace(buf.getByte(p))) {
                p++;
            }
            if (p >= end || buf.getByte(p) != ':') {
                continue;
            }
            p++;
            while (p < end && isSpace(buf.getByte(p))) {
                p++;
            }
            boolean negative = false;
            if (p < end && buf.getByte(p) == '-') {
                negative = true;
                p++;
            }
            long v = 0;
            int digits = 0;
            while (p < end) {
                byte b = buf.getByte(p);
                if (b < '0' || b > '9') {
                    break;
                }
                v = v * 10 + (b - '0');
                digits++;
                p++;
            }
            if (digits == 0) {
                return ABSENT;
            }
            return negative ? -v : v;
        }
        return ABSENT;
    }

    /** Whether the frame's text contains {@code "type":"NAME"} (as servers write it, no spaces). */
    /** Whether a Pusher message's text contains {@code "event":"NAME"}. */
    public static boolean hasEvent(ByteBuf buf, String name) {
        byte[] needle = ("\"event\":\"" + name + "\"").getBytes(StandardCharsets.US_ASCII);
        return indexOf(buf, needle) >= 0;
    }

    public static boolean hasType(ByteBuf buf, String name) {
        byte[] needle = ("\"type\":\"" + name + "\"").getBytes(StandardCharsets.US_ASCII);
        return indexOf(buf, needle) >= 0;
    }

    static int indexOf(ByteBuf buf, byte[] needle) {
        int end = buf.writerIndex() - needle.length;
        outer:
        for (int i = buf.readerIndex(); i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
