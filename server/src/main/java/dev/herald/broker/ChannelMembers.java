package dev.herald.broker;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Who is in each presence channel (the Pusher protocol's {@code presence-} channels), across every
 * node. A member is a user id (text, as Pusher clients give it) with its {@code user_info} JSON; a
 * user may be in a channel through several connections (tabs, nodes) and counts once: {@link #join}
 * says whether it is the user's first connection in the channel, {@link #leave} whether it was the
 * last, so {@code member_added} / {@code member_removed} go out once per user. A node that dies
 * without leaving must not leave ghosts: distributed implementations expire a node's entries.
 * Implementations: {@link LocalChannelMembers} and {@code redis.RedisChannelMembers}.
 *
 * <p>Conventions as {@link Presence}: stages may complete on any thread and fail with
 * {@link BrokerUnavailableException} when the cluster cannot be reached.
 */
public interface ChannelMembers extends AutoCloseable {
    /** The answer to a join. {@code full}: the channel already has {@code maxMembers} other users (not joined). */
    record Joined(boolean first, boolean full) {}

    /**
     * Adds connection {@code socketId} as {@code userId} (with {@code userInfo}, JSON or null) to
     * {@code channel}, unless the channel has {@code maxMembers} users and this is not one of them.
     */
    CompletionStage<Joined> join(String channel, String userId, String userInfo, String socketId, int maxMembers);

    /** Removes connection {@code socketId}; completes with whether {@code userId} has no connection left there. */
    CompletionStage<Boolean> leave(String channel, String userId, String socketId);

    /** The channel's users and their {@code user_info} (JSON text or null), in no particular order. */
    CompletionStage<Map<String, String>> members(String channel);

    /** Every presence channel that has members, with its user count. */
    CompletionStage<Map<String, Integer>> channels();

    /**
     * Deletes the entries of nodes that died and completes with the users of {@code channel} who
     * had no other entry (they left); each such user is named to one caller only. Nothing for an
     * in-process implementation, whose node cannot die alone.
     */
    CompletionStage<java.util.List<String>> reap(String channel);

    @Override
    void close();
}
