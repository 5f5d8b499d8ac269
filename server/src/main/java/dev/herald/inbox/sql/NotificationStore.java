package dev.herald.inbox.sql;

import dev.herald.inbox.Backlog;
import dev.herald.inbox.ChatRecipient;
import dev.herald.inbox.GroupedSend;
import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.Notification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.Page;
import dev.herald.inbox.Preferences;
import dev.herald.inbox.Statistics;
import dev.herald.inbox.StoredSend;
import static dev.herald.inbox.sql.NotificationSql.SELECT;
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.webhooks.EventSink;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * The notification inbox in SQL (thin JDBC over {@link Database}): sending, reading, changing,
 * delivery bookkeeping and retention of {@code system_notifications} rows.
 *
 * <p>Contract for every method:
 * <ul>
 *   <li>Methods taking a {@code userId} touch only that user's rows: another user's id, a
 *       missing id and a soft-deleted id all behave the same (not found, not counted).
 *   <li>Soft-deleted rows are never returned or counted.
 *   <li>Every change sets {@code updated_at} of the rows it changes, and only of those; a row
 *       already in the requested state is not changed and not counted.
 *   <li>Batch methods accept duplicate ids (counted once) and run in one transaction.
 *   <li>Times come from the injected {@link Clock}, truncated to milliseconds.
 *   <li>Failures are unchecked: {@code StoreUnavailableException} when the database is down or
 *       read-only (nothing committed), {@code StoreException} otherwise;
 *       {@link IllegalArgumentException} for arguments outside the documented ranges.
 * </ul>
 * Calls block on JDBC: run them on the SQL executor, never on an event loop. Thread-safe.
 */
public final class NotificationStore {

    /** Most rows {@link #unread}, {@link #undelivered} and {@link #retryCandidates} return at once. */
    public static final int MAX_LIMIT = 10_000;

    static final int ID_CHUNK = NotificationSql.ID_CHUNK;
    static final int PURGE_CHUNK = 5_000;

    /**
     * Shown in the default list and counted as unread (SPEC §7): not archived and not snoozed. A
     * snoozed row stays hidden until the wake job clears {@code snoozed_until}, so no query
     * compares it with the time.
     */
    static final String VISIBLE = "archived = FALSE AND snoozed_until IS NULL";
    static final String UNREAD_COUNT = "SELECT COUNT(*) FROM system_notifications"
            + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL AND " + VISIBLE;
    /** Per type, category, read state, archived state; snoozed rows apart (-1 in the third column). */
    static final String STATISTICS = "SELECT type, category, CASE WHEN snoozed_until IS NOT NULL THEN -1"
            + " WHEN is_read = TRUE THEN 1 ELSE 0 END, archived, COUNT(*)"
            + " FROM system_notifications WHERE user_id = ? AND deleted_at IS NULL"
            + " GROUP BY type, category, CASE WHEN snoozed_until IS NOT NULL THEN -1"
            + " WHEN is_read = TRUE THEN 1 ELSE 0 END, archived";

    /** Whether the user is known, and their unread kept chats up to a limit: one round trip. */
    static final String CHAT_RECIPIENT = "SELECT (SELECT COUNT(*) FROM known_users WHERE user_id = ?),"
            + " (SELECT COUNT(*) FROM (SELECT 1 FROM system_notifications WHERE user_id = ? AND is_read = FALSE"
            + " AND deleted_at IS NULL AND category = ? AND action_type = ? LIMIT ?) q)";

    private static final String READ = "is_read = TRUE, read_at = ?, updated_at = ?";
    private static final String DELETE = "deleted_at = ?, updated_at = ?";
    private static final String RETRY = "retry_count = retry_count + 1, updated_at = ?";
    /** Only urgent notifications are pushed; normal ones (store only) never are. */
    private static final String PUSHED = "level = 'urgent' AND " + VISIBLE;
    private static final String ARCHIVE = "archived = TRUE, archived_at = ?, snoozed_until = NULL, updated_at = ?";
    private static final String UNARCHIVE = "archived = FALSE, archived_at = NULL, updated_at = ?";
    private static final String UNREAD = "is_read = FALSE, read_at = NULL, updated_at = ?";

    private final Database db;
    private final Clock clock;
    /** Webhook events of acks and reads, written in the change's own transaction. */
    private final EventSink events;
    private final NotificationSql sql;
    private final SendTransaction sends;
    private final Acks acks;
    /** Users known to have nothing waiting; null unless this node is the inbox's only writer. */
    private final NothingWaiting nothingWaiting;
    // The hot reads, with the dialect's ORDER BY; package-visible for QueryPlanTest.
    final String unreadSql;
    final String undeliveredSql;
    final String retrySql;
    final String backlogSql;
    final String unreadCountsSql;

    public NotificationStore(Database db) {
        this(db, Clock.systemUTC());
    }

    public NotificationStore(Database db, Clock clock) {
        this(db, clock, IdTable.MAX_IDS, EventSink.NONE, 0);
    }

    /**
     * With {@code events} enabled, acks ({@code notification.delivered}) and reads
     * ({@code notification.read}, one event per notification that changed) store their webhook
     * events in the same transaction as the change.
     */
    public NotificationStore(Database db, Clock clock, EventSink events) {
        this(db, clock, IdTable.MAX_IDS, events, 0);
    }

    /**
     * {@code soleWriterUsers} &gt; 0: this node is the inbox's only writer (no other node shares
     * the database), so it may remember up to that many users who have nothing waiting and answer
     * {@link #knownNothingWaiting} without a query (see {@link NothingWaiting}); 0 remembers none.
     */
    public NotificationStore(Database db, Clock clock, EventSink events, int soleWriterUsers) {
        this(db, clock, IdTable.MAX_IDS, events, soleWriterUsers);
    }

