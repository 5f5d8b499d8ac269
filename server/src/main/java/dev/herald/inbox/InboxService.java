package dev.herald.inbox;

import dev.herald.broker.Broker;
import dev.herald.broker.Presence;
import dev.herald.config.Settings;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.Json;
import dev.herald.store.SqlWorkers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's use cases, one method each, called alike by the HTTP API and the WebSocket
 * handlers so that one rule answers both. A notification is stored first (a many-recipient send
 * in one transaction), then pushed to the recipients' live connections; it counts as delivered
 * only when a client acks it. Every change to a user's unread count is pushed as
 * {@code unread_count} to all of that user's connections. A push failure never fails a send or a
 * change: what was stored will be delivered by the next connect, {@code sync} or retry run.
 *
 * <p>Every method returns at once; its SQL runs on the {@link SqlWorkers}. Failures complete the
 * stage: {@link NoSuchNotificationException} for an id that is not the user's, the store's
 * exceptions ({@code StoreBusyException}, {@code StoreUnavailableException}, …) for the database.
 */
public final class InboxService {
    private static final Logger log = LoggerFactory.getLogger(InboxService.class);
    private static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /** Users whose known_users upsert a node remembers; 100,000 entries ≈ 10 MB of heap. */
    static final int KNOWN_USER_CACHE = 100_000;
    /** Users a node that is the inbox's only writer remembers as having nothing waiting; ≈ 10 MB at most. */
    public static final int NOTHING_WAITING_USERS = 100_000;
    /** A remembered user is written again (moving last_seen) after this long. */
    static final Duration KNOWN_USER_REFRESH = Duration.ofHours(1);
    /** Sends to at most this many recipients add them to that cache (bigger ones would flush it). */
    static final int REMEMBER_RECIPIENTS = 1_000;
    /** Sends to at most this many recipients share transactions ({@link NotificationStore#groupCommit}). */
    static final int GROUP_RECIPIENTS = 100;
    /** Senders whose offline-chat quota a node tracks; 100,000 entries ≈ 8 MB of heap. */
    static final int CHAT_SENDERS = 100_000;

    private final NotificationStore store;
    private final SqlWorkers sql;
    private final Presence presence;
    private final HeraldMetrics metrics;
    private final int maxRetries;
    private final int chatsPerRecipient;
    private final SenderQuota chatSenders;
    private final KnownUserCache knownUsers = new KnownUserCache(KNOWN_USER_CACHE, KNOWN_USER_REFRESH);
    private final NotificationStore.SendQueue groups;
    private final NotificationStore.AckQueue acks;
    private final ConnectTouches touches;
    private final LivePush live;
    private final java.time.Clock clock;

    public InboxService(NotificationStore store, SqlWorkers sql, Broker broker, Presence presence,
                               HeraldMetrics metrics, Settings.Notifications settings) {
        this(store, sql, broker, presence, metrics, settings, java.time.Clock.systemUTC());
    }

    /** {@code clock}: the inbox's time (the store's, for the same node), against which snoozes are checked. */
    public InboxService(NotificationStore store, SqlWorkers sql, Broker broker, Presence presence,
                        HeraldMetrics metrics, Settings.Notifications settings, java.time.Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        this.store = Objects.requireNonNull(store);
        this.sql = Objects.requireNonNull(sql);
        this.presence = Objects.requireNonNull(presence);
        this.metrics = Objects.requireNonNull(metrics);
        this.maxRetries = settings.maxRetries();
        this.chatsPerRecipient = settings.offlineChatsPerRecipient();
        this.chatSenders = new SenderQuota(settings.offlineChatsPerSenderHour(), Duration.ofHours(1), CHAT_SENDERS,
                System::nanoTime);
        this.groups = store.groupCommit(sql);
        this.acks = store.ackQueue(sql);
        this.touches = new ConnectTouches(store, sql, knownUsers);
        this.live = new LivePush(store, sql, broker, presence);
    }

