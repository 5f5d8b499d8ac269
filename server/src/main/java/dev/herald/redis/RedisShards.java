package dev.herald.redis;

import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Redis servers of a cluster ({@code redis.urls}; {@code redis.url} is a list of one), each a
 * shard holding its part of the keys and pub/sub channels, with one {@link RedisConnections} each.
 * Whatever must be read or written together is addressed by one <em>shard key</em>, and lives on
 * the shard {@link #indexOf} picks for it: a topic and what belongs to it (a user topic and that
 * user's presence, a channel topic with its history, offsets and presence-channel members, a client
 * topic with its bind claim, {@code all}), a job's lock. Lua scripts only ever get keys of one
 * shard key, so they never span servers.
 *
 * <p>The shard of a key is chosen by rendezvous (highest random weight) hashing: every server's id
 * ({@code host:port/db}, see {@link dev.herald.config.Settings.Redis#serverId}) is scored against
 * the key by a fixed 64-bit hash and the highest score wins. So the mapping is the same on every
 * node and in every process given the same set of servers, whatever the order they are listed in;
 * and adding a server moves only the keys it now wins (about 1/N of them), removing one moves only
 * the keys it held.
 */
public final class RedisShards implements AutoCloseable {
    private final List<RedisConnections> shards;
    private final String[] ids;
    private final long[] seeds;
    /** The Lettuce resources every shard's link runs on, when this opened them (else null). */
    private final ClientResources resources;

    private RedisShards(List<RedisConnections> shards, ClientResources resources) {
        this.resources = resources;
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no Redis server");
        }
        this.shards = List.copyOf(shards);
        this.ids = new String[shards.size()];
        this.seeds = new long[shards.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = shards.get(i).id();
            seeds[i] = seed(ids[i]);
        }
        if (new HashSet<>(List.of(ids)).size() != ids.length) {
            throw new IllegalArgumentException("a Redis server is listed twice: " + List.of(ids));
        }
    }

    /**
     * Connects to every server in {@code urls} (checked by the settings: Redis URLs, none twice);
     * fails with a clear message when one cannot be reached at start.
     */
    public static RedisShards open(List<String> urls, String nodeId, String prefix, Duration timeout) {
        // one set of event loops and one reconnect schedule for every shard's links: the node's
        // Redis threads do not grow with the number of servers
        ClientResources shared = RedisConnections.newResources();
        List<RedisConnections> opened = new ArrayList<>();
        try {
            for (String url : urls) {
                opened.add(RedisConnections.open(url, nodeId, prefix, timeout, shared));
            }
            return new RedisShards(opened, shared);
        } catch (RuntimeException e) {
            opened.forEach(RedisConnections::close);
            shared.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Shards over links already open, each on its own resources (tests). */
    public static RedisShards of(RedisConnections... links) {
        return new RedisShards(List.of(links), null);
    }

    public int size() {
        return shards.size();
    }

    public RedisConnections shard(int index) {
        return shards.get(index);
    }

    public List<RedisConnections> all() {
        return shards;
    }

    /** The shard that holds {@code key} (see the class comment). */
    public int indexOf(String key) {
        return pick(ids, seeds, key);
    }

    public RedisConnections forKey(String key) {
        return shards.get(indexOf(key));
    }

    /** Every shard's links are up and restored (readiness: see {@link #down()} for which are not). */
    public boolean healthy() {
        for (RedisConnections s : shards) {
            if (!s.healthy()) {
                return false;
            }
        }
        return true;
    }

    /** The ids of the shards that are not {@link RedisConnections#healthy() healthy} now. */
    public List<String> down() {
        List<String> out = new ArrayList<>();
        for (RedisConnections s : shards) {
            if (!s.healthy()) {
                out.add(s.id());
            }
        }
        return out;
    }

    /** Every shard's command connection is up. */
    public boolean commandsUp() {
        return shards.stream().allMatch(RedisConnections::commandsUp);
    }

    /** Every shard's pub/sub connection is up. */
    public boolean pubsubUp() {
        return shards.stream().allMatch(RedisConnections::pubsubUp);
    }

    public String nodeId() {
        return shards.get(0).nodeId();
    }

    /** A scheduler for node-wide periodic work (the first shard's; it lives as long as the node). */
    public ScheduledExecutorService scheduler() {
        return shards.get(0).scheduler();
    }

    /** Simulates a crash of this node (tests): every shard's links drop at once ({@link RedisConnections#halt}). */
    public void halt() {
        shards.forEach(RedisConnections::halt);
        shutdownResources();
    }

    @Override
    public void close() {
        shards.forEach(RedisConnections::close);
        shutdownResources();
    }

    private void shutdownResources() {
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** The index of the server whose id scores highest against {@code key} (ties: the smaller id). */
    static int pick(String[] ids, long[] seeds, String key) {
        if (ids.length == 1) {
            return 0;
        }
        long k = fnv1a(key.getBytes(StandardCharsets.UTF_8));
        int best = 0;
        long bestScore = mix(k ^ seeds[0]);
        for (int i = 1; i < seeds.length; i++) {
            long score = mix(k ^ seeds[i]);
            int c = Long.compareUnsigned(score, bestScore);
            if (c > 0 || (c == 0 && ids[i].compareTo(ids[best]) < 0)) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** The index {@link #pick} gives {@code key} among servers with these ids (tests, tools). */
    static int pick(List<String> ids, String key) {
        String[] a = ids.toArray(String[]::new);
        long[] s = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = seed(a[i]);
        }
        return pick(a, s, key);
    }

    private static long seed(String id) {
        return mix(fnv1a(id.getBytes(StandardCharsets.UTF_8)));
    }

    /** 64-bit FNV-1a: fixed, so every JVM and every node computes the same value. */
    private static long fnv1a(byte[] data) {
        long h = 0xcbf29ce484222325L;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** MurmurHash3's 64-bit finaliser: spreads every input bit over the whole score. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public String toString() {
        return "RedisShards" + List.of(ids);
    }
}
