package dev.herald.inbox.sql;

import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.Preferences;
import java.util.Map;

import dev.herald.inbox.GroupedSend;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.inbox.StoredSend;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.store.DuplicateKeyException;
import dev.herald.store.StoreConflictException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * The write path of a send behind {@link NotificationStore#insertForUsers} and
 * {@link NotificationStore#insertIdempotent}: recipients de-duplicated and sorted, one
 * {@link RecipientInsert} per chunk, missing recipients added to {@code known_users}, all in one
 * transaction; the idempotency key claimed first in that same transaction.
 */
final class SendTransaction {

    private final Database db;
    private final NotificationSql sql;
    private final int chunk;
    private final RecipientInsert recipientInsert;
    private final RowsInsert rowsInsert;
    private final KnownUsers knownUsers;
    private final IdempotencyKeys keys;
    private final PreferenceRows preferences;
    private final GroupCollapse collapse;

    SendTransaction(Database db, NotificationSql sql, int chunk) {
        this.db = requireNonNull(db, "db");
        this.sql = requireNonNull(sql, "sql");
        if (chunk < 1 || chunk > IdTable.MAX_IDS) {
            throw new IllegalArgumentException("insert chunk must be 1-" + IdTable.MAX_IDS + ": " + chunk);
        }
        this.chunk = chunk;
        this.recipientInsert = new RecipientInsert(db.dialect());
        this.rowsInsert = new RowsInsert(db.dialect());
        this.knownUsers = new KnownUsers(db.dialect());
        this.keys = new IdempotencyKeys(db.dialect());
        this.preferences = new PreferenceRows(db.dialect());
        this.collapse = new GroupCollapse(db.dialect(), recipientInsert, sql.rows());
    }

    KnownUsers knownUsers() {
        return knownUsers;
    }

    IdempotencyKeys keys() {
        return keys;
    }

    PreferenceRows preferences() {
        return preferences;
    }

    StoredSend insert(long[] users, NewNotification n, Instant now, LongPredicate known) {
        if (users.length == 0) {
            return new StoredSend(List.of(), false);
        }
        return retryOnce(() -> db.inTransaction("insert notifications", c -> insertRows(c, users, n, now, known)));
    }

    StoredSend insertIdempotent(String key, long[] users, NewNotification n, Instant now, LongPredicate known) {
        for (int attempt = 1; ; attempt++) {
            try {
                return db.inTransaction("insert notifications (idempotent)",
                        c -> insertOne(c, new GroupedSend(key, users, n, known), now));
            } catch (StoreConflictException e) {
                if (attempt > 1) {
                    throw e;
                }
            } catch (DuplicateKeyException e) {
                Optional<long[]> first = db.withConnection("read idempotency key", c -> keys.result(c, key));
                if (first.isPresent()) {
                    return new StoredSend(sql.findAll(first.get()), true);
                }
                if (attempt > 1) {
                    throw e; // the conflict was not on the key, and it persists
                }
            }
        }
    }

    /**
     * Stores several small sends in ONE transaction (one commit, so one WAL flush). A send with an
     * idempotency key runs under its own savepoint: when it fails it is rolled back to it alone
     * and gets {@code null} in the result, which tells the caller to run it again on its own
     * (through {@link #insertIdempotent}, which answers as a lone send would: a replay for a key
     * that another send, also one of this group, claimed first, or the error). The sends without
     * a key are stored first, together ({@link #insertKeyless}); when one of them fails, the group
     * fails. Throws when the group as a whole failed; then nothing of it is committed.
     *
     * @return per member, in order: what it stored, or null where it must run alone
     */
    List<StoredSend> insertGroup(List<GroupedSend> group, Instant now) {
        return db.inTransaction("insert notifications (group of " + group.size() + ")", c -> {
            List<StoredSend> out = new ArrayList<>(Collections.nCopies(group.size(), null));
            // the members without a key, together and with no savepoint. Such a send fails only on
            // a bad row, a conflict or a lost connection, rarely; its failure fails the whole group
            // (nothing committed), whose members then run alone
            try {
                insertKeyless(c, group, now, out);
            } catch (SQLException e) {
                if (db.isConflict(e)) {
                    // H2 reports a lock timeout as HYT00, which would read as "database
                    // unavailable" and fail every member with 503: a conflict it is
                    throw new StoreConflictException("insert notifications (group of " + group.size()
                            + ") met a concurrent transaction: " + e.getMessage(), e);
                }
                throw e;
            }
            for (int m = 0; m < group.size(); m++) {
                GroupedSend s = group.get(m);
                if (s.key() == null) {
                    continue;
                }
                // a key may be taken (a retried request): that send alone is rolled back. Not
                // released after success: that would be one more round trip per send, and the
                // next member's savepoint nests inside; the commit ends them all
                Savepoint sp = c.setSavepoint();
                try {
                    out.set(m, insertOne(c, s, now));
                } catch (SQLException e) {
                    if (db.isUnavailable(e) && !db.isConflict(e)) {
                        // the connection or the database is gone: the whole group fails. A lock
                        // timeout (H2 reports it as HYT00) is a conflict: this member alone
                        throw e;
                    }
                    // throws when the database dropped the whole transaction; else out[m] stays null
                    c.rollback(sp);
                }
            }
            return out;
        });
    }

    /**
     * Stores every member without a key: the single-recipient ones with one multi-row insert, each
     * send to several users with its own {@link RecipientInsert} (which binds the shared content
     * once instead of once a row), then one upsert of all their new known users.
     */
    private void insertKeyless(Connection c, List<GroupedSend> group, Instant now, List<StoredSend> out)
            throws SQLException {
        List<RowsInsert.Row> rows = new ArrayList<>();
        List<Integer> rowMembers = new ArrayList<>();
        List<Collapsing> collapsing = new ArrayList<>();
        Map<Integer, Integer> collapsingSkipped = new java.util.TreeMap<>();
        TreeSet<Long> unknown = new TreeSet<>();
        // the preferences of every single-recipient member's user, in one read
        TreeSet<Long> single = new TreeSet<>();
        for (GroupedSend s : group) {
            if (s.key() == null && s.users().length == 1 && !s.notification().force()) {
                single.add(s.users()[0]);
            }
        }
        Map<Long, Preferences> modes = preferences.all(c, single.stream().mapToLong(Long::longValue).toArray());
        for (int m = 0; m < group.size(); m++) {
            GroupedSend s = group.get(m);
            if (s.key() != null) {
                continue;
            }
            for (long user : s.users()) {
                if (!s.known().test(user)) {
                    unknown.add(user);
                }
            }
            NewNotification n = s.notification();
            if (n.groupKey() != null) {
                // collapsing: planned here, applied below for the whole group in (user, group_key) order
                Map<Long, String> userModes;
                if (s.users().length == 1) {
                    Preferences p = n.force() ? null : modes.get(s.users()[0]);
                    String mode = p == null ? InboxLimits.ON : p.modeFor(n.category(), n.type());
                    userModes = InboxLimits.ON.equals(mode) ? Map.of() : Map.of(s.users()[0], mode);
                } else {
                    userModes = n.force() ? Map.of() : preferences.modes(c, s.users(), n.category(), n.type());
                }
                collapsingSkipped.put(m, plan(s.users(), n, userModes, m, collapsing));
            } else if (s.users().length == 1) {
                Preferences p = n.force() ? null : modes.get(s.users()[0]);
                String mode = p == null ? InboxLimits.ON : p.modeFor(n.category(), n.type());
                if (InboxLimits.OFF.equals(mode)) {
                    out.set(m, new StoredSend(List.of(), false, 1));
                    continue;
                }
                rows.add(new RowsInsert.Row(s.users()[0], InboxLimits.QUIET.equals(mode) ? n.withLevel(InboxLimits.NORMAL) : n));
                rowMembers.add(m);
            } else {
                out.set(m, insertRows(c, s.users(), s.notification(), now, user -> true));
            }
        }
        List<Notification> created = rowsInsert.insert(c, rows, now);
        for (int i = 0; i < created.size(); i++) {
            out.set(rowMembers.get(i), new StoredSend(List.of(created.get(i)), false));
        }
        Map<Integer, List<Notification>> collapsed = collapseAll(c, collapsing, now);
        for (Map.Entry<Integer, Integer> e : collapsingSkipped.entrySet()) {
            out.set(e.getKey(), stored(collapsed.getOrDefault(e.getKey(), new ArrayList<>()), e.getValue()));
        }
        if (!unknown.isEmpty()) {
            long[] ids = unknown.stream().mapToLong(Long::longValue).toArray();
            for (long[] part : IdChunks.split(ids, chunk)) {
                knownUsers.addMissing(c, part, now);
            }
        }
    }

    private StoredSend insertOne(Connection c, GroupedSend s, Instant now) throws SQLException {
        if (s.key() == null) {
            return insertRows(c, s.users(), s.notification(), now, s.known());
        }
        keys.claim(c, s.key(), now);
        StoredSend created = insertRows(c, s.users(), s.notification(), now, s.known());
        keys.complete(c, s.key(), created.notifications().stream().mapToLong(Notification::id).toArray());
        return created;
    }

    /** {@code userIds}: distinct and ascending; written {@link IdTable#MAX_IDS} at a time, one transaction. */
    void touch(long[] userIds, Instant now) {
        retryOnce(() -> db.inTransaction("touch known users", c -> {
            for (long[] chunk : IdChunks.split(userIds, IdTable.MAX_IDS)) {
                knownUsers.touch(c, chunk, now);
            }
            return null;
        }));
    }

    /**
     * Stores {@code n} for {@code users} as their preferences say (unless {@code n.force()}): the
     * modes of all of them for n's category and type are read first ({@link PreferenceRows#modes},
     * one statement per 10,000 users), then {@code off} recipients are skipped, {@code quiet} ones
     * get a store-only ({@code normal}) row, the rest {@code n} as sent.
     */
    private StoredSend insertRows(Connection c, long[] users, NewNotification n, Instant now,
                                  LongPredicate known) throws SQLException {
        Map<Long, String> modes = n.force() ? Map.of() : preferences.modes(c, users, n.category(), n.type());
        long[] on = users;
        long[] quiet = new long[0];
        int skipped = 0;
        if (!modes.isEmpty()) {
            on = Arrays.stream(users).filter(u -> !modes.containsKey(u)).toArray();
            quiet = Arrays.stream(users).filter(u -> InboxLimits.QUIET.equals(modes.get(u))).toArray();
            skipped = users.length - on.length - quiet.length;
        }
        List<Notification> created = new ArrayList<>(on.length + quiet.length);
        NewNotification storeOnly = n.withLevel(InboxLimits.NORMAL);
        if (n.groupKey() != null) {
            List<Collapsing> collapsing = new ArrayList<>();
            plan(users, n, modes, 0, collapsing);
            created.addAll(collapseAll(c, collapsing, now).getOrDefault(0, List.of()));
        } else {
            for (long[] part : IdChunks.split(on, chunk)) {
                created.addAll(recipientInsert.insert(c, part, n, now));
            }
            for (long[] part : IdChunks.split(quiet, chunk)) {
                created.addAll(recipientInsert.insert(c, part, storeOnly, now));
            }
        }
        for (long[] part : IdChunks.split(users, chunk)) {
            long[] unknown = Arrays.stream(part).filter(known.negate()).toArray();
            if (unknown.length > 0) {
                knownUsers.addMissing(c, unknown, now);
            }
        }
        return stored(created, skipped);
    }

    private static StoredSend stored(List<Notification> created, int skipped) {
        created.sort(Comparator.comparingLong(Notification::id));
        return new StoredSend(created, false, skipped);
    }

    /** One recipient of a collapsing send ({@code member}: the send's place in its group, 0 alone). */
    private record Collapsing(long user, NewNotification n, int member) {}

    /** The order every transaction takes {@code notification_groups} row locks in: (user, group_key), then member. */
    private static final Comparator<Collapsing> LOCK_ORDER = Comparator.comparingLong(Collapsing::user)
            .thenComparing(x -> x.n().groupKey()).thenComparingInt(Collapsing::member);

    /**
     * Adds what a collapsing send stores for each of its {@code users} to {@code into}, as
     * {@code modes} (the users not {@code on}) say: {@code off} users nothing, {@code quiet} ones a
     * store-only ({@code normal}) notification. Returns how many were skipped.
     */
    private static int plan(long[] users, NewNotification n, Map<Long, String> modes, int member, List<Collapsing> into) {
        NewNotification storeOnly = n.withLevel(InboxLimits.NORMAL);
        int skipped = 0;
        for (long user : users) {
            String mode = modes.get(user);
            if (mode == null) {
                into.add(new Collapsing(user, n, member));
            } else if (InboxLimits.QUIET.equals(mode)) {
                into.add(new Collapsing(user, storeOnly, member));
            } else {
                skipped++;
            }
        }
        return skipped;
    }

    /**
     * Collapses (or inserts) each of {@code collapsing} under its (user, group_key) row lock
     * ({@link GroupCollapse}), all in {@link #LOCK_ORDER}: a lone send and a group of sends alike,
     * on any node, take these locks in one global order, so two transactions never wait on each
     * other in a cycle. Two members of a group with the same (user, key) go one after the other,
     * the second collapsing into the first ({@link GroupCollapse#storeAll}: a few statements for all,
     * not three or four per recipient). Returns the stored records per member.
     */
    private Map<Integer, List<Notification>> collapseAll(Connection c, List<Collapsing> collapsing, Instant now)
            throws SQLException {
        Map<Integer, List<Notification>> out = new java.util.HashMap<>();
        List<Collapsing> ordered = new ArrayList<>(collapsing);
        ordered.sort(LOCK_ORDER);
        List<Notification> stored = collapse.storeAll(c,
                ordered.stream().map(x -> new GroupCollapse.Item(x.user(), x.n())).toList(), now);
        for (int i = 0; i < ordered.size(); i++) {
            out.computeIfAbsent(ordered.get(i).member(), m -> new ArrayList<>()).add(stored.get(i));
        }
        return out;
    }

    /**
     * Runs {@code work} again once when a concurrent transaction got in its way; the failed
     * attempt committed nothing. Duplicate keys: H2 cannot upsert the same new known user from
     * two transactions at once without one failing on the primary key (PostgreSQL and MariaDB
     * wait and then skip), and the second attempt sees the committed row. Conflicts: a deadlock
     * or serialization failure between two big sends.
     */
    private static <T> T retryOnce(Supplier<T> work) {
        try {
            return work.get();
        } catch (DuplicateKeyException | StoreConflictException first) {
            return work.get();
        }
    }

    /** The distinct recipients, ascending; rejects non-positive ids. */
    static long[] recipients(List<Long> userIds) {
        long[] users = IdChunks.distinctSorted(requireNonNull(userIds, "userIds"));
        if (users.length > 0 && users[0] <= 0) {
            throw new IllegalArgumentException("user ids must be positive: " + users[0]);
        }
        return users;
    }
}
