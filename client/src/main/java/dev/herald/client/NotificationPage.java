package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One page of a user's inbox, newest first ({@code GET /admin/system/notifications}).
 *
 * @param list     the notifications on this page
 * @param total    how many match the query in all
 * @param page     this page's number (from 1)
 * @param pageSize the page size asked for
 */
public record NotificationPage(
        @JsonProperty("list") List<Notification> list,
        @JsonProperty("total") long total,
        @JsonProperty("page") int page,
        @JsonProperty("page_size") int pageSize) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param list see the record description
     * @param total see the record description
     * @param page see the record description
     * @param pageSize see the record description
     */
    public NotificationPage {
        list = list == null ? List.of() : List.copyOf(list);
    }
}
