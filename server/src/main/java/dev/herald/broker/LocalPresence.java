package dev.herald.broker;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Presence of a single node: the set of users with at least one local connection. */
public final class LocalPresence implements Presence {
    private final Set<Long> online = ConcurrentHashMap.newKeySet();

    @Override
    public void userOnline(long userId) {
        online.add(userId);
    }

    @Override
    public void userOffline(long userId) {
        online.remove(userId);
    }

    @Override
    public CompletionStage<Boolean> isOnline(long userId) {
        return CompletableFuture.completedFuture(online.contains(userId));
    }

    @Override
    public CompletionStage<Set<Long>> onlineAmong(long[] userIds) {
        Set<Long> result = new HashSet<>();
        for (long id : userIds) {
            if (online.contains(id)) {
                result.add(id);
            }
        }
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public CompletionStage<List<Long>> onlineUsers() {
        return CompletableFuture.completedFuture(online.stream().sorted().toList());
    }

    @Override
    public CompletionStage<Long> onlineCount() {
        return CompletableFuture.completedFuture((long) online.size());
    }

    @Override
    public void close() {
        online.clear();
    }
}
