package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts over one user's notifications that are not deleted, as the API's
 * {@code {total, unread, read, by_type, by_category}}.
 *
 * <p>{@code total}, {@code unread}, {@code read} and the maps cover the default view (not
 * archived, not snoozed); {@code archived} and {@code snoozed} count the others apart.
 *
 * <p>Invariants: {@code total == unread + read}, and the values of each map add up to
 * {@code total}. The maps hold only types and categories that occur, sorted by name.
 */
public record Statistics(
        long total, long unread, long read, Map<String, Long> byType, Map<String, Long> byCategory,
        long archived, long snoozed) {

    public Statistics {
        if (total != unread + read) {
            throw new IllegalArgumentException("total " + total + " != unread " + unread + " + read " + read);
        }
        byType = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(byType, "byType")));
        byCategory = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(byCategory, "byCategory")));
    }
}
