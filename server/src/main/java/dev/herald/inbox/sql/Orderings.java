package dev.herald.inbox.sql;

import dev.herald.store.Dialect;

/**
 * The ORDER BY clauses of the read paths, one per index they are meant to walk.
 *
 * <p>PostgreSQL and MariaDB read rows in index order when the ORDER BY names the columns after
 * those fixed by the WHERE clause. H2 only does so when the ORDER BY names the index's columns
 * from the first one (and its indexes end with an explicit {@code id}), so for H2 the leading
 * columns, which the WHERE clause holds constant, are spelled out: the rows come in the same
 * order, but H2 stops after the page instead of sorting every matching row.
 */
final class Orderings {

    private Orderings() {}

    /** Lists: newest first, through sn_user_created. */
    static String newestFirst(Dialect dialect) {
        return dialect == Dialect.H2
                ? " ORDER BY user_id DESC, deleted_at DESC, created_at DESC, id DESC"
                : " ORDER BY created_at DESC, id DESC";
    }

    /** Unread list: newest first, through sn_user_read. */
    static String unreadNewestFirst(Dialect dialect) {
        return dialect == Dialect.H2
                ? " ORDER BY user_id DESC, is_read DESC, deleted_at DESC, created_at DESC, id DESC"
                : " ORDER BY created_at DESC, id DESC";
    }

    /** A user's undelivered rows: oldest first, through sn_user_undelivered. */
    static String undeliveredOldestFirst(Dialect dialect) {
        return dialect == Dialect.H2
                ? " ORDER BY user_id, sent_via_websocket, deleted_at, level, id"
                : " ORDER BY id";
    }

    /** Retry work list: least retried, then oldest, through sn_retry. */
    static String retryOrder(Dialect dialect) {
        return dialect == Dialect.H2
                ? " ORDER BY sent_via_websocket, deleted_at, level, retry_count, id"
                : " ORDER BY retry_count, id";
    }
}
