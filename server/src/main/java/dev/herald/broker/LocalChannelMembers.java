package dev.herald.broker;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link ChannelMembers} of one node, in memory; every method takes the one lock. */
public final class LocalChannelMembers implements ChannelMembers {
    private record Member(String info, Set<String> sockets) {}

    private final Map<String, Map<String, Member>> channels = new HashMap<>();

    @Override
    public synchronized CompletionStage<Joined> join(String channel, String userId, String userInfo, String socketId,
                                                     int maxMembers) {
        Map<String, Member> members = channels.computeIfAbsent(channel, c -> new LinkedHashMap<>());
        Member m = members.get(userId);
        if (m == null) {
            if (members.size() >= maxMembers) {
                if (members.isEmpty()) {
                    channels.remove(channel);
                }
                return CompletableFuture.completedFuture(new Joined(false, true));
            }
            m = new Member(userInfo, new HashSet<>(2));
            members.put(userId, m);
        }
        m.sockets().add(socketId);
        return CompletableFuture.completedFuture(new Joined(m.sockets().size() == 1, false));
    }

    @Override
    public synchronized CompletionStage<Boolean> leave(String channel, String userId, String socketId) {
        Map<String, Member> members = channels.get(channel);
        Member m = members == null ? null : members.get(userId);
        if (m == null || !m.sockets().remove(socketId)) {
            return CompletableFuture.completedFuture(false);
        }
        if (!m.sockets().isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        members.remove(userId);
        if (members.isEmpty()) {
            channels.remove(channel);
        }
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Map<String, String>> members(String channel) {
        Map<String, String> out = new LinkedHashMap<>();
        channels.getOrDefault(channel, Map.of()).forEach((user, m) -> out.put(user, m.info()));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public synchronized CompletionStage<Map<String, Integer>> channels() {
        Map<String, Integer> out = new LinkedHashMap<>();
        channels.forEach((c, members) -> out.put(c, members.size()));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<java.util.List<String>> reap(String channel) {
        return CompletableFuture.completedFuture(java.util.List.of());
    }

    @Override
    public synchronized void close() {
        channels.clear();
    }
}
