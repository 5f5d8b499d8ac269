package dev.herald.inbox.sql;

import dev.herald.limits.LruMap;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * What this node knows of users who had nothing waiting: no undelivered notification, and their
 * unread count — so the push on connect of such a user needs no query. Only sound when this node
 * is the inbox's only writer (no other node changes the rows behind its back): the store then
 * forgets a user on every change of their rows ({@link #changed}), and an answer read before a
 * change that it could not see is never remembered ({@link #stamp} / {@link #offer}).
 *
 * <p>Bounded: at most {@code capacity} users, the least recently used forgotten first. The race
 * rule: a reader takes a stamp before its query and offers the answer after; a change takes the
 * next number of one sequence and writes it into the user's slot (one of {@value #SLOTS}, by user
 * id) after its commit, so an offer is refused when the user's slot moved past the stamp — the
 * query may have read the rows before that change committed. Users sharing a slot refuse each
 * other's offers now and then; that costs a query, never a wrong answer. Thread-safe (one lock;
 * every call is a few map and array operations).
 */
final class NothingWaiting {
    private static final int SLOTS = 4096;

    private final long[] changedAt = new long[SLOTS];
    private final LruMap<Long, Long> unread;
    private long sequence;

    NothingWaiting(int capacity) {
        this.unread = new LruMap<>(capacity);
    }

    /** The unread count of a user known to have nothing waiting, or empty. */
    synchronized OptionalLong unreadCount(long userId) {
        Long count = unread.get(userId);
        return count == null ? OptionalLong.empty() : OptionalLong.of(count);
    }

    /** To take before the query whose answer may be {@link #offer}ed. */
    synchronized long stamp() {
        return sequence;
    }

    /**
     * Remembers that {@code userId} has nothing waiting and {@code unreadCount} unread, as a query
     * begun at {@code stamp} read — unless a change of the user (or of their slot) committed since.
     */
    synchronized void offer(long userId, long stamp, long unreadCount) {
        if (changedAt[slot(userId)] <= stamp) {
            unread.put(userId, unreadCount);
        }
    }

    /** The rows of {@code userId} changed (call after the commit): forgets them. */
    synchronized void changed(long userId) {
        sequence++;
        changedAt[slot(userId)] = sequence;
        unread.remove(userId);
    }

    /** The rows of these users changed (after the commit). */
    synchronized void changed(long[] userIds) {
        if (userIds.length > SLOTS) {
            changedAll();
            return;
        }
        sequence++;
        for (long user : userIds) {
            changedAt[slot(user)] = sequence;
            unread.remove(user);
        }
    }

    /** Rows of users not named changed (after the commit): forgets everyone. */
    synchronized void changedAll() {
        sequence++;
        Arrays.fill(changedAt, sequence);
        unread.clear();
    }

    synchronized int size() {
        return unread.size();
    }

    private static int slot(long userId) {
        return (int) (Long.hashCode(userId * 0x9E3779B97F4A7C15L) & (SLOTS - 1));
    }
}
