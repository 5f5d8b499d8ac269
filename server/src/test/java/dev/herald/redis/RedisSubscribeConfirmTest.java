package dev.herald.redis;

import dev.herald.broker.Message;
import dev.herald.broker.Topic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.redis.RedisConnections;
import dev.herald.testing.TcpForwarder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RedisBroker#activate}'s stage completes only once Redis has taken the node's SUBSCRIBE, so
 * a push published anywhere after it (after {@code init}) reaches the node. Node b reaches a private
 * Redis over a link that delays each direction by 200 ms; node a publishes over a direct link, so a
 * push a sends the moment b's stage completes overtakes any SUBSCRIBE of b that is still on its way.
 * Two oracles: a's PUBLISH must count b as a receiver (the API's {@code is_online}), and b must hear
 * the push.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisSubscribeConfirmTest {
    private static final String PREFIX = "confirm-test:";
    private static final long DELAY_MS = 200;

    private RedisProcess redis;
    private TcpForwarder slow;
    private RedisConnections linkA;
    private RedisConnections linkB;
    private RedisBroker a;
    private RedisBroker b;
    /** Users b heard a push for. */
    private final Set<Long> heardByB = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() {
        redis = RedisProcess.start();
        slow = new TcpForwarder(URI.create(redis.url()).getPort(), DELAY_MS);
        linkA = RedisConnections.open(redis.url(), "a", PREFIX, Duration.ofSeconds(5));
        linkB = RedisConnections.open("redis://127.0.0.1:" + slow.port(), "b", PREFIX, Duration.ofSeconds(5));
        a = new RedisBroker(RedisShards.of(linkA), 10, Duration.ofMinutes(1), Duration.ofSeconds(10));
        b = new RedisBroker(RedisShards.of(linkB), 10, Duration.ofMinutes(1), Duration.ofSeconds(10));
        a.start((topic, message) -> false);
        b.start((topic, message) -> {
            if (topic instanceof Topic.User u) {
                heardByB.add(u.userId());
            }
            return true;
        });
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, linkA, linkB, slow, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    private static Message push(long userId) {
        return new Message.Push("t", ("{\"type\":\"t\",\"data\":{\"n\":" + userId + "}}").getBytes(StandardCharsets.UTF_8));
    }

    /** Activates {@code userId} on b; when b's stage completes, a publishes to the user at once. */
    private CompletableFuture<Boolean> activateThenPush(long userId) {
        return b.activate(new Topic.User(userId)).toCompletableFuture()
                .thenCompose(v -> a.publish(new Topic.User(userId), push(userId)));
    }

    private void assertEveryPushReachedB(List<Long> users, List<CompletableFuture<Boolean>> pushes) {
        List<Long> notCounted = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            if (!pushes.get(i).orTimeout(10, TimeUnit.SECONDS).join()) {
                notCounted.add(users.get(i));
            }
        }
        assertThat(notCounted).as("users whose push found no subscriber, of " + users.size()).isEmpty();
        RedisTestNodes.await("b heard every push", () -> heardByB.containsAll(users));
    }

    /**
     * After a reconnect of b's pub/sub link, Lettuce and the broker each SUBSCRIBE every topic b
     * had again, in one command per batch; Redis answers one confirmation per topic. New users keep
     * connecting meanwhile: each activation must wait for its own topic's confirmation, not take
     * one meant for a topic of the resubscription.
     */
    @Test
    void activationsWhileThePubSubLinkResubscribes_waitForTheirOwnSubscribe() {
        List<CompletableFuture<Void>> before = new ArrayList<>();
        for (long user = 1; user <= 200; user++) {
            before.add(b.activate(new Topic.User(user)).toCompletableFuture());
        }
        CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(RedisTestNodes.command(redis.url(), "CLIENT KILL TYPE pubsub")).startsWith(":");
        RedisTestNodes.await("b's pub/sub link lost", () -> !linkB.pubsubUp());
        RedisTestNodes.await("b's pub/sub link back", linkB::pubsubUp);

        // new users connect to b, one every 2 ms, through the resubscription and well past it
        List<Long> users = new ArrayList<>();
        List<CompletableFuture<Boolean>> pushes = new ArrayList<>();
        for (long user = 1001; user <= 1400; user++) {
            users.add(user);
            pushes.add(activateThenPush(user));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        assertEveryPushReachedB(users, pushes);
    }

    /**
     * A user's last connection closes and a new one opens at once: the new activation's SUBSCRIBE
     * goes out while the confirmations of the SUBSCRIBE and UNSUBSCRIBE before it are on their way
     * back. The stage must wait for the new SUBSCRIBE, not complete with the confirmation of the old
     * one, which the UNSUBSCRIBE right behind it undoes. (Another topic, activated together with
     * the first pair, shows when Redis has run it.)
     */
    @Test
    void reactivationWhileTheDeactivationIsOnItsWay_waitsForTheNewSubscribe() {
        List<Long> users = new ArrayList<>();
        List<CompletableFuture<Boolean>> pushes = new ArrayList<>();
        for (long user = 2001; user <= 2020; user++) {
            Topic topic = new Topic.User(user);
            long marker = user + 10_000;
            b.activate(topic);
            b.deactivate(topic);
            b.activate(new Topic.User(marker));
            RedisTestNodes.await("Redis ran b's commands for " + user, () -> subscribers("u." + marker) == 1);
            users.add(user);
            pushes.add(activateThenPush(user));
        }
        assertEveryPushReachedB(users, pushes);
    }

    /** PUBSUB NUMSUB of {@code suffix} (after the prefix). */
    private int subscribers(String suffix) {
        String[] lines = RedisTestNodes.command(redis.url(), "PUBSUB NUMSUB " + PREFIX + suffix).split("\r\n");
        return Integer.parseInt(lines[lines.length - 1].substring(1));
    }
}
