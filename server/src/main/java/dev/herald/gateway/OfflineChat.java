package dev.herald.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps a chat message for a recipient who is offline (the inbox stores it as a {@code message}
 * notification), so they see it later. Completes with whether it was kept.
 */
@FunctionalInterface
public interface OfflineChat {
    OfflineChat NONE = (from, to, content) -> CompletableFuture.completedFuture(false);

    CompletionStage<Boolean> keep(long fromUserId, long toUserId, String content);
}
