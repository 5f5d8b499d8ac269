package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RedisStats} over several redis-servers (the cluster scenario's {@code --redis-shards}). */
class RedisStatsTest {
    @TempDir
    Path dir;

    @Test
    void severalServers_areSummed_andEachIsReported() throws Exception {
        try (OwnRedis one = OwnRedis.start("redis-server", dir.resolve("one.log"));
             OwnRedis two = OwnRedis.start("redis-server", dir.resolve("two.log"))) {
            RedisStats stats = new RedisStats(List.of(one.url(), two.url()));
            RedisStats.Snapshot before = stats.snapshot();
            for (int i = 0; i < 5; i++) {
                one.call("PUBLISH", "x", "1");
            }
            two.call("PUBLISH", "y", "2");
            RedisStats.Snapshot after = stats.snapshot();
            assertThat(after.publishes() - before.publishes()).isEqualTo(6);
            assertThat(after.byServer()).hasSize(2);
            Map<String, Object> delta = RedisStats.delta(before, after);
            assertThat(delta.get("publishes")).isEqualTo(6L);
            List<?> byServer = (List<?>) delta.get("by_server");
            assertThat(byServer).hasSize(2);
            assertThat(((Map<?, ?>) byServer.get(0)).get("server")).isEqualTo("127.0.0.1:" + one.port());
        }
    }
}