    /**
     * What a send did: how many were stored, their ids (the first {@value InboxLimits#SEND_IDS_SHOWN}),
     * whether it was a replay, and which users it reached live.
     */
    public record SendResult(int count, List<Long> ids, boolean duplicate, List<Long> pushedTo, int skipped,
                             int collapsed) {
        public SendResult(int count, List<Long> ids, boolean duplicate, List<Long> pushedTo) {
            this(count, ids, duplicate, pushedTo, 0, 0);
        }
    }

    /**
     * Stores, then pushes the urgent rows; normal ones (store only, and the rows of recipients
     * whose preferences make it {@code quiet}) push only the new unread counts. Recipients whose
     * preferences turn it {@code off} are skipped unless {@code n.force()}. Empty {@code userIds}
     * means every known user (filtered by preferences in SQL).
     */
    public CompletionStage<SendResult> send(long[] userIds, NewNotification n, String idempotencyKey) {
        return insert(userIds, n, idempotencyKey).thenCompose(inserted -> {
            metrics.push("notification");
            List<Long> ids = inserted.notifications().stream().limit(InboxLimits.SEND_IDS_SHOWN).map(Notification::id).toList();
            if (inserted.replayed()) {
                return CompletableFuture.completedFuture(
                        new SendResult(inserted.notifications().size(), ids, true, List.of(), 0, 0));
            }
            List<Notification> urgent = new ArrayList<>();
            List<Notification> storeOnly = new ArrayList<>();
            for (Notification stored : inserted.notifications()) {
                (InboxLimits.URGENT.equals(stored.level()) ? urgent : storeOnly).add(stored);
            }
            // level normal and quiet recipients push no notification, but the badges still move
            CompletionStage<List<Long>> delivery = (urgent.isEmpty() ? CompletableFuture.<List<Long>>completedFuture(List.of())
                    : live.newlyStored(urgent))
                    .thenCompose(pushed -> storeOnly.isEmpty() ? CompletableFuture.completedFuture(pushed)
                            : live.countsOnly(storeOnly).thenApply(counted -> pushed));
            return delivery.handle((pushed, err) -> {
                if (err != null) {
                    log.warn("notifications stored but not pushed; they wait for sync or retry: {}", err.toString());
                    pushed = List.of();
                }
                int collapsed = (int) inserted.notifications().stream().filter(x -> x.groupCount() > 1).count();
                return new SendResult(inserted.notifications().size(), ids, false, pushed, inserted.skipped(), collapsed);
            });
        });
    }

