package dev.herald.broker;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Who is online, across every node. The hub reports local transitions (a user's first connection
 * on this node, and their last one leaving); queries answer for the whole cluster. A node that dies
 * without reporting must not leave ghosts: distributed implementations expire a node's entries.
 */
public interface Presence extends AutoCloseable {
    void userOnline(long userId);

    void userOffline(long userId);

    CompletionStage<Boolean> isOnline(long userId);

    /** Which of {@code userIds} are online. */
    CompletionStage<Set<Long>> onlineAmong(long[] userIds);

    /** Every online user id, ascending. */
    CompletionStage<List<Long>> onlineUsers();

    CompletionStage<Long> onlineCount();

    @Override
    void close();
}
