package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import dev.herald.broker.Broker;
import dev.herald.broker.Message;
import dev.herald.broker.Presence;
import dev.herald.broker.Topic;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.protocol.OutboundFrames;
import dev.herald.store.SqlWorkers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The live side of the inbox: publishes stored notifications and new unread counts to their
 * users' topics, where the node holding a user's connections writes them. Whether a publication
 * reached a connection is all it learns; delivery is the client's {@code ack}. Thread-safe.
 */
final class LivePush {
    /**
     * Up to this many recipients a send publishes to each of them and learns from the publication
     * who is online (one broker command each); a bigger send asks presence first, so that offline
     * recipients cost no encoding and no publication.
     */
    static final int PUBLISH_TO_EACH = 64;

    private final NotificationStore store;
    private final SqlWorkers sql;
    private final Broker broker;
    private final Presence presence;

    LivePush(NotificationStore store, SqlWorkers sql, Broker broker, Presence presence) {
        this.store = requireNonNull(store, "store");
        this.sql = requireNonNull(sql, "sql");
        this.broker = requireNonNull(broker, "broker");
        this.presence = requireNonNull(presence, "presence");
    }

    /** Pushes freshly stored notifications to whoever is online, then their new unread counts. */
    CompletionStage<List<Long>> newlyStored(List<Notification> stored) {
        CompletionStage<List<Notification>> targets;
        if (stored.size() <= PUBLISH_TO_EACH) {
            targets = CompletableFuture.completedFuture(stored); // the publications say who is online
        } else {
            long[] users = stored.stream().mapToLong(Notification::userId).distinct().toArray();
            targets = presence.onlineAmong(users)
                    .thenApply(online -> stored.stream().filter(n -> online.contains(n.userId())).toList());
        }
        return targets.thenCompose(this::publishAll)
                .thenCompose(pushedTo -> unreadCounts(pushedTo).thenApply(v -> pushedTo));
    }

    /** For store-only sends: the new unread counts of the online recipients, no notification. */
    CompletionStage<List<Long>> countsOnly(List<Notification> stored) {
        long[] users = stored.stream().mapToLong(Notification::userId).distinct().toArray();
        if (users.length == 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return presence.onlineAmong(users).thenCompose(online -> {
            List<Long> targets = online.stream().sorted().toList();
            return unreadCounts(targets).thenApply(v -> targets);
        });
    }

    /** Completes with whether the notification reached a connection of its user. */
    CompletableFuture<Boolean> notification(Notification n) {
        byte[] frame = OutboundFrames.push("notification", NotificationJson.of(n));
        return broker.publish(new Topic.User(n.userId()), new Message.Push("notification", frame)).toCompletableFuture();
    }

    /** Pushes {@code unread_count} to every connection of each user (only online users matter). */
    CompletionStage<Void> unreadCounts(Collection<Long> userIds) {
        if (userIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return sql.submit(() -> store.unreadCounts(userIds)).thenCompose(counts -> {
            List<CompletableFuture<Boolean>> pushes = new ArrayList<>();
            for (Long user : userIds) {
                long count = counts.getOrDefault(user, 0L);
                byte[] frame = OutboundFrames.unreadCount(count);
                pushes.add(broker.publish(new Topic.User(user), new Message.Push("unread_count", frame)).toCompletableFuture());
            }
            return CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new));
        });
    }

    /** Publishes each notification; completes with the users they reached, ascending. */
    private CompletableFuture<List<Long>> publishAll(List<Notification> notifications) {
        List<CompletableFuture<Boolean>> pushes = notifications.stream().map(this::notification).toList();
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
}
