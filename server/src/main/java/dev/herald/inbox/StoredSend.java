package dev.herald.inbox;

import java.util.List;

/**
 * What {@link NotificationStore#insertIdempotent} did with a key.
 *
 * @param notifications the notifications of the key's first send (for a replay: those of them
 *     that still exist), ordered by id; immutable
 * @param replayed true when the key had been used before and nothing new was stored; the caller
 *     must then not push again
 */
public record StoredSend(List<Notification> notifications, boolean replayed) {

    public StoredSend {
        notifications = List.copyOf(notifications);
    }
}