    /** {@code insertChunk}: recipients per INSERT statement (tests use small ones). */
    NotificationStore(Database db, Clock clock, int insertChunk) {
        this(db, clock, insertChunk, EventSink.NONE, 0);
    }

    NotificationStore(Database db, Clock clock, int insertChunk, EventSink events, int soleWriterUsers) {
        this.nothingWaiting = soleWriterUsers > 0 ? new NothingWaiting(soleWriterUsers) : null;
        this.db = requireNonNull(db, "db");
        this.clock = requireNonNull(clock, "clock");
        this.events = requireNonNull(events, "events");
        this.sql = new NotificationSql(db);
        this.sends = new SendTransaction(db, sql, insertChunk);
        this.acks = new Acks(db, sql, events);
        this.unreadSql = SELECT + " WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL AND " + VISIBLE
                + Orderings.unreadNewestFirst(db.dialect()) + " LIMIT ?";
        this.undeliveredSql = SELECT + " WHERE user_id = ? AND sent_via_websocket = FALSE"
                + " AND deleted_at IS NULL AND " + PUSHED + " AND id > ?" + Orderings.undeliveredOldestFirst(db.dialect()) + " LIMIT ?";
        this.backlogSql = backlogSql(undeliveredSql);
        this.unreadCountsSql = "SELECT n.user_id, COUNT(*) FROM " + IdTable.from(db.dialect())
                + " JOIN system_notifications n ON n.user_id = ids.user_id"
                + " WHERE n.is_read = FALSE AND n.deleted_at IS NULL AND n.archived = FALSE"
                + " AND n.snoozed_until IS NULL GROUP BY n.user_id";
        this.retrySql = SELECT + " WHERE sent_via_websocket = FALSE AND deleted_at IS NULL AND " + PUSHED
                + " AND retry_count < ?" + Orderings.retryOrder(db.dialect()) + " LIMIT ?";
    }

    // ---------------------------------------------------------------- sending

    /**
     * Stores {@code n} once for each distinct user of {@code userIds} and marks them known, all in
     * ONE transaction: on any failure nothing is stored. Rows are written with one statement per
     * chunk of 10,000 users (sorted by id), so 100,000 recipients take ten statements. The
     * {@code known_users} insert is skipped for the recipients {@code alreadyKnown} vouches for
     * (the caller knows their rows exist: they came from {@link #knownUserIds()}, or a committed
     * write added them); {@code user -> false} vouches for none.
     *
     * @param userIds positive user ids; duplicates get one notification; empty stores nothing
     * @return the stored records, ordered by id
     */
    public List<Notification> insertForUsers(List<Long> userIds, NewNotification n, LongPredicate alreadyKnown) {
        requireNonNull(n, "notification");
        requireNonNull(alreadyKnown, "alreadyKnown");
        long[] users = SendTransaction.recipients(userIds);
        try {
            return sends.insert(users, n, now(), alreadyKnown).notifications();
        } finally {
            changed(users);
        }
    }

    /** {@link #insertForUsers}, also saying how many recipients were skipped by their preferences. */
    public StoredSend send(List<Long> userIds, NewNotification n, LongPredicate alreadyKnown) {
        requireNonNull(n, "notification");
        requireNonNull(alreadyKnown, "alreadyKnown");
        long[] users = SendTransaction.recipients(userIds);
        try {
            return sends.insert(users, n, now(), alreadyKnown);
        } finally {
            changed(users);
        }
    }

    /**
     * {@link #insertForUsers} under an idempotency key: the first call with a key stores and
     * returns its notifications; every later or concurrent call with the same key stores nothing
     * and returns the first call's notifications (those not deleted since) with
     * {@code replayed = true}, even if its recipients or content differ. Keys are kept until
     * {@link #purgeIdempotencyKeys} removes them (the service keeps them at least 24 h).
     * {@code alreadyKnown} as there.
     *
     * @param key 1-{@value InboxLimits#IDEMPOTENCY_KEY_MAX} characters, compared exactly (case-sensitive)
     */
    public StoredSend insertIdempotent(String key, List<Long> userIds, NewNotification n,
                                             LongPredicate alreadyKnown) {
        requireNonNull(key, "key");
        GroupedSend s = grouped(key, userIds, n, alreadyKnown);
        try {
            return sends.insertIdempotent(key, s.users(), n, now(), alreadyKnown);
        } finally {
            changed(s.users());
        }
    }

    /**
     * A send checked as {@link #insertForUsers} (key null) or {@link #insertIdempotent} check
     * theirs, ready for {@link #insertGroup}.
     */
    public GroupedSend grouped(String key, List<Long> userIds, NewNotification n, LongPredicate alreadyKnown) {
        requireNonNull(alreadyKnown, "alreadyKnown");
        requireNonNull(n, "notification");
        if (key != null && (key.isBlank() || key.length() > InboxLimits.IDEMPOTENCY_KEY_MAX)) {
            throw new IllegalArgumentException("idempotency key must be 1-" + InboxLimits.IDEMPOTENCY_KEY_MAX + " characters");
        }
        return new GroupedSend(key, SendTransaction.recipients(userIds), n, alreadyKnown);
    }

    /** Small sends waiting to be stored together, one transaction a group ({@link #groupCommit}). */
    public interface SendQueue {
        /**
         * Queues {@code send} (from {@link #grouped}); completes once it is committed, or with its
         * failure — at once with {@code StoreBusyException} when the queue is full.
         */
        CompletableFuture<StoredSend> submit(GroupedSend send);
    }

    /**
     * A group-commit queue whose one writer runs on {@code writers} (the SQL workers): sends queued
     * while a group is written go together in the next transaction (see {@link GroupCommit}). Make
     * one per node: two queues would write two groups at once.
     */
    public SendQueue groupCommit(Executor writers) {
        return new GroupCommit(this, writers);
    }

