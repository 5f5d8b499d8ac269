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
 */
public record SendResult(
        @JsonProperty("count") long count,
        @JsonProperty("ids") List<Long> ids,
        @JsonProperty("duplicate") boolean duplicate,
        @JsonProperty("pushed") long pushed) {
    /** Copies {@code ids}. */
    public SendResult {
        ids = ids == null ? List.of() : List.copyOf(ids);
    }
}