    /**
     * Stores a send: up to {@value #GROUP_RECIPIENTS} recipients through the group commit
     * (together with the small sends that arrive meanwhile, in one transaction), bigger ones and
     * sends to everyone in their own transaction.
     */
    private CompletionStage<StoredSend> insert(long[] userIds, NewNotification n, String idempotencyKey) {
        // a collapsing send locks (user, group_key) rows: a group takes all its keyless members'
        // locks in (user, group_key) order, as a lone send does. One with an idempotency key would
        // lock under its own savepoint, out of that order: it keeps its own transaction
        if (userIds.length > 0 && userIds.length <= GROUP_RECIPIENTS && (n.groupKey() == null || idempotencyKey == null)) {
            List<Long> recipients = boxed(userIds);
            CompletableFuture<StoredSend> stored;
            try {
                // recipients known to this node need not be added to known_users
                stored = groups.submit(store.grouped(idempotencyKey, recipients, n, knownUsers::isKnown));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return stored.thenApply(inserted -> remember(recipients, inserted));
        }
        return sql.submit(() -> {
            boolean everyone = userIds.length == 0;
            int muted = 0;
            List<Long> recipients;
            if (!everyone) {
                recipients = boxed(userIds);
            } else if (n.force()) {
                recipients = store.knownUserIds();
            } else {
                // preferences that turn it off are applied in SQL, while reading the recipients
                NotificationStore.Everyone all = store.everyone(n.category(), n.type());
                recipients = all.userIds();
                muted = all.muted();
            }
            // recipients read from known_users, or known to this node, need not be added to it
            LongPredicate known = everyone ? user -> true : knownUsers::isKnown;
            StoredSend inserted = idempotencyKey != null
                    ? store.insertIdempotent(idempotencyKey, recipients, n, known)
                    : store.send(recipients, n, known);
            if (muted > 0 && !inserted.replayed()) {
                inserted = new StoredSend(inserted.notifications(), false, inserted.skipped() + muted);
            }
            return everyone ? inserted : remember(recipients, inserted);
        });
    }

    /** After a committed send (not a replay) to a few users, this node knows they are in known_users. */
    private StoredSend remember(List<Long> recipients, StoredSend inserted) {
        if (!inserted.replayed() && recipients.size() <= REMEMBER_RECIPIENTS) {
            recipients.forEach(knownUsers::rememberKnown);
        }
        return inserted;
    }

    // ---------------------------------------------------------------- reading

    /** One page of {@code filter.userId()}'s notifications, newest first, with the total. */
    public CompletionStage<Page<Notification>> list(NotificationFilter filter) {
        return sql.submit(() -> store.list(filter));
    }

    /** The user's unread notifications, newest first, at most {@code limit}. */
    public CompletionStage<List<Notification>> unread(long userId, int limit) {
        return sql.submit(() -> store.unread(userId, limit));
    }

    public CompletionStage<Long> unreadCount(long userId) {
        return sql.submit(() -> store.unreadCount(userId));
    }

    public CompletionStage<Statistics> statistics(long userId) {
        return sql.submit(() -> store.statistics(userId));
    }

    /** The user's notification {@code id}; fails with {@link NoSuchNotificationException} if it is not theirs. */
    public CompletionStage<Notification> find(long userId, long id) {
        return sql.submit(() -> store.find(userId, id).orElseThrow(() -> new NoSuchNotificationException(id)));
    }

    // ---------------------------------------------------------------- changing

    /** Marks the user's unread notifications among {@code ids} read; completes with how many changed. */
    public CompletionStage<Integer> markRead(long userId, long[] ids) {
        return change(userId, () -> store.markRead(userId, boxed(ids)));
    }

    /**
     * Marks one notification read; completes with 1, or 0 when it was read already, and fails with
     * {@link NoSuchNotificationException} if it is not the user's.
     */
    public CompletionStage<Integer> markOneRead(long userId, long id) {
        return change(userId, () -> store.markRead(userId, id).orElseThrow(() -> new NoSuchNotificationException(id)));
    }

    public CompletionStage<Integer> markAllRead(long userId) {
        return change(userId, () -> store.markAllRead(userId));
    }

    /** Soft-deletes the user's notifications among {@code ids}; completes with how many. */
    public CompletionStage<Integer> delete(long userId, long[] ids) {
        return change(userId, () -> store.delete(userId, boxed(ids)));
    }

    /** Soft-deletes one notification (completes with 1); fails with {@link NoSuchNotificationException} if it is not the user's. */
    public CompletionStage<Integer> deleteOne(long userId, long id) {
        return change(userId, () -> {
            if (!store.delete(userId, id)) {
                throw new NoSuchNotificationException(id);
            }
            return 1;
        });
    }

    /** Soft-deletes all the user's read notifications; completes with how many. */
    public CompletionStage<Integer> clearRead(long userId) {
        return change(userId, () -> store.clearRead(userId));
    }

    /** Marks one read notification unread again; 1, or 0 when it was unread; 404 when not the user's. */
    public CompletionStage<Integer> markUnread(long userId, long id) {
        return change(userId, () -> store.markUnread(userId, id).orElseThrow(() -> new NoSuchNotificationException(id)));
    }

    /** Archives one notification; 1, or 0 when it was archived already; 404 when not the user's. */
    public CompletionStage<Integer> archiveOne(long userId, long id) {
        return change(userId, () -> store.archive(userId, id).orElseThrow(() -> new NoSuchNotificationException(id)));
    }

    /** Archives the user's notifications among {@code ids}; completes with how many changed. */
    public CompletionStage<Integer> archive(long userId, long[] ids) {
        return change(userId, () -> store.archive(userId, boxed(ids)));
    }

    /** Takes one notification out of the archive; 1, or 0 when it was not archived; 404 when not the user's. */
    public CompletionStage<Integer> unarchive(long userId, long id) {
        return change(userId, () -> store.unarchive(userId, id).orElseThrow(() -> new NoSuchNotificationException(id)));
    }

    /** The user's preferences (defaults when never set). */
    public CompletionStage<Preferences> preferences(long userId) {
        return sql.submit(() -> store.preferences(userId));
    }

    /**
     * Merges some of the user's preferences (the API validated them): each given category and
     * type mode, and the e-mail when {@code setEmail}; completes with all of them after.
     */
    public CompletionStage<Preferences> updatePreferences(long userId, Map<String, String> categories,
                                                          Map<String, String> types, boolean setEmail, String email) {
        return sql.submit(() -> store.updatePreferences(userId, categories, types, setEmail, email));
    }

    /** The inbox's current time (a snooze must end after it). */
    public Instant now() {
        return clock.instant();
    }

    /** Snoozes one notification until {@code until} (the caller checks the range); 404 when not the user's. */
    public CompletionStage<Integer> snooze(long userId, long id, Instant until) {
        return change(userId, () -> store.snooze(userId, id, until).orElseThrow(() -> new NoSuchNotificationException(id)));
    }

    /**
     * The owner takes action {@code actionId} of notification {@code id}: on {@link ActionResult#TAKEN}
     * the record is read and carries {@code action_taken}, and the user's unread count is pushed.
     * Completes with the result and the record as it is now (null when not the user's).
     */
    public CompletionStage<ActionOutcome> takeAction(long userId, long id, String actionId) {
        return sql.submit(() -> {
            ActionResult result = ActionResult.valueOf(store.takeAction(userId, id, actionId).name());
            Notification now = result == ActionResult.NOT_FOUND ? null : store.find(userId, id).orElse(null);
            return new ActionOutcome(result, now);
        }).thenCompose(outcome -> {
            if (outcome.result() != ActionResult.TAKEN) {
                return CompletableFuture.completedFuture(outcome);
            }
            return live.unreadCounts(List.of(userId)).handle((v, err) -> {
                if (err != null) {
                    log.warn("unread_count push failed user={}: {}", userId, err.toString());
                }
                return outcome;
            });
        });
    }

    /** What {@link #takeAction} did, and the record after it (null when not the user's). */
    public record ActionOutcome(ActionResult result, Notification notification) {}

    /** Runs a change for {@code userId}; when it changed rows, pushes the user's new unread count. */
    private CompletionStage<Integer> change(long userId, Supplier<Integer> work) {
        return sql.submit(work).thenCompose(changed -> {
            if (changed == 0) {
                return CompletableFuture.completedFuture(changed);
            }
            return live.unreadCounts(List.of(userId)).handle((v, err) -> {
                if (err != null) {
                    log.warn("unread_count push failed user={}: {}", userId, err.toString());
                }
                return changed;
            });
        });
    }

    // ---------------------------------------------------------------- delivery

    /**
     * One page (at most {@value InboxLimits#SYNC_LIMIT}) of the user's undelivered notifications after
     * {@code sinceId}, oldest first, with the unread count: one query.
     */
    public CompletionStage<Backlog> backlog(long userId, long sinceId) {
        return backlog(userId, sinceId, InboxLimits.SYNC_LIMIT);
    }

    /** {@link #backlog(long, long)} with a smaller page ({@code limit} ≤ {@value InboxLimits#SYNC_LIMIT}). */
    public CompletionStage<Backlog> backlog(long userId, long sinceId, int limit) {
        return sql.submit(() -> store.backlog(userId, sinceId, limit));
    }

    /**
     * A user connected: reads the first page of their backlog on the SQL workers — one query, none
     * for a user this node knows to have nothing waiting ({@link NotificationStore#knownNothingWaiting},
     * answered on the caller's thread) — and marks them known, batched with other connects
     * ({@link ConnectTouches}) and skipped when this node did so within {@link #KNOWN_USER_REFRESH};
     * the answer waits for that too.
     */
    public CompletionStage<Backlog> connected(long userId) {
        CompletableFuture<Backlog> backlog = fromStart(userId);
        if (!knownUsers.needsTouch(userId)) {
            return backlog;
        }
        // answered once the user is known too, so that "connected" means "reached by a send to everyone"
        return touches.add(userId).thenCombine(backlog, (touched, page) -> page);
    }

    /**
     * The page a {@code sync} frame asks for: {@link #backlog(long, long)}, but none for a user this
     * node knows to have nothing waiting, whatever {@code sinceId} (no undelivered notification at
     * all is none after any id either; the unread count does not depend on it): the same page, no
     * query. A sync from the start ({@code sinceId} 0) that finds nothing waiting is remembered as
     * the push on connect's read is.
     */
    public CompletionStage<Backlog> sync(long userId, long sinceId) {
        if (sinceId == 0) {
            return fromStart(userId);
        }
        return knownEmpty(userId).<CompletionStage<Backlog>>map(CompletableFuture::completedFuture)
                .orElseGet(() -> backlog(userId, sinceId));
    }

    /**
     * The first page of the backlog: {@link #knownEmpty} (answered on the caller's thread), else one
     * query on the SQL workers, which remembers a user it finds with nothing waiting.
     */
    private CompletableFuture<Backlog> fromStart(long userId) {
        return knownEmpty(userId).map(CompletableFuture::completedFuture)
                .orElseGet(() -> sql.submit(() -> store.connectBacklog(userId, InboxLimits.SYNC_LIMIT)));
    }

    /** The empty page of a user this node knows to have nothing waiting ({@link NotificationStore#knownNothingWaiting}). */
    private Optional<Backlog> knownEmpty(long userId) {
        OptionalLong unread = store.knownNothingWaiting(userId);
        return unread.isPresent() ? Optional.of(new Backlog(List.of(), unread.getAsLong())) : Optional.empty();
    }

    /**
     * Marks notifications delivered after the client's ack; only the user's own ids count. Acks
     * that arrive together are stored in one transaction ({@link NotificationStore#ackQueue}).
     */
    public CompletionStage<Integer> acknowledge(long userId, long[] ids) {
        return acks.acknowledge(userId, boxed(ids));
    }

    // ---------------------------------------------------------------- jobs

    /**
     * The retry job: re-pushes unacked notifications of online users, counting each push in
     * {@code retry_count} up to the maximum. Returns how many were pushed.
     */
    public CompletionStage<Integer> retryUnsent(int limit) {
        // Candidates of online users only: offline users' unacked notifications are never pushed
        // or counted, so picking the oldest of everyone's would let them fill every batch.
        return presence.onlineUsers().thenCompose(online -> {
            if (online.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            return sql.submit(() -> store.retryCandidates(online, limit, maxRetries)).thenCompose(due -> {
                if (due.isEmpty()) {
                    return CompletableFuture.completedFuture(0);
                }
                // count first, push only what was counted: a run overlapping this one may have
                // used the last retry of some rows in the meantime
                return sql.submit(() -> store.incrementRetry(due.stream().map(Notification::id).toList(), maxRetries))
                        .thenApply(counted -> {
                            Set<Long> claimed = new HashSet<>(counted);
                            due.stream().filter(n -> claimed.contains(n.id())).forEach(live::notification);
                            return claimed.size();
                        });
            });
        });
    }

    /**
     * The snooze wake job: shows again every snoozed notification whose time has come (at most
     * {@code limit}) and pushes it as new — the urgent ones as {@code notification}, all their
     * users' unread counts. Completes with how many were woken.
     */
    public CompletionStage<Integer> wakeSnoozed(int limit) {
        return sql.submit(() -> store.wakeSnoozed(limit)).thenCompose(woken -> {
            if (woken.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            List<Notification> urgent = woken.stream().filter(n -> InboxLimits.URGENT.equals(n.level())).toList();
            List<Notification> normal = woken.stream().filter(n -> !InboxLimits.URGENT.equals(n.level())).toList();
            return live.newlyStored(urgent).thenCompose(p -> live.countsOnly(normal))
                    .handle((p, err) -> {
                        if (err != null) {
                            log.warn("woken notifications not pushed; they wait for sync or retry: {}", err.toString());
                        }
                        return woken.size();
                    });
        });
    }

    /** Retention: removes read notifications older than {@code days} and expired idempotency keys. */
    public CompletionStage<Long> cleanup(int days) {
        Instant now = Instant.now();
        return sql.submit(() -> {
            long removed = store.purgeRead(now.minus(Duration.ofDays(days)));
            store.purgeIdempotencyKeys(now.minus(IDEMPOTENCY_WINDOW));
            return removed;
        });
    }

    // ---------------------------------------------------------------- chat

    /**
     * Chat to an offline user, kept as a {@code message} notification with {@code action_type}
     * {@value InboxLimits#CHAT_ACTION} — only for a recipient in {@code known_users} (asked of the
     * database, so a user another node saw counts, and a made-up id is never stored nor made
     * known), within the sender's hourly quota (this node's count) and while the recipient has
     * fewer unread kept chats than their quota. A refused chat does not use the sender's quota.
     * Concurrent chats to one recipient are checked independently, so the recipient's quota can
     * be passed by the number of chats in flight at once.
     */
    public CompletionStage<OfflineChat.Outcome> keepChat(long from, long to, String content) {
        if (!chatSenders.tryTake(from)) {
            return CompletableFuture.completedFuture(OfflineChat.Outcome.SENDER_QUOTA);
        }
        CompletionStage<OfflineChat.Outcome> kept = sql.submit(() -> store.chatRecipient(to, chatsPerRecipient))
                .thenCompose(recipient -> {
                    if (!recipient.known()) {
                        return CompletableFuture.completedFuture(OfflineChat.Outcome.UNKNOWN_RECIPIENT);
                    }
                    if (recipient.unreadChats() >= chatsPerRecipient) {
                        return CompletableFuture.completedFuture(OfflineChat.Outcome.RECIPIENT_QUOTA);
                    }
                    knownUsers.rememberKnown(to); // the send need not add them to known_users
                    // urgent: the recipient is offline now, so it is pushed on their next connect
                    return send(new long[] {to}, chat(from, to, content), null)
                            .thenApply(r -> r.count() > 0 ? OfflineChat.Outcome.KEPT : OfflineChat.Outcome.NOT_KEPT);
                });
        return kept.whenComplete((outcome, err) -> {
            if (outcome != OfflineChat.Outcome.KEPT) {
                chatSenders.giveBack(from);
            }
        });
    }

    private static NewNotification chat(long from, long to, String content) {
        Map<String, Object> data = new HashMap<>();
        data.put("from_user_id", from);
        data.put("to_user_id", to);
        return new NewNotification("Message from user " + from, content, "info", InboxLimits.CHAT_CATEGORY,
                Json.MAPPER.valueToTree(data), InboxLimits.CHAT_ACTION, null);
    }

    private static List<Long> boxed(long[] ids) {
        List<Long> out = new ArrayList<>(ids.length);
        for (long id : ids) {
            out.add(id);
        }
        return out;
    }
}
