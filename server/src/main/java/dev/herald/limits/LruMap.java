package dev.herald.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that holds at most {@code capacity} entries, in access order, and drops the least recently
 * used when a put goes beyond it: the bound of every per-user or per-sender memory a node keeps, so
 * that no number of users grows it without limit. Not thread-safe (its owners lock around it).
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    public LruMap(int capacity) {
        super(Math.min(Math.max(capacity, 1), 1 << 12), 0.75f, true);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
