package dev.herald.inbox;

import java.util.List;

/**
 * What {@link NotificationStore#insertIdempotent} did with a key.
 *
 * @param notifications the notifications of the key's first send (for a replay: those of them
 *     that still exist), ordered by id; immutable
 * @param replayed true when the key had been used before and nothing new was stored; the caller
 *     must then not push again
 * @param skipped recipients not stored because their preferences turn this notification
 *     {@code off} (0 for a replay)
 */
public record StoredSend(List<Notification> notifications, boolean replayed, int skipped) {

    public StoredSend {
        notifications = List.copyOf(notifications);
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped must not be negative: " + skipped);
        }
    }

    public StoredSend(List<Notification> notifications, boolean replayed) {
        this(notifications, replayed, 0);
    }
}
