package dev.herald.inbox;

import dev.herald.inbox.sql.GroupCommit;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.store.SqlWorkers;
import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import dev.herald.config.Settings;
import dev.herald.inbox.OfflineChat;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.OutboundFrames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's behaviour: a notification is stored first (a many-recipient send in one transaction),
 * then pushed to the recipients' live connections; it counts as delivered only when a client acks
 * it. Every change to a user's unread count is pushed as {@code unread_count} to all of that user's
 * connections. A push failure never fails a send: what was stored will be delivered by the next
 * connect, {@code sync} or retry run.
 */
public final class InboxService {
    private static final Logger log = LoggerFactory.getLogger(InboxService.class);
    public static final int SYNC_LIMIT = 500;
    private static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /** Users whose known_users upsert a node remembers; 100,000 entries ≈ 10 MB of heap. */
    static final int KNOWN_USER_CACHE = 100_000;
    /** A remembered user is written again (moving last_seen) after this long. */
    static final Duration KNOWN_USER_REFRESH = Duration.ofHours(1);
    /** Sends to at most this many recipients add them to that cache (bigger ones would flush it). */
    static final int REMEMBER_RECIPIENTS = 1_000;
    /** Sends to at most this many recipients share transactions ({@link GroupCommit}). */
    static final int GROUP_RECIPIENTS = 100;
    /**
     * Up to this many recipients a send publishes to each of them and learns from the publication
     * who is online (one broker command each); a bigger send asks presence first, so that offline
     * recipients cost no encoding and no publication.
     */
    static final int PUBLISH_TO_EACH = 64;
    /** Senders whose offline-chat quota a node tracks; 100,000 entries ≈ 8 MB of heap. */
    static final int CHAT_SENDERS = 100_000;

    private final NotificationStore store;
    private final SqlWorkers sql;
    private final Broker broker;
    private final Presence presence;
    private final HeraldMetrics metrics;
    private final int maxRetries;
    private final int chatsPerRecipient;
    private final SenderQuota chatSenders;
    private final KnownUserCache knownUsers = new KnownUserCache(KNOWN_USER_CACHE, KNOWN_USER_REFRESH);
    private final GroupCommit groups;

    public InboxService(NotificationStore store, SqlWorkers sql, Broker broker, Presence presence,
                               HeraldMetrics metrics, Settings.Notifications settings) {
        this.store = Objects.requireNonNull(store);
        this.sql = Objects.requireNonNull(sql);
        this.broker = Objects.requireNonNull(broker);
        this.presence = Objects.requireNonNull(presence);
        this.metrics = Objects.requireNonNull(metrics);
        this.maxRetries = settings.maxRetries();
        this.chatsPerRecipient = settings.offlineChatsPerRecipient();
        this.chatSenders = new SenderQuota(settings.offlineChatsPerSenderHour(), Duration.ofHours(1), CHAT_SENDERS,
                System::nanoTime);
        this.groups = new GroupCommit(store, sql);
    }

    public NotificationStore store() {
        return store;
    }

    /** What a send did: how many were stored, their ids (up to 1000), and whether it was a replay. */
    public record SendResult(int count, List<Long> ids, boolean duplicate, List<Long> pushedTo) {}

    /**
     * Stores, then pushes when {@code n} is urgent; a normal one (store only) pushes only the new
     * unread counts. Empty {@code userIds} means every known user.
     */
    public CompletionStage<SendResult> send(long[] userIds, NewNotification n, String idempotencyKey) {
        boolean push = n.pushed();
        return insert(userIds, n, idempotencyKey).thenCompose(inserted -> {
            metrics.push("notification");
            List<Long> ids = inserted.notifications().stream().limit(1000).map(Notification::id).toList();
            if (inserted.replayed()) {
                return CompletableFuture.completedFuture(
                        new SendResult(inserted.notifications().size(), ids, true, List.of()));
            }
            // level normal (store only) pushes no notification, but the badges still move
            CompletionStage<List<Long>> delivery = push ? pushNew(inserted.notifications())
                    : pushCountsOnly(inserted.notifications());
            return delivery.handle((pushed, err) -> {
                if (err != null) {
                    log.warn("notifications stored but not pushed; they wait for sync or retry: {}", err.toString());
                    pushed = List.of();
                }
                return new SendResult(inserted.notifications().size(), ids, false, push ? pushed : List.of());
            });
        });
    }

