package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One page of a user's undelivered urgent notifications (oldest first) with the user's unread
 * count, as read together by {@link NotificationStore#backlog}.
 */
public record Backlog(List<Notification> notifications, long unreadCount) {
    public Backlog {
        notifications = List.copyOf(requireNonNull(notifications, "notifications"));
    }
}
