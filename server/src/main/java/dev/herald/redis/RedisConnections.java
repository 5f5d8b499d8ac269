package dev.herald.redis;

import dev.herald.config.Settings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's link to Redis, shared by {@code RedisBroker}, {@code RedisPresence} and
 * {@link RedisJobLock}: a command connection and a pub/sub connection (Lettuce, binary codec), the
 * key prefix, and a small scheduler for heartbeats.
 *
 * <p>Lettuce reconnects both connections on its own, with exponential backoff (100 ms up to 5 s).
 * While the command connection is down its commands fail at once ({@code REJECT_COMMANDS}) so
 * callers can answer 503 instead of queueing; the pub/sub connection buffers SUBSCRIBE/UNSUBSCRIBE
 * and replays them, in order, when it is back. {@link #onReconnect} tasks run after every
 * reconnect of either connection (resubscribe, rewrite presence, restore channel keys).
 */
public final class RedisConnections implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnections.class);

    private final String nodeId;
    private final String prefix;
    private final byte[] prefixBytes;
    private final RedisURI uri;
    private final String id;
    private final ClientResources resources;
    /** Whether {@link #resources} are this link's own (shut down with it) or shared by every shard's. */
    private final boolean ownsResources;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> commands;
    private final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private final ScheduledExecutorService scheduler;
    private final Duration timeout;
    private final List<Supplier<CompletionStage<?>>> reconnectTasks = new CopyOnWriteArrayList<>();
    private final AtomicInteger recovering = new AtomicInteger();
    private volatile boolean commandsUp = true;
    private volatile boolean pubsubUp = true;
    private volatile boolean halted;
    private volatile boolean closing;

    private RedisConnections(String url, String nodeId, String prefix, Duration timeout, ClientResources shared) {
        this.nodeId = Objects.requireNonNull(nodeId);
        this.prefix = Objects.requireNonNull(prefix);
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        this.uri = RedisURI.create(url);
        this.id = Settings.Redis.serverId(url);
        this.timeout = Objects.requireNonNull(timeout);
        this.ownsResources = shared == null;
        this.resources = shared == null ? newResources() : shared;
        this.client = RedisClient.create(resources, uri);
        ClientOptions base = ClientOptions.builder()
                .autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-redis-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        try {
            client.setOptions(base.mutate().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            this.commands = client.connect(ByteArrayCodec.INSTANCE);
            client.setOptions(base.mutate().disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).build());
            this.pubsub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        } catch (RedisException e) {
            scheduler.shutdownNow();
            shutdownClient();
            throw new IllegalStateException("cannot reach Redis at " + redacted() + " (redis.url or redis.urls): " + e.getMessage()
                    + ". Start Redis or fix HERALD_REDIS_URL / HERALD_REDIS_URLS; leave them empty for a single node.", e);
        }
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                changed(connection, true);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                changed(connection, false);
            }
        });
    }

    /**
     * Connects to {@code url}; fails with a clear message when Redis cannot be reached at start.
     *
     * @param prefix prepended to every key and pub/sub channel name (e.g. {@code herald:}), so
     *               several clusters or test runs can share one Redis
     */
    public static RedisConnections open(String url, String nodeId, String prefix, Duration timeout) {
        return new RedisConnections(url, nodeId, prefix, timeout, null);
    }

    /**
     * Like {@link #open(String, String, String, Duration)}, on Lettuce resources (event loops,
     * reconnect backoff) shared with the node's other shards ({@link RedisShards}), which shuts them
     * down after every link.
     */
    static RedisConnections open(String url, String nodeId, String prefix, Duration timeout, ClientResources shared) {
        return new RedisConnections(url, nodeId, prefix, timeout, Objects.requireNonNull(shared));
    }

    /** Two I/O and two computation threads, reconnect backoff from 100 ms doubling up to 5 s. */
    static ClientResources newResources() {
        return ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private void changed(RedisChannelHandler<?, ?> connection, boolean up) {
        if (halted || closing) {
            return;
        }
        if (connection != commands && connection != pubsub) {
            return;
        }
        boolean wasUp = healthy();
        if (up) {
            // counted before the connection is marked up, so healthy() never reads true between the
            // two while what the reconnect must restore (subscriptions, presence) is not restored yet
            recovering.incrementAndGet();
        }
        if (connection == commands) {
            commandsUp = up;
        } else {
            pubsubUp = up;
        }
        if (up) {
            log.info("redis connection {} is back (node={})", connection == commands ? "commands" : "pubsub", nodeId);
            // tasks issue commands: never on the Lettuce event loop thread that reported the event
            try {
                scheduler.execute(this::recover);
            } catch (RejectedExecutionException closed) {
                recovering.decrementAndGet();
            }
        } else if (wasUp) {
            log.warn("redis connection lost (node={}); retrying with backoff, local delivery continues", nodeId);
        }
    }

    /** Runs every reconnect task; the node is healthy again once all of them have finished. */
    private void recover() {
        List<CompletableFuture<?>> running = new ArrayList<>();
        for (Supplier<CompletionStage<?>> task : reconnectTasks) {
            try {
                running.add(task.get().toCompletableFuture().exceptionally(e -> {
                    log.warn("redis reconnect task failed: {}", e.getMessage());
                    return null;
                }));
            } catch (RuntimeException e) {
                log.warn("redis reconnect task failed", e);
            }
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS)
                .whenComplete((v, e) -> recovering.decrementAndGet());
    }

    /**
     * Runs {@code task} (on the scheduler) after every reconnect of either connection: resubscribe,
     * rewrite presence, restore channel keys. {@link #healthy()} stays false until every task's stage
     * has completed.
     */
    public void onReconnect(Supplier<CompletionStage<?>> task) {
        reconnectTasks.add(Objects.requireNonNull(task));
    }

    /** Both connections are established and what a reconnect must restore has been restored. */
    public boolean healthy() {
        return !halted && commandsUp && pubsubUp && recovering.get() == 0;
    }

    public boolean commandsUp() {
        return !halted && commandsUp;
    }

    /** Whether the pub/sub connection is established (SUBSCRIBE can be confirmed now). */
    public boolean pubsubUp() {
        return !halted && pubsubUp;
    }

    /** The limit on each Redis command (redis.timeout). */
    public Duration timeout() {
        return timeout;
    }

    /** This server among the shards: {@code host:port/db} ({@link Settings.Redis#serverId}). */
    public String id() {
        return id;
    }

    public String nodeId() {
        return nodeId;
    }

    public String prefix() {
        return prefix;
    }

    /** {@code prefix + suffix} as bytes: every key and channel name goes through here. */
    public byte[] key(String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[prefixBytes.length + s.length];
        System.arraycopy(prefixBytes, 0, k, 0, prefixBytes.length);
        System.arraycopy(s, 0, k, prefixBytes.length, s.length);
        return k;
    }

    public RedisAsyncCommands<byte[], byte[]> async() {
        return commands.async();
    }

    public StatefulRedisPubSubConnection<byte[], byte[]> pubsub() {
        return pubsub;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Whether {@link #halt()} was called: users must skip their graceful clean-up. */
    public boolean halted() {
        return halted;
    }

    /**
     * Simulates a crash (tests): stops heartbeats and drops both connections at once, without any of
     * the clean-up a graceful {@link #close()} does, so this node's presence must expire by TTL.
     */
    public void halt() {
        halted = true;
        scheduler.shutdownNow();
        shutdownClient();
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        shutdownClient();
    }

    private void shutdownClient() {
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            log.debug("redis client shutdown", e);
        }
        if (ownsResources) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private String redacted() {
        return uri.getHost() + ":" + uri.getPort();
    }
}
