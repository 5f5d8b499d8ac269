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
import static java.util.Objects.requireNonNull;

import dev.herald.store.Database;
import dev.herald.webhooks.EventSink;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
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
 *
 * <p>A facade: it checks the arguments, forgets the users a change touches ({@link NothingWaiting})
 * and delegates the SQL by concern — {@link SendTransaction} (sends), {@link Reads},
 * {@link StateChanges}, {@link Escalations}, {@link Delivery} and {@link Acks}, {@link Retention}.
 */
public final class NotificationStore {

    /** Most rows {@link #unread}, {@link #undelivered} and {@link #retryCandidates} return at once. */
    public static final int MAX_LIMIT = 10_000;

    static final int ID_CHUNK = NotificationSql.ID_CHUNK;
    static final int PURGE_CHUNK = 5_000;

    private final Database db;
    private final Clock clock;
    private final NotificationSql sql;
    private final SendTransaction sends;
    private final Acks acks;
    private final StateChanges changes;
    private final Escalations escalations;
    /** Users known to have nothing waiting; null unless this node is the inbox's only writer. */
    private final NothingWaiting nothingWaiting;
    // Package-visible for QueryPlanTest, which reads their hot SQL.
    final Reads reads;
    final Delivery delivery;

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
        requireNonNull(events, "events");
        this.sql = new NotificationSql(db);
        this.sends = new SendTransaction(db, sql, insertChunk);
        this.acks = new Acks(db, sql, events);
        this.reads = new Reads(db, sql);
        this.changes = new StateChanges(db, sql, events, this::now);
        this.escalations = new Escalations(db, events);
        this.delivery = new Delivery(db, sql, this::now);
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
        return db.withConnection("list known users for a send", c -> sends.knownUsers().everyone(c, category, type, MAX_LIMIT));
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
        return db.inTransaction("change preferences",
                c -> sends.preferences().update(c, userId, categories, types, setEmail, email));
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
        return reads.chatRecipient(userId, limit);
    }

    // ---------------------------------------------------------------- reading

    /** One page of {@code filter.userId()}'s notifications, newest first, with the total. */
    public Page<Notification> list(NotificationFilter filter) {
        return reads.list(filter);
    }

    /** The user's unread notifications, newest first, at most {@code limit}. */
    public List<Notification> unread(long userId, int limit) {
        requireLimit(limit);
        return reads.unread(userId, limit);
    }

    /** How many of the user's notifications are unread (answered from an index). */
    public long unreadCount(long userId) {
        return reads.unreadCount(userId);
    }

    /**
     * Unread counts of many users at once (one grouped query per {@value IdTable#MAX_IDS} users,
     * on one connection), for pushing {@code unread_count} after a many-recipient send; users
     * with none are absent from the map. The users are one array parameter joined to the table
     * ({@link IdTable}), so each is one lookup in sn_user_read: an {@code IN (…)} list made H2
     * compare every matching row with every listed id.
     */
    public Map<Long, Long> unreadCounts(Collection<Long> userIds) {
        return reads.unreadCounts(distinct(userIds));
    }

    /** The notification {@code id} if it belongs to {@code userId}. */
    public Optional<Notification> find(long userId, long id) {
        return reads.find(userId, id);
    }

    /**
     * Totals of the user's notifications in the default view (not archived, not snoozed): all,
     * unread, read, per type, per category — so {@code total} is the default list's total and
     * {@code unread} the unread count — and apart from them how many are archived and snoozed.
     */
    public Statistics statistics(long userId) {
        return reads.statistics(userId);
    }

    // ---------------------------------------------------------------- changing

    /**
     * Marks one notification read: how many rows changed (1, or 0 when it was read already), or
     * empty when it is not the user's (missing, deleted or another user's). One connection.
     */
    public OptionalInt markRead(long userId, long id) {
        return changing(userId, () -> changes.markRead(userId, id));
    }

    /** Marks one read notification unread again: 1, 0 when it was unread, empty when not the user's. */
    public OptionalInt markUnread(long userId, long id) {
        return changing(userId, () -> changes.markUnread(userId, id));
    }

    /** Archives one notification (a snoozed one stops being snoozed): 1, 0 when archived already, empty when not the user's. */
    public OptionalInt archive(long userId, long id) {
        return changing(userId, () -> changes.archive(userId, id));
    }

    /** Archives the user's notifications among {@code ids} that are not archived; returns how many. */
    public int archive(long userId, Collection<Long> ids) {
        return changing(userId, () -> changes.archive(userId, distinct(ids)));
    }

    /** Takes one notification out of the archive: 1, 0 when it was not archived, empty when not the user's. */
    public OptionalInt unarchive(long userId, long id) {
        return changing(userId, () -> changes.unarchive(userId, id));
    }

    /**
     * Snoozes one notification until {@code until} (the caller checks the range): hidden from the
     * list and the unread count until {@link #wakeSnoozed} wakes it; an archived one leaves the
     * archive. 1, or empty when not the user's (snoozing again moves the time).
     */
    public OptionalInt snooze(long userId, long id, Instant until) {
        requireNonNull(until, "until");
        Instant now = now();
        return changing(userId, () -> changes.snooze(userId, id, until, now));
    }

    /** What one run of {@link #claimEscalations} claimed: mails to send, and how many had no address. */
    public record ClaimedEscalations(List<dev.herald.inbox.Escalation> toSend, int skipped) {}

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
        return escalations.claim(limit, now());
    }

    /** Records how a claimed escalation ended: {@code sent} or {@code failed}. */
    public void finishEscalation(long id, boolean sent) {
        escalations.finish(id, sent);
    }

    /**
     * Escalations claimed more than {@code olderThan} ago and still {@code sending}: a node claimed
     * them and never recorded how the mail went (it died between the claim and the end of the send,
     * and those mails are lost), or is still working through a long batch. Served by the index of
     * migration V7.
     */
    public long stuckEscalations(java.time.Duration olderThan) {
        requireNonNull(olderThan, "olderThan");
        return escalations.stuck(now().minus(olderThan));
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
        List<Long> woken = changes.wakeSnoozed(limit);
        if (woken.isEmpty()) {
            return List.of();
        }
        changedAll(); // shown again as new: their users have something waiting (and more unread)
        return sql.findAll(IdChunks.distinctSorted(woken));
    }

    /** What {@link #takeAction} did (the service's {@code ActionResult} names the same four). */
    public enum Taking { TAKEN, NOT_FOUND, NO_SUCH_ACTION, ALREADY_TAKEN }

    /**
     * Records that the owner took action {@code actionId} of notification {@code id}:
     * {@code action_taken = {id, at}}, read (keeping an earlier {@code read_at}). The UPDATE
     * repeats {@code action_taken IS NULL}, so of two concurrent calls exactly one wins.
     */
    public Taking takeAction(long userId, long id, String actionId) {
        requireNonNull(actionId, "actionId");
        Taking taking = changes.takeAction(userId, id, actionId);
        if (taking == Taking.TAKEN) {
            changed(userId);
        }
        return taking;
    }

    /** Marks the user's unread notifications among {@code ids} read; returns how many changed. */
    public int markRead(long userId, Collection<Long> ids) {
        return changing(userId, () -> changes.markRead(userId, distinct(ids)));
    }

    /** Marks all the user's unread notifications read in one statement; returns how many. */
    public int markAllRead(long userId) {
        return changing(userId, () -> changes.markAllRead(userId));
    }

    /** Soft-deletes one notification; false when it is missing, already deleted or another user's. */
    public boolean delete(long userId, long id) {
        return changing(userId, () -> changes.delete(userId, id)) == 1;
    }

    /** Soft-deletes the user's notifications among {@code ids}; returns how many. */
    public int delete(long userId, Collection<Long> ids) {
        return changing(userId, () -> changes.delete(userId, distinct(ids)));
    }

    /** Soft-deletes all the user's read notifications; returns how many. */
    public int clearRead(long userId) {
        return changing(userId, () -> changes.clearRead(userId));
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
        return delivery.undelivered(userId, sinceId, limit);
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

    /**
     * {@link #undelivered} and {@link #unreadCount} in ONE statement (one round trip, one pooled
     * connection): the count is an uncorrelated subquery, LEFT JOINed to the page of undelivered
     * rows so it comes back even when that page is empty. For the push on connect and {@code sync}.
     */
    public Backlog backlog(long userId, long sinceId, int limit) {
        requireLimit(limit);
        return delivery.backlog(userId, sinceId, limit);
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
        return delivery.retryCandidates(limit, maxRetries);
    }

    /**
     * Like {@link #retryCandidates(int, int)} but only for {@code userIds} (the online ones, say),
     * oldest first (id order), at most {@code limit}; reads each user's undelivered rows through
     * the per-user index, {@value #ID_CHUNK} users per query.
     */
    public List<Notification> retryCandidates(Collection<Long> userIds, int limit, int maxRetries) {
        requireLimit(limit);
        requireRetries(maxRetries);
        return delivery.retryCandidates(distinct(userIds), limit, maxRetries);
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
        return delivery.incrementRetry(distinct(ids), maxRetries);
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
