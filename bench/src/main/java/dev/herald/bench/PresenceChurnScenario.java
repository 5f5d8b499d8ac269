package dev.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Presence churn over three nodes on one Redis, in the Pusher protocol: one watcher per node joins
 * a presence channel, then {@code --n} members join it at {@code --rate} per second (spread over the
 * nodes in turn), stay {@code --hold}, and leave at the same rate. Every member and every watcher
 * keeps the set of users it was told about: an add of a user it already has, or a remove of one it
 * does not, is counted as wrong. Each watcher must see every member (and every later watcher) added
 * once, and every member removed once.
 * The single node {@link Scenario} starts is closed at once: only the three nodes are measured.
 */
@Command(name = "presence-churn", mixinStandardHelpOptions = true,
        description = "Pusher presence channel over three nodes on Redis: members join and leave at a rate; "
                + "every client checks it is told about each user once (adds and removes).")
final class PresenceChurnScenario extends Scenario {
    private static final int NODES = 3;
    private static final String CHANNEL = "presence-churn";
    private static final Pattern USER = Pattern.compile("\\\\\"user_id\\\\\":\\\\\"([^\\\\\"]+)\\\\\"");

    @Option(names = "--redis-url", description = "the Redis the nodes share (default ${DEFAULT-VALUE})")
    String redisUrl = "redis://127.0.0.1:6379";

    @Option(names = "--n", description = "members (default ${DEFAULT-VALUE})")
    int n = 2000;

    @Option(names = "--rate", description = "joins (then leaves) per second (default ${DEFAULT-VALUE})")
    double rate = 200;

    @Option(names = "--hold", description = "how long every member stays once all joined (default ${DEFAULT-VALUE})")
    String hold = "5s";

    @Override
    String name() {
        return "presence-churn";
    }

    /** One Pusher connection that tracks the channel's users as it is told about them. */
    static final class Client implements WebSocket.Listener {
        final String user;
        final Set<String> users = new HashSet<>();
        final AtomicLong adds = new AtomicLong();
        final AtomicLong removes = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final CompletableFuture<String> socketId = new CompletableFuture<>();
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        volatile WebSocket ws;

        Client(String user) {
            this.user = user;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                String m = part.toString();
                part.setLength(0);
                onMessage(ws, m);
            }
            ws.request(1);
            return null;
        }

        private synchronized void onMessage(WebSocket ws, String m) {
            if (m.contains("\"pusher:connection_established\"")) {
                Matcher s = Pattern.compile("socket_id\\\\\":\\\\\"([0-9.]+)").matcher(m);
                if (s.find()) {
                    socketId.complete(s.group(1));
                }
            } else if (m.contains("\"pusher:ping\"")) {
                ws.sendText("{\"event\":\"pusher:pong\",\"data\":{}}", true);
            } else if (m.contains("\"pusher_internal:subscription_succeeded\"")) {
                Matcher ids = Pattern.compile("\\\\\"ids\\\\\":\\[([^\\]]*)\\]").matcher(m);
                if (ids.find()) {
                    for (String id : ids.group(1).split(",")) {
                        if (!id.isBlank()) {
                            users.add(id.replace("\\\"", "").replace("\"", "").strip());
                        }
                    }
                }
                subscribed.complete(null);
            } else if (m.contains("\"pusher_internal:member_added\"")) {
                Matcher u = USER.matcher(m);
                if (u.find()) {
                    adds.incrementAndGet();
                    if (!users.add(u.group(1))) {
                        wrong.incrementAndGet();
                    }
                }
            } else if (m.contains("\"pusher_internal:member_removed\"")) {
                Matcher u = USER.matcher(m);
                if (u.find()) {
                    removes.incrementAndGet();
                    if (!users.remove(u.group(1))) {
                        wrong.incrementAndGet();
                    }
                }
            }
        }
    }

    static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Client join(HttpClient http, ServerUnderTest node, String user) throws Exception {
        Client c = new Client(user);
        c.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(URI.create("ws://" + node.host()
                + ":" + node.port() + "/app/" + ServerUnderTest.PUSHER_KEY + "?protocol=7&client=bench"), c)
                .get(30, TimeUnit.SECONDS);
        String socket = c.socketId.get(30, TimeUnit.SECONDS);
        String data = "{\"user_id\":\"" + user + "\"}";
        String auth = ServerUnderTest.PUSHER_KEY + ":" + hmac(ServerUnderTest.PUSHER_SECRET, socket + ":" + CHANNEL + ":" + data);
        c.ws.sendText("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + CHANNEL + "\",\"auth\":\"" + auth
                + "\",\"channel_data\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(data) + "}}", true);
        return c;
    }

    @Override
    Map<String, Object> run(ServerUnderTest single) throws Exception {
        single.close();
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        List<ServerUnderTest> nodes = launchRedisNodes(NODES, "churn", redisUrl,
                Map.of("HERALD_PUSHER_MAX_PRESENCE_MEMBERS", String.valueOf(n + NODES)), single.secret(), single.apiKey());
        HttpClient http = HttpClient.newHttpClient();
        List<Client> watchers = new ArrayList<>();
        List<Client> members = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                Client w = join(http, nodes.get(i), "watcher-" + i);
                w.subscribed.get(30, TimeUnit.SECONDS);
                watchers.add(w);
            }
            long gapNanos = (long) (1e9 / rate);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                members.add(join(http, nodes.get(i % NODES), "m" + i));
            }
            for (Client m : members) {
                m.subscribed.get(60, TimeUnit.SECONDS);
            }
            double joinSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  %d members joined in %.1f s%n", n, joinSeconds);
            Thread.sleep(parseDuration(hold) / 1_000_000);
            long leaveStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = leaveStart + i * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                members.get(i).ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline
                    && watchers.stream().anyMatch(w -> w.removes.get() < n)) {
                Thread.sleep(50);
            }
            double leaveSeconds = (System.nanoTime() - leaveStart) / 1e9;
            List<Map<String, Object>> perWatcher = new ArrayList<>();
            long watcherWrong = 0;
            for (int i = 0; i < NODES; i++) {
                Client w = watchers.get(i);
                long expectedAdds = n + (NODES - 1 - i); // the members, and the watchers that joined after it
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("user", w.user);
                m.put("adds", w.adds.get());
                m.put("removes", w.removes.get());
                m.put("wrong", w.wrong.get());
                m.put("left_over_users", w.users.size());
                perWatcher.add(m);
                watcherWrong += w.wrong.get() + Math.abs(w.adds.get() - expectedAdds) + Math.abs(w.removes.get() - n);
            }
            long memberAdds = members.stream().mapToLong(c -> c.adds.get()).sum();
            long memberRemoves = members.stream().mapToLong(c -> c.removes.get()).sum();
            long memberWrong = members.stream().mapToLong(c -> c.wrong.get()).sum();
            r.put("watchers", perWatcher);
            summary.put("members", n);
            summary.put("rate", rate);
            summary.put("join_s", Math.round(joinSeconds * 10) / 10.0);
            summary.put("leave_s", Math.round(leaveSeconds * 10) / 10.0);
            summary.put("watcher_errors", watcherWrong);
            summary.put("member_adds", memberAdds);
            summary.put("member_removes", memberRemoves);
            summary.put("member_wrong", memberWrong);
        } finally {
            watchers.forEach(w -> w.ws.abort());
            members.forEach(m -> m.ws.abort());
            nodes.forEach(ServerUnderTest::close);
        }
        r.put("summary", summary);
        return r;
    }

}
