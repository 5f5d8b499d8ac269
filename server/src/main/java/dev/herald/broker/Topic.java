package dev.herald.broker;

/**
 * Where a message goes. A node holds a subscription to a topic only while it has a local subscriber
 * for it (see {@link Broker#activate}), except {@link All} and its own {@link Node} topic, which every
 * node always hears.
 */
public sealed interface Topic {
    /** Every connection of one user. */
    record User(long userId) implements Topic {}

    /** Every subscriber of one channel. */
    record Channel(String name) implements Topic {}

    /** Every connection on every node. */
    record All() implements Topic {}

    /** One node, for control messages addressed to connections only it holds (bind). */
    record Node(String nodeId) implements Topic {}

    All ALL = new All();
}
