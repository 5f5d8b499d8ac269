package dev.herald.gateway;

import dev.herald.broker.Message;
import java.util.ArrayDeque;

/**
 * One connection's subscription to one channel, held by the connection's loop shard. While the
 * subscription recovers history ({@code pending != null}) live publications are parked, then
 * written after the history with duplicates (offset ≤ {@code lastOffset}) dropped, so a resuming
 * client sees every offset once, in order. Loop-confined.
 */
final class Subscription {
    final Connection connection;
    final String channel;
    int slot = -1;
    long lastOffset;
    ArrayDeque<Message.Push> pending;

    Subscription(Connection connection, String channel, boolean recovering) {
        this.connection = connection;
        this.channel = channel;
        this.pending = recovering ? new ArrayDeque<>(4) : null;
    }
}
