package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The reply of {@code GET /admin/websocket/online-users}.
 *
 * @param userIds the users with at least one open connection
 * @param count   how many they are
 */
public record OnlineUsers(@JsonProperty("user_ids") List<Long> userIds, @JsonProperty("count") long count) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param userIds see the record description
     * @param count see the record description
     */
    public OnlineUsers {
        userIds = userIds == null ? List.of() : List.copyOf(userIds);
    }
}
