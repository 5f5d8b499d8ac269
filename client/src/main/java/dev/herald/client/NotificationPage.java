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
    /** Copies {@code list}. */
    public NotificationPage {
        list = list == null ? List.of() : List.copyOf(list);
    }
}
