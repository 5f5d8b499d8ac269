package dev.herald.redis;

import dev.herald.broker.JobLock;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobLock} on Redis: a claim is {@code SET PREFIX job:<name>:<period number> <node> NX PX 2×period},
 * the period number taken from Redis's clock inside one script. When Redis cannot be reached the
 * answer is {@code false}: a job skipped for one period is safer than one run by every node. Over
 * several Redis servers a job's claim lives on the shard of {@code job:<name>} ({@link RedisShards}),
 * the same server for every node, so it is once per cluster as with one.
 */
public final class RedisJobLock implements JobLock {
    private static final Logger log = LoggerFactory.getLogger(RedisJobLock.class);

    private final RedisShards shards;
    private final RedisScript claim = RedisScript.load("job_claim");

    public RedisJobLock(RedisShards shards) {
        this.shards = Objects.requireNonNull(shards);
    }

    @Override
    public boolean claim(String job, Duration period) {
        if (period.toMillis() < 1) {
            throw new IllegalArgumentException("period must be at least 1 ms");
        }
        // a job's lock lives on the shard of its key: every node asks that one server, and while it
        // is down the job is skipped (below), never run by every node
        String key = "job:" + job;
        RedisConnections redis = shards.forKey(key);
        try {
            Long won = claim.<Long>run(redis.async(), ScriptOutputType.INTEGER,
                    new byte[][] {redis.key(key)},
                    Long.toString(period.toMillis()).getBytes(StandardCharsets.US_ASCII),
                    redis.nodeId().getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            boolean mine = won != null && won == 1;
            log.debug("job {} period {} claimed here: {}", job, period, mine);
            return mine;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("job {} skipped on node {}: Redis ({}) cannot be reached to claim it ({})", job, redis.nodeId(), redis.id(),
                    e.getMessage());
            return false;
        }
    }
}
