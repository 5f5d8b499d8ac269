package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Counts of a user's inbox ({@code GET /admin/system/notifications/statistics}).
 *
 * @param total      notifications (not deleted)
 * @param unread     of them unread
 * @param read       of them read
 * @param byType     how many of each {@code type}
 * @param byCategory how many of each {@code category}
 */
public record InboxStatistics(
        @JsonProperty("total") long total,
        @JsonProperty("unread") long unread,
        @JsonProperty("read") long read,
        @JsonProperty("by_type") Map<String, Long> byType,
        @JsonProperty("by_category") Map<String, Long> byCategory,
        @JsonProperty("archived") long archived,
        @JsonProperty("snoozed") long snoozed) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param total see the record description
     * @param unread see the record description
     * @param read see the record description
     * @param byType see the record description
     * @param byCategory see the record description
     * @param archived archived notifications (not in the other numbers)
     * @param snoozed snoozed notifications (not in the other numbers)
     */
    public InboxStatistics {
        byType = byType == null ? Map.of() : Map.copyOf(byType);
        byCategory = byCategory == null ? Map.of() : Map.copyOf(byCategory);
    }
}
