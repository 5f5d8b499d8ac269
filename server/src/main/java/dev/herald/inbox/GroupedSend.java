package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import java.util.function.LongPredicate;

/**
 * One send as a member of a group transaction ({@link SendTransaction#insertGroup}).
 *
 * @param key the idempotency key, or null for none
 * @param users the distinct recipients, ascending, all positive (see {@link SendTransaction#recipients})
 * @param notification what to store for each
 * @param known recipients already in {@code known_users}
 */
public record GroupedSend(String key, long[] users, NewNotification notification, LongPredicate known) {

    public GroupedSend {
        requireNonNull(users, "users");
        requireNonNull(notification, "notification");
        requireNonNull(known, "known");
    }
}
