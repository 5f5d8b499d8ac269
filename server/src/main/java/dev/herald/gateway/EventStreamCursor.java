package dev.herald.gateway;

import dev.herald.protocol.ChannelName;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code id:} of an event-stream channel publication, and what {@code Last-Event-ID} brings
 * back: every channel of the connection with the last offset written to it and its history's
 * epoch, {@code name~offset~epoch} joined by {@code ,} (neither character may occur in a channel
 * name; the epoch is hex, empty while unknown). A browser's {@code EventSource} sends the last id it
 * saw when it reconnects, so one id must carry the position of every channel, not only the one just
 * published. Inbox notifications need no id: they stay undelivered until acked, and every connect
 * pushes the undelivered ones again.
 */
public final class EventStreamCursor {
    /** Longest {@code Last-Event-ID} read: the channel limit times the longest entry, with room to spare. */
    public static final int MAX_LENGTH = 64 * 1024;

    private EventStreamCursor() {}

    /** A channel's place: the last offset the client got and the epoch it belongs to (null: unknown). */
    public record Position(long offset, String epoch) {}

    /** The id naming these positions. */
    static String encode(Iterable<Subscription> subscriptions) {
        StringBuilder b = new StringBuilder(64);
        for (Subscription s : subscriptions) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(s.channel()).append('~').append(s.lastOffset()).append('~');
            if (s.epoch() != null) {
                b.append(s.epoch());
            }
        }
        return b.toString();
    }

    /**
     * The positions in a {@code Last-Event-ID}, in its order.
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static Map<String, Position> decode(String id) {
        Map<String, Position> positions = new LinkedHashMap<>();
        if (id == null || id.isBlank()) {
            return positions;
        }
        if (id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
        }
        for (String entry : id.strip().split(",", -1)) {
            String[] parts = entry.split("~", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("must be channel~offset~epoch entries joined by commas");
            }
            String problem = ChannelName.problem(parts[0]);
            if (problem != null) {
                throw new IllegalArgumentException("names a channel that " + problem);
            }
            long offset;
            try {
                offset = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0) {
                throw new IllegalArgumentException("has an offset that is not a non-negative integer");
            }
            if (!parts[2].matches("[0-9a-fA-F]{0,64}")) {
                throw new IllegalArgumentException("has an epoch that is not hex");
            }
            positions.put(parts[0], new Position(offset, parts[2].isEmpty() ? null : parts[2]));
        }
        return positions;
    }
}
