package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.pusher.PusherClient;
import dev.herald.pusher.PusherHookReceiver;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Pusher occupancy sweep (every 2 s, PUBSUB CHANNELS on every Redis server) runs on one node of
 * a cluster at a time, through the job lock: two nodes on a Redis of the test's own (so that its
 * command statistics are theirs alone) make at most one sweep per 2 s period between them, where
 * each would otherwise make one every 2 s.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PusherOccupancySweepClusterTest {
    static final String KEY = "sweep-key";
    static final String SECRET = "sweep-secret-0123456789";
    private static final Pattern PUBSUB_CHANNELS_CALLS = Pattern.compile("cmdstat_pubsub\\|channels:calls=(\\d+)");

    @Test
    void twoNodes_sweepOncePerPeriodBetweenThem() throws Exception {
        try (RedisProcess redis = RedisProcess.start();
             TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL);
             PusherHookReceiver receiver = PusherHookReceiver.start(SECRET, 0)) {
            var cfg = db.config();
            Map<String, String> settings = new HashMap<>();
            settings.put("db.url", cfg.url());
            settings.put("db.user", cfg.user());
            settings.put("db.password", cfg.password());
            settings.put("pusher.apps", "5:" + KEY + ":" + SECRET);
            settings.put("pusher.webhooks", "5=" + receiver.url());
            settings.put("pusher.webhook-events", "5=channel_occupied+channel_vacated");
            try (RedisTestNodes cluster = RedisTestNodes.start(redis.url(), 2, settings);
                 PusherClient onA = PusherClient.connect(cluster.node(0), KEY)) {
                // an occupied channel, heard all along: every sweep reads it and asks Redis
                onA.subscribe("orders", null, null);
                receiver.await("orders occupied", Duration.ofSeconds(10),
                        () -> receiver.delivered("channel_occupied", "orders").size() == 1);

                long window = 12_000;
                assertThat(RedisTestNodes.command(redis.url(), "CONFIG RESETSTAT")).startsWith("+OK");
                Thread.sleep(window);
                long sweeps = pubsubChannelsCalls(redis);
                // the window touches at most window/period + 1 periods, and a sweep claimed just
                // before it may ask Redis inside it: at most 8; without the lock each node sweeps
                // every 2 s, 12 between them
                long periods = window / 2_000;
                assertThat(sweeps).as("PUBSUB CHANNELS in %d ms from two nodes", window)
                        .isBetween(periods / 2, periods + 2);
                assertThat(receiver.delivered("channel_vacated", "orders")).as("heard all along").isEmpty();
            }
        }
    }

    private static long pubsubChannelsCalls(RedisProcess redis) {
        String stats = RedisTestNodes.command(redis.url(), "INFO commandstats");
        Matcher m = PUBSUB_CHANNELS_CALLS.matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
