package dev.herald.broker;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Who is online, across every node. The gateway reports local transitions (a user's first
 * connection on this node, and their last one leaving); queries answer for the whole cluster. A
 * node that dies without reporting must not leave ghosts: distributed implementations expire a
 * node's entries. Implementations: {@link LocalPresence} (one node) and {@code redis.RedisPresence}.
 *
 * <p>Conventions: arguments and results are never null; a query's stage may complete on any thread
 * (the caller's, in process, or the Redis I/O thread) and fails with
 * {@link BrokerUnavailableException} when the cluster's presence cannot be reached. Every method is
 * safe to call from any thread.
 */
public interface Presence extends AutoCloseable {
    /**
     * {@code userId}'s first connection on this node opened. Never blocks, never throws: when the
     * cluster cannot be reached now, the implementation catches up when it can. Calls for one user
     * come in order (the gateway makes them under that user's lock).
     */
    void userOnline(long userId);

    /** {@code userId}'s last connection on this node closed. Never blocks, never throws (as {@link #userOnline}). */
    void userOffline(long userId);

    /** Whether {@code userId} has a connection on some node. */
    CompletionStage<Boolean> isOnline(long userId);

    /** Which of {@code userIds} are online (a subset of them, in no order; empty for none). */
    CompletionStage<Set<Long>> onlineAmong(long[] userIds);

    /** Every online user id, ascending. */
    CompletionStage<List<Long>> onlineUsers();

    /** How many users are online, each counted once however many connections and nodes they use. */
    CompletionStage<Long> onlineCount();

    /** Takes this node's users out of presence (best effort; what remains expires); not used afterwards. */
    @Override
    void close();
}