    /**
     * Stores a send: up to {@value #GROUP_RECIPIENTS} recipients through {@link GroupCommit}
     * (together with the small sends that arrive meanwhile, in one transaction), bigger ones and
     * sends to everyone in their own transaction.
     */
    private CompletionStage<StoredSend> insert(long[] userIds, NewNotification n, String idempotencyKey) {
        if (userIds.length > 0 && userIds.length <= GROUP_RECIPIENTS) {
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
            List<Long> recipients = everyone ? store.knownUserIds() : boxed(userIds);
            // recipients read from known_users, or known to this node, need not be added to it
            LongPredicate known = everyone ? user -> true : knownUsers::isKnown;
            StoredSend inserted = idempotencyKey != null
                    ? store.insertIdempotent(idempotencyKey, recipients, n, known)
                    : new StoredSend(store.insertForUsers(recipients, n, known), false);
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

    /** Pushes freshly stored notifications to whoever is online, then their new unread counts. */
    private CompletionStage<List<Long>> pushNew(List<Notification> stored) {
        CompletionStage<List<Notification>> targets;
        if (stored.size() <= PUBLISH_TO_EACH) {
            targets = CompletableFuture.completedFuture(stored); // the publications say who is online
        } else {
            long[] users = stored.stream().mapToLong(Notification::userId).distinct().toArray();
            targets = presence.onlineAmong(users)
                    .thenApply(online -> stored.stream().filter(n -> online.contains(n.userId())).toList());
        }
        return targets.thenCompose(this::publishAll)
                .thenCompose(pushedTo -> pushUnreadCounts(pushedTo).thenApply(v -> pushedTo));
    }

    /** Publishes each notification; completes with the users they reached, ascending. */
    private CompletableFuture<List<Long>> publishAll(List<Notification> notifications) {
        List<CompletableFuture<Boolean>> pushes = notifications.stream().map(this::publishNotification).toList();
        return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Set<Long> reached = new HashSet<>();
            for (int i = 0; i < pushes.size(); i++) {
                if (pushes.get(i).join()) {
                    reached.add(notifications.get(i).userId());
                }
            }
            return reached.stream().sorted().toList();
        });
    }

    /** For store-only sends: the new unread counts of the online recipients, no notification. */
    private CompletionStage<List<Long>> pushCountsOnly(List<Notification> stored) {
        long[] users = stored.stream().mapToLong(Notification::userId).distinct().toArray();
        if (users.length == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return presence.onlineAmong(users).thenCompose(online -> {
            List<Long> targets = online.stream().sorted().toList();
            return pushUnreadCounts(targets).thenApply(v -> targets);
        });
    }

    /** Completes with whether the notification reached a connection of its user. */
    private CompletableFuture<Boolean> publishNotification(Notification n) {
        byte[] frame = OutboundFrames.push("notification", NotificationJson.of(n));
        return broker.publish(new Topic.User(n.userId()), new Message.Push("notification", frame)).toCompletableFuture();
    }

    /** Pushes {@code unread_count} to every connection of each user (only online users matter). */
    public CompletionStage<Void> pushUnreadCounts(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return sql.submit(() -> store.unreadCounts(userIds)).thenCompose(counts -> {
            List<CompletableFuture<Boolean>> pushes = new ArrayList<>();
            for (Long user : userIds) {
                long count = counts.getOrDefault(user, 0L);
                byte[] frame = OutboundFrames.push("unread_count", Map.of("count", count));
                pushes.add(broker.publish(new Topic.User(user), new Message.Push("unread_count", frame)).toCompletableFuture());
            }
            return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new));
        });
    }

    /** Runs a change for {@code userId}; when it changed rows, pushes the user's new unread count. */
    public <T extends Number> CompletionStage<T> change(long userId, java.util.function.Supplier<T> work) {
        return sql.submit(work).thenCompose(changed -> {
            if (changed.longValue() == 0) {
                return CompletableFuture.completedFuture(changed);
            }
            return pushUnreadCounts(List.of(userId)).handle((v, err) -> {
                if (err != null) {
                    log.warn("unread_count push failed user={}: {}", userId, err.toString());
                }
                return changed;
            });
        });
    }

    /** Runs a read-only query on the SQL workers. */
    public <T> CompletionStage<T> query(java.util.function.Supplier<T> work) {
        return sql.submit(work);
    }

    /**
     * One page (at most {@value #SYNC_LIMIT}) of the user's undelivered notifications after
     * {@code sinceId}, oldest first, with the unread count: one query.
     */
    public CompletionStage<Backlog> backlog(long userId, long sinceId) {
        return backlog(userId, sinceId, SYNC_LIMIT);
    }

    /** {@link #backlog(long, long)} with a smaller page ({@code limit} ≤ {@value #SYNC_LIMIT}). */
    public CompletionStage<Backlog> backlog(long userId, long sinceId, int limit) {
        return sql.submit(() -> store.backlog(userId, sinceId, limit));
    }

    /**
     * A user connected: marks them known — skipped when this node did so within
     * {@link #KNOWN_USER_REFRESH} — and reads the first page of their backlog, in one task on the
     * SQL workers (one query for a user the node knows).
     */
    public CompletionStage<Backlog> connected(long userId) {
        return sql.submit(() -> {
            if (knownUsers.needsTouch(userId)) {
                store.touchKnownUser(userId);
                knownUsers.remember(userId);
            }
            return store.backlog(userId, 0, SYNC_LIMIT);
        });
    }

    /** Marks notifications delivered after the client's ack; only the user's own ids count. */
    public CompletionStage<Integer> acknowledge(long userId, long[] ids) {
        return sql.submit(() -> store.markDelivered(userId, boxed(ids)));
    }

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
                            due.stream().filter(n -> claimed.contains(n.id())).forEach(this::publishNotification);
                            return claimed.size();
                        });
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
                dev.herald.protocol.Json.MAPPER.valueToTree(data), InboxLimits.CHAT_ACTION, null);
    }

    public static List<Long> boxed(long[] ids) {
        List<Long> out = new ArrayList<>(ids.length);
        for (long id : ids) {
            out.add(id);
        }
        return out;
    }
}
