package dev.herald.inbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps a chat message for a recipient who is offline (the inbox stores it as a {@code message}
 * notification), so they see it later. Completes with what it did: kept it, did not keep it
 * (storing offline chats is off), or refused it — the recipient is not a user Herald knows, or
 * the sender or the recipient is over their quota. A failure (the database is down) completes
 * exceptionally.
 */
@FunctionalInterface
public interface OfflineChat {
    OfflineChat NONE = (from, to, content) -> CompletableFuture.completedFuture(Outcome.NOT_KEPT);

    CompletionStage<Outcome> keep(long fromUserId, long toUserId, String content);

    /** What became of an offline chat. */
    enum Outcome {
        KEPT,
        NOT_KEPT,
        UNKNOWN_RECIPIENT,
        SENDER_QUOTA,
        RECIPIENT_QUOTA
    }
}