    /**
     * Stores several sends in one transaction (group commit, see {@link GroupCommit}), each with
     * an idempotency key under its own savepoint. Per member, in order: what it stored, or null
     * when it (a keyed send) failed and was rolled back alone; the caller then runs it on its own
     * ({@link #insertAlone}) for the answer a lone send gets. Throws when the whole group failed
     * — the database is down ({@code StoreUnavailableException}), or a send without a key
     * failed —; nothing of it is then committed.
     */
    List<StoredSend> insertGroup(List<GroupedSend> group) {
        try {
            return sends.insertGroup(group, now());
        } finally {
            for (GroupedSend s : group) {
                changed(s.users());
            }
        }
    }

    /** One send of {@link #grouped} in its own transaction, as {@link #insertForUsers} or {@link #insertIdempotent}. */
    StoredSend insertAlone(GroupedSend s) {
        try {
            if (s.key() == null) {
                return sends.insert(s.users(), s.notification(), now(), s.known());
            }
            return sends.insertIdempotent(s.key(), s.users(), s.notification(), now(), s.known());
        } finally {
            changed(s.users());
        }
    }

    /**
     * Marks the users of {@code userIds} known and seen now (they connected): one upsert per
     * {@value IdTable#MAX_IDS} of them, in one transaction.
     */
    public void touchKnownUsers(Collection<Long> userIds) {
        for (long user : userIds) {
            if (user <= 0) {
                throw new IllegalArgumentException("userId must be positive: " + user);
            }
        }
        long[] users = IdChunks.distinctSorted(userIds);
        if (users.length > 0) {
            sends.touch(users, now());
        }
    }

    /** Known user ids above {@code afterUserId}, ascending, at most {@code limit} (keyset paging). */
    List<Long> knownUserIds(long afterUserId, int limit) {
        requireLimit(limit);
        return db.withConnection("list known users", c -> sends.knownUsers().page(c, afterUserId, limit));
    }

