package dev.herald.broker;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * One channel's bounded history in memory: offsets grow by one per publication; at most
 * {@code capacity} entries younger than {@code ttlNanos} are kept. The epoch changes whenever the
 * offsets restart (a new log), so a client holding an offset from before can tell. Not thread-safe:
 * {@link LocalBroker} guards each log with its monitor.
 */
final class ChannelLog {
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(long offset, byte[] frame, long atNanos) {}

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int capacity;
    private final long ttlNanos;
    private final String epoch;
    private long offset;

    ChannelLog(int capacity, long ttlNanos) {
        this.capacity = capacity;
        this.ttlNanos = ttlNanos;
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        this.epoch = HexFormat.of().formatHex(b);
    }

    long append(Broker.ChannelFrameEncoder encoder, long nowNanos, Broker.Sink sink, String channel, String type,
                long exclude) {
        long next = ++offset;
        byte[] frame = encoder.encode(next);
        if (capacity > 0) {
            entries.addLast(new Entry(next, frame, nowNanos));
            while (entries.size() > capacity) {
                entries.removeFirst();
            }
        }
        sink.deliver(new Topic.Channel(channel), new Message.Push(type, frame, exclude, next));
        return next;
    }

    Broker.History since(long since, String expectedEpoch, long nowNanos) {
        expire(nowNanos);
        boolean sameEpoch = expectedEpoch == null || expectedEpoch.equals(epoch);
        long oldestKept = entries.isEmpty() ? offset + 1 : entries.peekFirst().offset();
        boolean recovered = sameEpoch && since <= offset && since + 1 >= oldestKept;
        if (!recovered) {
            return new Broker.History(List.of(), offset, epoch, false);
        }
        List<Broker.Publication> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.offset() > since) {
                out.add(new Broker.Publication(e.offset(), e.frame()));
            }
        }
        return new Broker.History(out, offset, epoch, true);
    }

    Broker.History position() {
        return new Broker.History(List.of(), offset, epoch, true);
    }

    /** Drops entries older than the TTL; true when nothing is left to remember but the offset. */
    boolean expire(long nowNanos) {
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && nowNanos - it.next().atNanos() > ttlNanos) {
            it.remove();
        }
        return entries.isEmpty();
    }
}
