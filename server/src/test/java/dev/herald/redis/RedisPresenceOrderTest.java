package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.redis.RedisConnections;
import dev.herald.testing.TcpForwarder;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node rewrites its presence set from memory after it reconnected to a Redis that lost its script
 * cache, as after a restart, while users come and go. The rewrite must land in order
 * with the node's SADD/SREM: when it was sent as EVALSHA, the NOSCRIPT answer came back a round trip
 * later and the EVAL retry went out behind the SREMs sent meanwhile, putting users who had left back
 * into the set for good (the "just-closed client still online" of RedisOutageTest). The node's link to
 * Redis is slowed (a TcpForwarder delaying 200 ms each way) so that round trip is wide.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisPresenceOrderTest {
    @Test
    void rewriteAfterScriptCacheLoss_doesNotResurrectUsersWhoLeft() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             TcpForwarder slow = new TcpForwarder(URI.create(redis.url()).getPort(), 200)) {
            String prefix = "order-test:";
            RedisConnections link = RedisConnections.open("redis://127.0.0.1:" + slow.port(), "n1", prefix, Duration.ofSeconds(5));
            RedisPresence presence = new RedisPresence(RedisShards.of(link), Duration.ofSeconds(3));
            try {
                presence.userOnline(1);
                String set = prefix + "presence:node:n1";
                RedisTestNodes.await("user 1 in the set", () -> members(redis, set).equals(List.of("1")));

                // Redis forgets its scripts and drops the node's connections, as in a restart: the node
                // reconnects and rewrites its set from memory
                assertThat(RedisTestNodes.command(redis.url(), "SCRIPT FLUSH")).startsWith("+OK");
                assertThat(RedisTestNodes.command(redis.url(), "CLIENT KILL TYPE normal")).startsWith(":");
                // meanwhile users come and go, each online for 50 ms, until well after the rewrite
                long until = System.nanoTime() + 6_000_000_000L;
                for (long user = 100; System.nanoTime() < until; user++) {
                    presence.userOnline(user);
                    Thread.sleep(50);
                    presence.userOffline(user);
                }
                // everything sent has arrived (1.5 round trips), and later heartbeats found nothing to fix
                Thread.sleep(2500);
                RedisTestNodes.await("only user 1 left in the set", Duration.ofSeconds(5),
                        () -> members(redis, set).equals(List.of("1")));
                assertThat(members(redis, set)).containsExactly("1");
            } finally {
                presence.close();
                link.close();
            }
        }
    }

    /** SMEMBERS of {@code key}, sorted (a raw RESP reply has the members on every other line). */
    private static List<String> members(RedisProcess redis, String key) {
        String[] lines = RedisTestNodes.command(redis.url(), "SMEMBERS " + key).split("\r\n");
        return Arrays.stream(lines).skip(1).filter(l -> !l.startsWith("$") && !l.isEmpty()).sorted().toList();
    }
}