    /**
     * The recipients of a send to everyone of {@code category}/{@code type}: every known user id
     * whose preferences do not turn it {@code off} — filtered in SQL (NOT EXISTS on the
     * preferences' primary key), ascending, {@value #MAX_LIMIT} at a time — and how many were left
     * out that way.
     */
    public Everyone everyone(String category, String type) {
        requireNonNull(category, "category");
        requireNonNull(type, "type");
        return db.withConnection("list known users for a send", c -> {
            List<Long> all = new ArrayList<>();
            long after = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT k.user_id FROM known_users k WHERE k.user_id > ?"
                    + " AND NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p.user_id = k.user_id AND "
                    + PreferenceRows.MUTES + ") ORDER BY k.user_id LIMIT ?")) {
                while (true) {
                    ps.setLong(1, after);
                    ps.setString(2, category);
                    ps.setString(3, type);
                    ps.setInt(4, MAX_LIMIT);
                    int n = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            all.add(rs.getLong(1));
                            n++;
                        }
                    }
                    if (n < MAX_LIMIT) {
                        break;
                    }
                    after = all.get(all.size() - 1);
                }
            }
            long muted = NotificationSql.count(c, "SELECT COUNT(*) FROM known_users k WHERE EXISTS (SELECT 1"
                    + " FROM notification_preferences p WHERE p.user_id = k.user_id AND " + PreferenceRows.MUTES + ")",
                    category, type);
            return new Everyone(all, (int) muted);
        });
    }

    /** The recipients of a send to everyone, and how many known users their preferences left out. */
    public record Everyone(List<Long> userIds, int muted) {}

    /** One user's preferences (defaults when they never set any). */
    public Preferences preferences(long userId) {
        return db.withConnection("read preferences", c -> sends.preferences().read(c, userId));
    }

    /**
     * Changes some of one user's preferences in one transaction: each given category and type mode
     * ({@code on} removes it), and the e-mail when {@code setEmail} (null clears it). Returns them all after.
     */
    public Preferences updatePreferences(long userId, Map<String, String> categories, Map<String, String> types,
                                         boolean setEmail, String email) {
        return db.inTransaction("change preferences", c -> {
            // one change of a user's preferences at a time (a row lock), so two never interleave
            sends.preferences().lockUser(c, userId);
            for (var e : new java.util.TreeMap<>(categories).entrySet()) {
                sends.preferences().setMode(c, userId, PreferenceRows.CATEGORY, e.getKey(), e.getValue());
            }
            for (var e : new java.util.TreeMap<>(types).entrySet()) {
                sends.preferences().setMode(c, userId, PreferenceRows.TYPE, e.getKey(), e.getValue());
            }
            if (setEmail) {
                sends.preferences().setEmail(c, userId, email);
            }
            return sends.preferences().read(c, userId);
        });
    }

    /** Every known user id, ascending, read {@value #MAX_LIMIT} at a time (1,000,000 ids ≈ 20 MB). */
    public List<Long> knownUserIds() {
        List<Long> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Long> page = knownUserIds(after, MAX_LIMIT);
            all.addAll(page);
            if (page.size() < MAX_LIMIT) {
                return all;
            }
            after = page.get(page.size() - 1);
        }
    }

    /**
     * For a chat to an offline user: whether {@code userId} is in {@code known_users} (rows are
     * never deleted, so a yes stays true), and how many unread, undeleted chats kept for them
     * ({@code category} {@value InboxLimits#CHAT_CATEGORY}, {@code action_type} {@value InboxLimits#CHAT_ACTION})
     * they have, counted up to {@code limit}. One statement: the first is a primary-key lookup,
     * the second reads the user's unread rows through sn_user_read.
     */
    public ChatRecipient chatRecipient(long userId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return db.withConnection("check chat recipient", c -> {
            try (PreparedStatement ps = c.prepareStatement(CHAT_RECIPIENT)) {
                ps.setLong(1, userId);
                ps.setLong(2, userId);
                ps.setString(3, InboxLimits.CHAT_CATEGORY);
                ps.setString(4, InboxLimits.CHAT_ACTION);
                ps.setInt(5, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new ChatRecipient(rs.getLong(1) > 0, rs.getLong(2));
                }
            }
        });
    }

    // ---------------------------------------------------------------- reading

    /** One page of {@code filter.userId()}'s notifications, newest first, with the total. */
    public Page<Notification> list(NotificationFilter filter) {
        ListQuery query = ListQuery.of(filter, db.dialect());
        return db.withConnection("list notifications", c -> query.run(c, sql.rows()));
    }

    /** The user's unread notifications, newest first, at most {@code limit}. */
    public List<Notification> unread(long userId, int limit) {
        requireLimit(limit);
        return sql.query("list unread", unreadSql, userId, limit);
    }

    /** How many of the user's notifications are unread (answered from an index). */
    public long unreadCount(long userId) {
        return sql.count("count unread", UNREAD_COUNT, userId);
    }

    /**
     * Unread counts of many users at once (one grouped query per {@value IdTable#MAX_IDS} users,
     * on one connection), for pushing {@code unread_count} after a many-recipient send; users
     * with none are absent from the map. The users are one array parameter joined to the table
     * ({@link IdTable}), so each is one lookup in sn_user_read: an {@code IN (…)} list made H2
     * compare every matching row with every listed id.
     */
    public Map<Long, Long> unreadCounts(Collection<Long> userIds) {
        long[] users = distinct(userIds);
        Map<Long, Long> counts = new HashMap<>();
        if (users.length == 0) {
            return counts;
        }
        return db.withConnection("count unread", c -> {
            try (PreparedStatement ps = c.prepareStatement(unreadCountsSql)) {
                for (long[] chunk : IdChunks.split(users, IdTable.MAX_IDS)) {
                    IdTable.bind(db.dialect(), ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.put(rs.getLong(1), rs.getLong(2));
                        }
                    }
                }
            }
            return counts;
        });
    }

    /** The notification {@code id} if it belongs to {@code userId}. */
    public Optional<Notification> find(long userId, long id) {
        return sql.query("find notification", SELECT
                + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL", id, userId).stream().findFirst();
    }

    /**
     * Totals of the user's notifications in the default view (not archived, not snoozed): all,
     * unread, read, per type, per category — so {@code total} is the default list's total and
     * {@code unread} the unread count — and apart from them how many are archived and snoozed.
     */
    public Statistics statistics(long userId) {
        return db.withConnection("notification statistics", c -> {
            try (PreparedStatement ps = c.prepareStatement(STATISTICS)) {
                ps.setLong(1, userId);
                long unread = 0;
                long read = 0;
                long archived = 0;
                long snoozed = 0;
                Map<String, Long> byType = new HashMap<>();
                Map<String, Long> byCategory = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long count = rs.getLong(5);
                        int state = rs.getInt(3);
                        if (state < 0) {
                            snoozed += count;
                            continue;
                        }
                        if (rs.getBoolean(4)) {
                            archived += count;
                            continue;
                        }
                        byType.merge(rs.getString(1), count, Long::sum);
                        byCategory.merge(rs.getString(2), count, Long::sum);
                        if (state == 1) {
                            read += count;
                        } else {
                            unread += count;
                        }
                    }
                }
                return new Statistics(unread + read, unread, read, byType, byCategory, archived, snoozed);
            }
        });
    }

    // ---------------------------------------------------------------- changing

    /**
     * Marks one notification read: how many rows changed (1, or 0 when it was read already), or
     * empty when it is not the user's (missing, deleted or another user's). One connection.
     */
    public OptionalInt markRead(long userId, long id) {
        return changing(userId, () -> {
            if (events.enabled()
                    && changeWithEvents("mark read", READ, "is_read = FALSE", userId, new long[] {id}, now(),
                            EventSink.READ, "read_at") == 1) {
                return OptionalInt.of(1);
            }
            return changeOne("mark read", READ, "is_read = FALSE", userId, id);
        });
    }

    /** Marks one read notification unread again: 1, 0 when it was unread, empty when not the user's. */
    public OptionalInt markUnread(long userId, long id) {
        return changing(userId, () -> changeOne("mark unread", UNREAD, "is_read = TRUE", userId, id));
    }

    /** Archives one notification (a snoozed one stops being snoozed): 1, 0 when archived already, empty when not the user's. */
    public OptionalInt archive(long userId, long id) {
        return changing(userId, () -> changeOne("archive", ARCHIVE, "archived = FALSE", userId, id));
    }

    /** Archives the user's notifications among {@code ids} that are not archived; returns how many. */
    public int archive(long userId, Collection<Long> ids) {
        return changing(userId, () -> sql.updateIds("archive", ARCHIVE, "archived = FALSE", userId, distinct(ids), now()));
    }

    /** Takes one notification out of the archive: 1, 0 when it was not archived, empty when not the user's. */
    public OptionalInt unarchive(long userId, long id) {
        return changing(userId, () -> changeOne("unarchive", UNARCHIVE, "archived = TRUE", userId, id));
    }

    /**
     * Snoozes one notification until {@code until} (the caller checks the range): hidden from the
     * list and the unread count until {@link #wakeSnoozed} wakes it; an archived one leaves the
     * archive. 1, or empty when not the user's (snoozing again moves the time).
     */
    public OptionalInt snooze(long userId, long id, Instant until) {
        requireNonNull(until, "until");
        Instant now = now();
        Object wake = db.dialect().timestamp(until.truncatedTo(ChronoUnit.MILLIS));
        Object ts = db.dialect().timestamp(now);
        return changing(userId, () -> db.withConnection("snooze", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET snoozed_until = ?,"
                    + " archived = FALSE, archived_at = NULL, updated_at = ?"
                    + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL")) {
                ps.setObject(1, wake);
                ps.setObject(2, ts);
                ps.setLong(3, id);
                ps.setLong(4, userId);
                return ps.executeUpdate() == 1 ? OptionalInt.of(1) : OptionalInt.empty();
            }
        }));
    }

    /** What one run of {@link #claimEscalations} claimed: mails to send, and how many had no address. */
    public record ClaimedEscalations(List<dev.herald.inbox.Escalation> toSend, int skipped) {}

    /** The due condition of an escalation (SPEC §8), on a row of {@code system_notifications}. */
    private static final String ESCALATION_DUE = "escalate_at IS NOT NULL AND escalate_at <= ? AND escalated_at IS NULL"
            + " AND is_read = FALSE AND archived = FALSE AND deleted_at IS NULL AND snoozed_until IS NULL";

    /**
     * The escalation job's claim: every notification due for its email (at most {@code limit},
     * earliest first) gets {@code escalated_at} now — with {@code escalation} 'sending', or
     * 'skipped' when the recipient has no email preference — by an UPDATE that repeats the due
     * condition, so two runs that overlap (two nodes) never both claim a row, and a read, archive
     * or delete that commits first cancels it. Those to mail get their {@code notification.escalated}
     * event in the same transaction. The caller sends after this commits and then calls
     * {@link #finishEscalation}: a crash in between loses that mail (at most once, docs/inbox.md).
     */
    public ClaimedEscalations claimEscalations(int limit) {
        requireLimit(limit);
        Instant now = now();
        Object ts = db.dialect().timestamp(now);
        List<dev.herald.inbox.Escalation> due = new ArrayList<>();
        db.withConnection("find due escalations", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT n.id, n.user_id, s.email, n.title, n.content,"
                    + " n.action_data, n.actions FROM system_notifications n"
                    + " LEFT JOIN notification_settings s ON s.user_id = n.user_id"
                    + " WHERE n.escalate_at IS NOT NULL AND n.escalate_at <= ? AND n.escalated_at IS NULL"
                    + " AND n.is_read = FALSE AND n.archived = FALSE AND n.deleted_at IS NULL AND n.snoozed_until IS NULL"
                    + " ORDER BY n.escalate_at, n.id LIMIT ?")) {
                ps.setObject(1, ts);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String actions = rs.getString(7);
                        due.add(new dev.herald.inbox.Escalation(rs.getLong(1), rs.getLong(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6),
                                actions == null ? null : readJson(actions)));
                    }
                }
            }
            return null;
        });
        if (due.isEmpty()) {
            return new ClaimedEscalations(List.of(), 0);
        }
        int[] skipped = {0};
        List<dev.herald.inbox.Escalation> claimed = db.inTransaction("claim escalations", c -> {
            List<dev.herald.inbox.Escalation> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET escalated_at = ?,"
                    + " escalation = ? WHERE id = ? AND " + ESCALATION_DUE)) {
                for (dev.herald.inbox.Escalation e : due) {
                    boolean mail = e.email() != null && !e.email().isBlank();
                    ps.setObject(1, ts);
                    ps.setString(2, mail ? "sending" : "skipped");
                    ps.setLong(3, e.id());
                    ps.setObject(4, ts);
                    if (ps.executeUpdate() == 1) {
                        if (mail) {
                            out.add(e);
                        } else {
                            skipped[0]++;
                        }
                    }
                }
            }
            if (events.enabled() && !out.isEmpty()) {
                List<Map<String, Object>> data = new ArrayList<>();
                for (dev.herald.inbox.Escalation e : out) {
                    Map<String, Object> event = new java.util.LinkedHashMap<>();
                    event.put("notification_id", e.id());
                    event.put("user_id", e.userId());
                    event.put("escalated_at", now.toString());
                    data.add(event);
                }
                events.publishIn(c, EventSink.ESCALATED, data);
            }
            return out;
        });
        return new ClaimedEscalations(claimed, skipped[0]);
    }

    /** Records how a claimed escalation ended: {@code sent} or {@code failed}. */
    public void finishEscalation(long id, boolean sent) {
        db.withConnection("finish escalation", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET escalation = ?"
                    + " WHERE id = ? AND escalation = 'sending'")) {
                ps.setString(1, sent ? "sent" : "failed");
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Escalations claimed more than {@code olderThan} ago and still {@code sending}: a node claimed
     * them and never recorded how the mail went (it died between the claim and the end of the send,
     * and those mails are lost), or is still working through a long batch. Served by the index of
     * migration V7.
     */
    public long stuckEscalations(java.time.Duration olderThan) {
        requireNonNull(olderThan, "olderThan");
        Object before = db.dialect().timestamp(now().minus(olderThan));
        return db.withConnection("count stuck escalations", c -> {
            try (PreparedStatement ps = c.prepareStatement(STUCK_ESCALATIONS)) {
                ps.setObject(1, before);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** {@link #stuckEscalations}; package-visible for QueryPlanTest. */
    static final String STUCK_ESCALATIONS = "SELECT COUNT(*) FROM system_notifications"
            + " WHERE escalation = 'sending' AND escalated_at < ?";

    private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return dev.herald.protocol.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The wake job: every snoozed notification whose time has come (at most {@code limit},
     * earliest first) is shown again as new — {@code snoozed_until} cleared, {@code created_at}
     * and {@code updated_at} now (it comes back at the top), undelivered with no retries — and
     * returned, so the caller pushes exactly those. Each row is claimed by an UPDATE that repeats
     * the condition, so two runs that overlap (two nodes) never both claim one row. One transaction.
     */
    public List<Notification> wakeSnoozed(int limit) {
        requireLimit(limit);
        Instant now = now();
        Object ts = db.dialect().timestamp(now);
        List<Long> due = new ArrayList<>();
        db.withConnection("find snoozed", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM system_notifications"
                    + " WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? ORDER BY snoozed_until, id LIMIT ?")) {
                ps.setObject(1, ts);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getLong(1));
                    }
                }
            }
            return null;
        });
        if (due.isEmpty()) {
            return List.of();
        }
        List<Long> woken = db.inTransaction("wake snoozed", c -> {
            List<Long> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET snoozed_until = NULL,"
                    + " created_at = ?, updated_at = ?, sent_via_websocket = FALSE, sent_at = NULL, retry_count = 0"
                    + " WHERE id = ? AND snoozed_until IS NOT NULL AND snoozed_until <= ? AND deleted_at IS NULL")) {
                for (long id : due) {
                    ps.setObject(1, ts);
                    ps.setObject(2, ts);
                    ps.setLong(3, id);
                    ps.setObject(4, ts);
                    if (ps.executeUpdate() == 1) {
                        claimed.add(id);
                    }
                }
            }
            return claimed;
        });
        if (woken.isEmpty()) {
            return List.of();
        }
        changedAll(); // shown again as new: their users have something waiting (and more unread)
        return sql.findAll(IdChunks.distinctSorted(woken));
    }

    /**
     * Records that the owner took action {@code actionId} of notification {@code id}:
     * {@code action_taken = {id, at}}, read (keeping an earlier {@code read_at}). The UPDATE
     * repeats {@code action_taken IS NULL}, so of two concurrent calls exactly one wins.
     */
    /** What {@link #takeAction} did (the service's {@code ActionResult} names the same four). */
    public enum Taking { TAKEN, NOT_FOUND, NO_SUCH_ACTION, ALREADY_TAKEN }

    public Taking takeAction(long userId, long id, String actionId) {
        requireNonNull(actionId, "actionId");
        Instant now = now();
        Object ts = db.dialect().timestamp(now);
        Taking taking = db.inTransaction("take action", c -> {
            List<Notification> rows;
            try (PreparedStatement ps = c.prepareStatement(SELECT
                    + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL")) {
                ps.setLong(1, id);
                ps.setLong(2, userId);
                rows = sql.rows().query(ps);
            }
            if (rows.isEmpty()) {
                return Taking.NOT_FOUND;
            }
            Notification n = rows.get(0);
            boolean offered = false;
            if (n.actions() != null) {
                for (var a : n.actions()) {
                    offered |= actionId.equals(a.path("id").asText(null));
                }
            }
            if (!offered) {
                return Taking.NO_SUCH_ACTION;
            }
            var taken = new java.util.LinkedHashMap<String, Object>();
            taken.put("id", actionId);
            taken.put("at", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(java.time.ZoneOffset.UTC).format(now));
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET action_taken = ?,"
                    + " is_read = TRUE, read_at = COALESCE(read_at, ?), updated_at = ?"
                    + " WHERE id = ? AND user_id = ? AND action_taken IS NULL AND deleted_at IS NULL")) {
                ps.setString(1, NotificationRows.jsonText(dev.herald.protocol.Json.MAPPER.valueToTree(taken)));
                ps.setObject(2, ts);
                ps.setObject(3, ts);
                ps.setLong(4, id);
                ps.setLong(5, userId);
                if (ps.executeUpdate() != 1) {
                    return Taking.ALREADY_TAKEN;
                }
            }
            if (events.enabled()) {
                String at = now.toString();
                events.publishIn(c, EventSink.ACTION, List.of(Map.of("notification_id", id, "user_id", userId,
                        "action_id", actionId, "taken_at", at)));
                if (!n.read()) {
                    events.publishIn(c, EventSink.READ, List.of(Map.of("notification_id", id, "user_id", userId,
                            "read_at", at)));
                }
            }
            return Taking.TAKEN;
        });
        if (taking == Taking.TAKEN) {
            changed(userId);
        }
        return taking;
    }

    /** {@code set} on one live row of the user meeting {@code condition}: 1, 0 (found, already so) or empty (not theirs). */
    private OptionalInt changeOne(String action, String set, String condition, long userId, long id) {
        Instant now = now();
        return db.withConnection(action, c -> {
            if (sql.update(c, set, condition, userId, new long[] {id}, now) == 1) {
                return OptionalInt.of(1);
            }
            return NotificationSql.count(c, "SELECT COUNT(*) FROM system_notifications"
                    + " WHERE id = ? AND user_id = ? AND deleted_at IS NULL", id, userId) > 0
                    ? OptionalInt.of(0) : OptionalInt.empty();
        });
    }

    /** Marks the user's unread notifications among {@code ids} read; returns how many changed. */
    public int markRead(long userId, Collection<Long> ids) {
        return changing(userId, () -> events.enabled()
                ? changeWithEvents("mark read", READ, "is_read = FALSE", userId, distinct(ids), now(), EventSink.READ, "read_at")
                : sql.updateIds("mark read", READ, "is_read = FALSE", userId, distinct(ids), now()));
    }

    /** Marks all the user's unread notifications read in one statement; returns how many. */
    public int markAllRead(long userId) {
        return changing(userId, () -> events.enabled()
                ? changeWithEvents("mark all read", READ, "is_read = FALSE", userId, null, now(), EventSink.READ, "read_at")
                : sql.updateAll("mark all read", READ, "is_read = FALSE", userId, now()));
    }

    /** Soft-deletes one notification; false when it is missing, already deleted or another user's. */
    public boolean delete(long userId, long id) {
        return changing(userId, () -> sql.updateIds("delete notification", DELETE, null, userId, new long[] {id}, now())) == 1;
    }

    /** Soft-deletes the user's notifications among {@code ids}; returns how many. */
    public int delete(long userId, Collection<Long> ids) {
        return changing(userId, () -> sql.updateIds("delete notifications", DELETE, null, userId, distinct(ids), now()));
    }

    /** Soft-deletes all the user's read notifications; returns how many. */
    public int clearRead(long userId) {
        return changing(userId, () -> sql.updateAll("clear read", DELETE, "is_read = TRUE", userId, now()));
    }

    /**
     * A change with webhook events, in ONE transaction: locks the user's rows among {@code ids}
     * ({@code null}: all the user's rows) that meet {@code condition} ({@code SELECT … FOR UPDATE},
     * so two concurrent reads of one id cannot both report it), changes exactly those, and stores one
     * {@code type} event per changed row. Returns how many changed.
     */
    private int changeWithEvents(String action, String set, String condition, long userId, long[] ids, Instant now,
                                 String type, String timeField) {
        if (ids != null && ids.length == 0) {
            return 0;
        }
        return db.inTransaction(action, c -> {
            List<Long> changed = new ArrayList<>();
            if (ids == null) {
                changed.addAll(lockedIds(c, condition, userId, null));
            } else {
                for (long[] chunk : IdChunks.split(ids, ID_CHUNK)) {
                    changed.addAll(lockedIds(c, condition, userId, chunk));
                }
            }
            long[] found = changed.stream().mapToLong(Long::longValue).toArray();
            int n = 0;
            for (long[] chunk : IdChunks.split(found, ID_CHUNK)) {
                n += sql.update(c, set, condition, userId, chunk, now);
            }
            String at = now.toString();
            List<Map<String, Object>> data = new ArrayList<>(found.length);
            for (long id : found) {
                Map<String, Object> d = new java.util.LinkedHashMap<>();
                d.put("notification_id", id);
                d.put("user_id", userId);
                d.put(timeField, at);
                data.add(d);
            }
            events.publishIn(c, type, data);
            return n;
        });
    }

    private static List<Long> lockedIds(Connection c, String condition, long userId, long[] ids) throws SQLException {
        String q = "SELECT id FROM system_notifications WHERE user_id = ? AND deleted_at IS NULL AND " + condition
                + (ids == null ? "" : " AND id IN (" + IdChunks.placeholders(ids.length) + ")") + " ORDER BY id FOR UPDATE";
        try (PreparedStatement ps = c.prepareStatement(q)) {
            ps.setLong(1, userId);
            if (ids != null) {
                for (int i = 0; i < ids.length; i++) {
                    ps.setLong(2 + i, ids[i]);
                }
            }
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- delivery

    /**
     * The user's urgent notifications not yet acknowledged by a client, with id above
     * {@code sinceId}, oldest first (id order), at most {@code limit}. Read ones are included:
     * delivery and reading are tracked separately. Normal ones (store only) are never pushed, so
     * never listed here.
     */
    List<Notification> undelivered(long userId, long sinceId, int limit) {
        requireLimit(limit);
        return sql.query("list undelivered", undeliveredSql, userId, sinceId, limit);
    }

    /**
     * The unread count of a user this node knows to have nothing waiting (no undelivered
     * notification), or empty: then {@link #connectBacklog} reads it. Never a query; always empty
     * unless this node is the inbox's only writer.
     */
    public OptionalLong knownNothingWaiting(long userId) {
        return nothingWaiting == null ? OptionalLong.empty() : nothingWaiting.unreadCount(userId);
    }

    /**
     * {@link #backlog} from the start, for the push on connect: a user it finds with nothing
     * waiting is remembered (only on the inbox's only writer), so that user's next connect asks
     * {@link #knownNothingWaiting} instead of the database until one of their rows changes.
     */
    public Backlog connectBacklog(long userId, int limit) {
        if (nothingWaiting == null) {
            return backlog(userId, 0, limit);
        }
        long stamp = nothingWaiting.stamp();
        Backlog page = backlog(userId, 0, limit);
        if (page.notifications().isEmpty()) {
            nothingWaiting.offer(userId, stamp, page.unreadCount());
        }
        return page;
    }

    /** Runs a change of {@code userId}'s rows, then forgets what this node knew of them (even if it failed). */
    private <T> T changing(long userId, Supplier<T> change) {
        try {
            return change.get();
        } finally {
            changed(userId);
        }
    }

    private void changed(long userId) {
        if (nothingWaiting != null) {
            nothingWaiting.changed(userId);
        }
    }

    private void changed(long[] userIds) {
        if (nothingWaiting != null) {
            nothingWaiting.changed(userIds);
        }
    }

    private void changedAll() {
        if (nothingWaiting != null) {
            nothingWaiting.changedAll();
        }
    }

    /**
     * {@link #undelivered} and {@link #unreadCount} in ONE statement (one round trip, one pooled
     * connection): the count is an uncorrelated subquery, LEFT JOINed to the page of undelivered
     * rows so it comes back even when that page is empty. For the push on connect and {@code sync}.
     */
    public Backlog backlog(long userId, long sinceId, int limit) {
        requireLimit(limit);
        return db.withConnection("read backlog", c -> {
            try (PreparedStatement ps = c.prepareStatement(backlogSql)) {
                ps.setLong(1, userId);
                ps.setLong(2, userId);
                ps.setLong(3, sinceId);
                ps.setInt(4, limit);
                List<Notification> page = new ArrayList<>();
                long unread = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        unread = rs.getLong(NotificationRows.COLUMN_COUNT + 1);
                        rs.getLong(1);
                        if (!rs.wasNull()) {
                            page.add(sql.rows().read(rs));
                        }
                    }
                }
                return new Backlog(page, unread);
            }
        });
    }

    private static String backlogSql(String undeliveredSql) {
        return "SELECT " + NotificationRows.columnsOf("n") + ", c.unread FROM (SELECT COUNT(*) AS unread"
                + " FROM system_notifications WHERE user_id = ? AND is_read = FALSE AND deleted_at IS NULL"
                + " AND " + VISIBLE + ") c"
                + " LEFT JOIN (" + undeliveredSql + ") n ON 1 = 1 ORDER BY n.id";
    }

    /**
     * Records that a client of {@code userId} acknowledged {@code ids}: sets
     * {@code sent_via_websocket} and {@code sent_at} (the first acknowledgement wins). Ids of other
     * users are ignored. Returns how many rows changed.
     */
    public int markDelivered(long userId, Collection<Long> ids) {
        return markDelivered(List.of(new Acks.Ack(userId, distinct(ids)))).get(0);
    }

    /** Several clients' acks in one transaction ({@link Acks}): per ack, how many rows it delivered. */
    List<Integer> markDelivered(List<Acks.Ack> group) {
        return acks.mark(group, now());
    }

    /** Acks waiting to be stored together, one transaction a group ({@link #ackQueue}). */
    public interface AckQueue {
        /**
         * Queues {@link #markDelivered(long, Collection)} of {@code ids} for {@code userId};
         * completes with how many rows it delivered once committed, or with its failure — at once
         * with {@code StoreBusyException} when the queue is full.
         */
        CompletableFuture<Integer> acknowledge(long userId, Collection<Long> ids);
    }

    /**
     * A group-commit queue of acks whose one writer runs on {@code writers} (the SQL workers): acks
     * that arrive while a group is written go together in the next transaction. One per node.
     */
    public AckQueue ackQueue(Executor writers) {
        return new Acks.Queue(this, writers);
    }

    /**
     * The retry job's work list over all users: undelivered urgent notifications whose
     * {@code retry_count} is below {@code maxRetries}, least-retried first and oldest first among
     * equals ({@code ORDER BY retry_count, id}), at most {@code limit}. That is the index order,
     * so the query stops after {@code limit} rows however many rows are pending, and rows that
     * used up their retries are never scanned; every pending row gets its first retry before any
     * gets its second.
     */
    List<Notification> retryCandidates(int limit, int maxRetries) {
        requireLimit(limit);
        requireRetries(maxRetries);
        return sql.query("list retry candidates", retrySql, maxRetries, limit);
    }

    /**
     * Like {@link #retryCandidates(int, int)} but only for {@code userIds} (the online ones, say),
     * oldest first (id order), at most {@code limit}; reads each user's undelivered rows through
     * the per-user index, {@value #ID_CHUNK} users per query.
     */
    public List<Notification> retryCandidates(Collection<Long> userIds, int limit, int maxRetries) {
        requireLimit(limit);
        requireRetries(maxRetries);
        List<Notification> found = new ArrayList<>();
        for (long[] users : IdChunks.split(distinct(userIds), ID_CHUNK)) {
            Object[] params = new Object[users.length + 2];
            for (int i = 0; i < users.length; i++) {
                params[i] = users[i];
            }
            params[users.length] = maxRetries;
            params[users.length + 1] = limit;
            found.addAll(sql.query("list retry candidates", SELECT + " WHERE user_id IN ("
                    + IdChunks.placeholders(users.length) + ") AND sent_via_websocket = FALSE"
                    + " AND deleted_at IS NULL AND " + PUSHED + " AND retry_count < ? ORDER BY id LIMIT ?", params));
        }
        found.sort(Comparator.comparingLong(Notification::id));
        return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
    }

    /**
     * Counts one retry for each of {@code ids} that is still undelivered, not deleted and below
     * {@code maxRetries}, and returns the ids it counted (ascending, duplicates once). The
     * condition is checked by each row's UPDATE, so runs that overlap (the job and
     * {@code POST /retry-unsent} at the same moment) can never take a row past the maximum; a
     * caller pushes only the ids returned. One transaction.
     */
    public List<Long> incrementRetry(Collection<Long> ids, int maxRetries) {
        requireRetries(maxRetries);
        long[] distinct = distinct(ids);
        if (distinct.length == 0) {
            return List.of();
        }
        Object ts = db.dialect().timestamp(now());
        return db.inTransaction("count retry", c -> {
            List<Long> counted = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE system_notifications SET " + RETRY
                    + " WHERE id = ? AND retry_count < ? AND sent_via_websocket = FALSE AND deleted_at IS NULL"
                    + " AND " + PUSHED)) {
                for (long id : distinct) {
                    ps.setObject(1, ts);
                    ps.setLong(2, id);
                    ps.setInt(3, maxRetries);
                    if (ps.executeUpdate() == 1) {
                        counted.add(id);
                    }
                }
            }
            return counted;
        });
    }

    // ---------------------------------------------------------------- retention

    /**
     * Removes for good (hard delete) read notifications created before {@code olderThan}, and
     * soft-deleted notifications deleted before {@code olderThan}. Unread, undeleted rows are
     * never removed. Works in chunks of {@value #PURGE_CHUNK} rows, each its own transaction, so
     * a large purge does not hold locks for long; returns how many rows were removed.
     */
    public long purgeRead(Instant olderThan) {
        requireNonNull(olderThan, "olderThan");
        return Retention.purge(db, olderThan, PURGE_CHUNK);
    }

    /** Removes idempotency keys created before {@code olderThan}; returns how many. */
    public int purgeIdempotencyKeys(Instant olderThan) {
        requireNonNull(olderThan, "olderThan");
        return db.withConnection("purge idempotency keys", c -> sends.keys().purge(c, olderThan));
    }

    // ---------------------------------------------------------------- helpers

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static long[] distinct(Collection<Long> ids) {
        return IdChunks.distinctSorted(requireNonNull(ids, "ids"));
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ": " + limit);
        }
    }

    private static void requireRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
    }
}
