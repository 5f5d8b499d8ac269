package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.Settings;
import dev.herald.protocol.Json;
import dev.herald.testing.Await;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Several in-JVM Herald nodes on their own ports sharing one real Redis (or several, as shards: see
 * {@link #start(List, int, Map)}), under a key prefix unique to this run so parallel runs never meet. Redis must be running: when it is not, tests fail with a
 * message that says how to start it (cluster tests are never skipped).
 */
final class RedisTestNodes implements AutoCloseable {
    static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    static final String START_HINT = "start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 "
            + "--save \"\" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";

    /** The first (or only) Redis server. */
    final String url;
    /** Every Redis server, each a shard. */
    final List<String> urls;
    final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    final String prefix = "herald-test-" + run + ":";
    private final List<TestServer> nodes = new ArrayList<>();

    private RedisTestNodes(List<String> urls) {
        this.urls = List.copyOf(urls);
        this.url = urls.get(0);
    }

    /** Starts {@code count} nodes named a, b, c… with {@code extra} settings on each. */
    static RedisTestNodes start(int count, Map<String, String> extra) {
        return start(DEFAULT_URL, count, extra);
    }

    static RedisTestNodes start(String url, int count, Map<String, String> extra) {
        return start(List.of(url), count, extra);
    }

    /** Nodes sharded over every server in {@code urls} ({@code redis.urls}; one URL: {@code redis.url}). */
    static RedisTestNodes start(List<String> urls, int count, Map<String, String> extra) {
        urls.forEach(RedisTestNodes::requireRedis);
        RedisTestNodes cluster = new RedisTestNodes(urls);
        try {
            for (int i = 0; i < count; i++) {
                cluster.nodes.add(cluster.startNode(i, extra));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    TestServer startNode(int index, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        if (urls.size() == 1) {
            settings.put("redis.url", url);
        } else {
            settings.put("redis.urls", String.join(",", urls));
        }
        settings.put("redis.key-prefix", prefix);
        settings.put("node-id", nodeId(index));
        settings.put("demo.enabled", "false");
        settings.putAll(extra);
        return TestServer.start(settings);
    }

    String nodeId(int index) {
        return (char) ('a' + index) + "-" + run;
    }

    TestServer node(int index) {
        return nodes.get(index);
    }

    List<TestServer> nodes() {
        return nodes;
    }

    /** Fails the test, saying how to start Redis, when nothing answers PING at {@code url}. */
    static void requireRedis(String url) {
        String reply = command(url, "PING");
        if (!reply.startsWith("+PONG")) {
            throw new AssertionError("Redis at " + url + " answered " + reply.strip() + " to PING; cluster tests need a working Redis");
        }
    }

    /** Sends one inline command to Redis and returns the raw first reply line(s). */
    static String command(String url, String inline) {
        URI u = URI.create(url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("Redis is not reachable at " + url + " (" + e.getMessage()
                    + "); cluster tests need it, they are never skipped. " + START_HINT, e);
        }
    }

    /**
     * The URL of the server that holds shard key {@code key} (a topic's name after the prefix, e.g.
     * {@code u.7}, {@code c.news}, {@code b.<client id>}), as every node maps it.
     */
    String urlFor(String key) {
        return urls.get(shardOf(key));
    }

    /** The index in {@link #urls} of the server that holds shard key {@code key}. */
    int shardOf(String key) {
        return RedisShards.pick(urls.stream().map(Settings.Redis::serverId).toList(), key);
    }

    /** How many subscribers Redis counts for a pub/sub channel named {@code suffix} (after the prefix). */
    int subscribers(String suffix) {
        String reply = command(urlFor(suffix), "PUBSUB NUMSUB " + prefix + suffix);
        String[] lines = reply.split("\r\n");
        return Integer.parseInt(lines[lines.length - 1].substring(1));
    }

    /** Waits until {@code count} nodes hear the topic (SUBSCRIBE confirmed by Redis). */
    void awaitSubscribers(String suffix, int count) {
        await("subscribers of " + suffix + " = " + count, () -> subscribers(suffix) == count);
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(10), condition);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, condition, timeout);
    }

    static String json(Object... keyValues) {
        var node = Json.MAPPER.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            node.set((String) keyValues[i], Json.MAPPER.valueToTree(keyValues[i + 1]));
        }
        return node.toString();
    }

    static void assertOk(TestServer.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Override
    public void close() {
        for (TestServer n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        nodes.clear();
    }
}
