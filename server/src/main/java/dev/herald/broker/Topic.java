package dev.herald.broker;

/**
 * Where a message goes. A node holds a subscription to a topic only while it has a local subscriber
 * for it (see {@link Broker#activate}), except {@link All}, which every node always hears.
 */
public sealed interface Topic {
    /** Every connection of one user. */
    record User(long userId) implements Topic {}

    /** Every subscriber of one channel. */
    record Channel(String name) implements Topic {}

    /** Every connection on every node. */
    record All() implements Topic {}

    /**
     * One connection that is not bound to a user yet (bind flow), heard by the node that holds it
     * until it is bound or closes: a bind published here reaches it, and the publication says
     * whether it was still there to be bound.
     */
    record Client(String clientId) implements Topic {}

    All ALL = new All();
}
