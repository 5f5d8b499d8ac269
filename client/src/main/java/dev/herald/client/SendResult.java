package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What an inbox send stored ({@code POST /admin/system/notifications/send}).
 *
 * @param count     notifications stored (one per recipient)
 * @param ids       their ids (the first 1000)
 * @param duplicate true when the idempotency key was seen before (within 24 h): nothing new was
 *                  stored and this is the first send's result — also what a retried send answers
 * @param pushed    recipients it was pushed to live (online users, {@code urgent} level)
 * @param skipped   recipients not stored because their preferences turn it {@code off}
 * @param collapsed recipients whose unread notification with the same group key was updated in
 *                  place (same id, one more in {@code group_count}) instead of a new one
 */
public record SendResult(
        @JsonProperty("count") long count,
        @JsonProperty("ids") List<Long> ids,
        @JsonProperty("duplicate") boolean duplicate,
        @JsonProperty("pushed") long pushed,
        @JsonProperty("skipped") long skipped,
        @JsonProperty("collapsed") long collapsed) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param count see the record description
     * @param ids see the record description
     * @param duplicate see the record description
     * @param pushed see the record description
     * @param skipped see the record description
     * @param collapsed see the record description
     */
    public SendResult {
        ids = ids == null ? List.of() : List.copyOf(ids);
    }
}
