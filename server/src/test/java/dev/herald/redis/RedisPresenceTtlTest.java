package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.redis.RedisConnections;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's presence set never exists without an expiry, whatever (re)creates it: a node killed
 * before its next heartbeat must not leave it in Redis for good. The TTL is long (60 s, a heartbeat
 * every 20 s), so no heartbeat gives the set its expiry during the test: what creates the set must.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RedisPresenceTtlTest {
    private static final String PREFIX = "ttl-test:";
    private static final String SET = PREFIX + "presence:node:n1";

    @Test
    void theNodeSet_getsItsExpiry_fromWhateverCreatesIt() {
        try (RedisProcess redis = RedisProcess.start()) {
            RedisConnections link = RedisConnections.open(redis.url(), "n1", PREFIX, Duration.ofSeconds(5));
            RedisPresence presence = new RedisPresence(RedisShards.of(link), Duration.ofSeconds(60));
            try {
                // the node's first user creates the set
                presence.userOnline(1);
                RedisTestNodes.await("user 1 in the set", () -> members(redis).equals(List.of("1")));
                assertEveryPresenceKeyExpires(redis);

                // its last user leaves (Redis deletes the empty set), a new one creates it again
                presence.userOffline(1);
                RedisTestNodes.await("the set emptied", () -> members(redis).isEmpty());
                presence.userOnline(2);
                RedisTestNodes.await("user 2 in the set", () -> members(redis).equals(List.of("2")));
                assertEveryPresenceKeyExpires(redis);

                // Redis loses the set and drops the node's connection, as in a restart: the node
                // rewrites the set from memory on reconnect
                assertThat(RedisTestNodes.command(redis.url(), "DEL " + SET)).startsWith(":1");
                assertThat(RedisTestNodes.command(redis.url(), "CLIENT KILL TYPE normal")).startsWith(":");
                RedisTestNodes.await("the set rewritten", () -> members(redis).equals(List.of("2")));
                assertEveryPresenceKeyExpires(redis);
            } finally {
                presence.close();
                link.close();
            }
        }
    }

    /** Every presence key under the prefix has an expiry (and the node's set is one of them). */
    private static void assertEveryPresenceKeyExpires(RedisProcess redis) {
        List<String> keys = lines(RedisTestNodes.command(redis.url(), "KEYS " + PREFIX + "presence:*"));
        assertThat(keys).contains(SET);
        for (String key : keys) {
            String pttl = RedisTestNodes.command(redis.url(), "PTTL " + key).strip();
            assertThat(Long.parseLong(pttl.substring(1))).as("PTTL of " + key).isPositive();
        }
    }

    private static List<String> members(RedisProcess redis) {
        return lines(RedisTestNodes.command(redis.url(), "SMEMBERS " + SET));
    }

    /** The strings of a raw RESP array reply, sorted. */
    private static List<String> lines(String reply) {
        return Arrays.stream(reply.split("\r\n")).skip(1).filter(l -> !l.startsWith("$") && !l.isEmpty()).sorted().toList();
    }
}
