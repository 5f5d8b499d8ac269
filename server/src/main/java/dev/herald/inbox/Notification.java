package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One stored notification: a row of {@code system_notifications} (seed 000) as the API and
 * the {@code notification} frame show it. {@code deleted_at} is not part of it: soft-deleted
 * rows are never returned.
 *
 * <p>Invariants: {@code id} and {@code userId} are positive; {@code readAt} is set once
 * {@code read} is; {@code sentAt} is set once {@code sentViaWebsocket} is; instants are UTC
 * with millisecond precision. {@code data} is a JSON value or null (absent); treat it as
 * immutable, it may be shared between the records of one send. {@code level} is {@code urgent}
 * (pushed) or {@code normal} (store only, never pushed).
 *
 * <p>Inbox 2.0 (SPEC §7): {@code archived} ones leave the default list and the unread count;
 * a {@code snoozedUntil} one is hidden until the wake job clears it; {@code groupKey} and
 * {@code groupCount} (1 for an ordinary one) describe collapsing; {@code actions} is the JSON
 * array of offered buttons (null for none) and {@code actionTaken} the {@code {id, at}} of the one
 * taken (null until then).
 */
public record Notification(
        long id,
        long userId,
        String title,
        String content,
        String type,
        String category,
        JsonNode data,
        String actionType,
        String actionData,
        boolean read,
        Instant readAt,
        boolean sentViaWebsocket,
        Instant sentAt,
        int retryCount,
        Instant createdAt,
        Instant updatedAt,
        String level,
        boolean archived,
        Instant snoozedUntil,
        String groupKey,
        int groupCount,
        JsonNode actions,
        JsonNode actionTaken,
        Instant escalateAt,
        Instant escalatedAt) {

    public Notification {
        if (id <= 0 || userId <= 0) {
            throw new IllegalArgumentException("id and userId must be positive: " + id + ", " + userId);
        }
        requireNonNull(title, "title");
        requireNonNull(content, "content");
        requireNonNull(type, "type");
        requireNonNull(category, "category");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(updatedAt, "updatedAt");
        requireNonNull(level, "level");
        if (groupCount < 1) {
            throw new IllegalArgumentException("groupCount must be positive: " + groupCount);
        }
    }

    /** The record of a row just inserted for {@code userId}: unread, undelivered, no retries. */
    public static Notification fresh(long id, long userId, NewNotification n, Instant now) {
        return new Notification(id, userId, n.title(), n.content(), n.type(), n.category(), n.data(),
                n.actionType(), n.actionData(), false, null, false, null, 0, now, now, n.level(),
                false, null, n.groupKey(), 1, n.actions(), null,
                n.escalateAfterSeconds() == 0 ? null
                        : now.plusSeconds(n.escalateAfterSeconds()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                null);
    }
}
