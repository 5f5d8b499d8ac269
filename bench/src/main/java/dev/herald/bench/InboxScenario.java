package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The inbox's performance targets (issue 3), through the real server's HTTP API and WebSocket
 * connections, on H2 (the embedded default) or PostgreSQL (a fresh database created for the run):
 * <ol>
 *   <li>a send to every known user (100,000) while some of them are connected: time to the HTTP
 *       reply (stored, pushes handed to the connections) and to the last online client's frame;
 *   <li>single-recipient sends at a fixed open-loop rate: HTTP latency from the scheduled time;
 *   <li>with 1,000,000 stored notifications: unread count, a filtered list page, a keyword search
 *       (page 3) and the statistics, one call at a time, client-side latency;
 *   <li>mark-all-read of 10,000 unread notifications of one user (after a pause of
 *       {@code --settle-ms} following the 10,000 sends that filled the inbox).
 * </ol>
 * Data is seeded through the send API in batches of {@code http.max-recipients} (10,000).
 */
@Command(name = "inbox", mixinStandardHelpOptions = true,
        description = "notification inbox: 100k-recipient send, single sends at a rate, reads over 1M rows, mark-all-read.")
final class InboxScenario extends Scenario {
    private static final String SEND = "/admin/system/notifications/send";
    private static final String BASE = "/admin/system/notifications";
    private static final int BATCH = 10_000;

    @Option(names = "--db", description = "h2 (embedded, default) or postgres (a fresh database on --pg-host)")
    Db db = Db.H2;

    @Option(names = "--pg-host", description = "PostgreSQL server for --db postgres (default ${DEFAULT-VALUE}, user postgres, trust)")
    String pgHost = "127.0.0.1";

    @Option(names = "--keep-db", description = "keep the PostgreSQL database after the run")
    boolean keepDb;

    @Option(names = "--users", description = "known users (default ${DEFAULT-VALUE})")
    int users = 100_000;

    @Option(names = "--online", description = "users connected over WebSocket during the big send (default ${DEFAULT-VALUE})")
    int online = 2_000;

    @Option(names = "--big-rounds", description = "sends to every known user (default ${DEFAULT-VALUE})")
    int bigRounds = 3;

    @Option(names = "--rate", description = "single sends per second (default ${DEFAULT-VALUE})")
    double rate = 2_000;

    @Option(names = "--duration", description = "window of the single sends (default ${DEFAULT-VALUE})")
    String duration = "30s";

    @Option(names = "--warmup", description = "single sends before that window (default ${DEFAULT-VALUE})")
    String warmup = "5s";

    @Option(names = "--stored", description = "stored notifications before the reads (default ${DEFAULT-VALUE})")
    long stored = 1_000_000;

    @Option(names = "--reads", description = "calls per read measurement (default ${DEFAULT-VALUE})")
    int reads = 2_000;

    @Option(names = "--mark-all", description = "unread notifications per mark-all-read (default ${DEFAULT-VALUE})")
    int markAll = 10_000;

    @Option(names = "--mark-rounds", description = "mark-all-read rounds (default ${DEFAULT-VALUE})")
    int markRounds = 3;

    @Option(names = "--settle-ms", description = "pause between filling an inbox and marking it read (default ${DEFAULT-VALUE})")
    long settleMs = 2_000;

    @Option(names = "--reads-settle-ms", description = "pause between the fill to --stored rows and the timed reads,"
            + " for the database's background work after it (default ${DEFAULT-VALUE})")
    long readsSettleMs = 0;

    @Option(names = "--http-connections", description = "keep-alive API connections (default ${DEFAULT-VALUE})")
    int httpConnections = 32;

    enum Db { H2, POSTGRES }

    private String database;
    /** Notifications the bench stored so far (the sends' replies' {@code count}s). */
    private long rowsSent;
    private long rows;

    @Override
    String name() {
        return "inbox-" + db.name().toLowerCase();
    }

    @Override
    public Integer call() throws Exception {
        if (db == Db.POSTGRES) {
            database = "herald_bench_" + System.currentTimeMillis();
            psql("CREATE DATABASE " + database);
            serverEnv.put("HERALD_DB_URL", "jdbc:postgresql://" + pgHost + ":5432/" + database);
            serverEnv.put("HERALD_DB_USER", "postgres");
        }
        try {
            return super.call();
        } finally {
            if (database != null && !keepDb) {
                psql("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    private void psql(String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "-h", pgHost, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                "-c", sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("psql " + sql + ": " + out);
        }
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        r.put("db", db.name().toLowerCase());
        try (Fleet fleet = fleet(server, online);
             ApiClient api = new ApiClient(server.host(), server.port(), server.apiKey(), httpConnections, 1)) {
            long t = System.nanoTime();
            for (long from = 1; from <= users; from += BATCH) {
                send(api, range(from, Math.min(users, from + BATCH - 1)), "seed", "normal", "info", "");
            }
            r.put("seed_known_users_s", seconds(t));
            setUp(fleet);
            Thread.sleep(1000);

            Map<String, Object> big = bigSends(server, fleet, api);
            r.put("big_send", big);
            summary.put("big_reply_ms", big.get("reply_ms_median"));
            summary.put("big_last_push_ms", big.get("last_push_ms_median"));

            Map<String, Object> singles = singleSends(server, fleet, api);
            r.put("single_sends", singles);
            Map<?, ?> http = (Map<?, ?>) singles.get("http_latency");
            summary.put("single_rate", singles.get("achieved_rate"));
            summary.put("single_p50_ms", http.get("p50_ms"));
            summary.put("single_p99_ms", http.get("p99_ms"));

            Map<String, Object> reads = reads(api);
            r.put("reads", reads);
            summary.put("rows", rows);
            summary.put("unread_count_p99_ms", ((Map<?, ?>) reads.get("unread_count")).get("p99_ms"));
            summary.put("list_p99_ms", ((Map<?, ?>) reads.get("list_filtered")).get("p99_ms"));

            Map<String, Object> mark = markAllRead(api);
            r.put("mark_all_read", mark);
            summary.put("mark_all_read_ms", mark.get("ms_median"));
        }
        r.put("summary", summary);
        return r;
    }

    /** Sends to every known user ({@code user_ids} empty) while {@link #online} users are connected. */
    private Map<String, Object> bigSends(ServerUnderTest server, Fleet fleet, ApiClient api) throws Exception {
        List<Map<String, Object>> rounds = new ArrayList<>();
        List<Double> replies = new ArrayList<>();
        List<Double> lastPushes = new ArrayList<>();
        for (int round = 1; round <= bigRounds; round++) {
            fleet.reset(1);
            long cpu0 = server.cpuMicros();
            long t0 = System.nanoTime();
            JsonNode reply = send(api, List.of(), "to everyone " + round, "urgent", "info",
                    ",\"data\":{\"_s\":1,\"_t\":" + t0 + "}");
            double replyMs = (System.nanoTime() - t0) / 1e6;
            Fleet.Stats s = Publisher.awaitDelivered(fleet, online, 1, 5_000, 120_000);
            long cpu1 = server.cpuMicros();
            double lastMs = Histogram.ms(s.latency.max());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stored", reply.path("count").asLong());
            m.put("pushed_reported", reply.path("pushed").asLong());
            m.put("reply_ms", round(replyMs, 1));
            m.put("online_received", s.delivered);
            m.put("last_push_ms", round(lastMs, 1));
            m.put("push_latency", s.latency.summaryMillis());
            m.put("server_cpu_ms", (cpu1 - cpu0) / 1000);
            m.put("load_avg", Machine.loadAvg());
            rounds.add(m);
            replies.add(replyMs);
            lastPushes.add(lastMs);
            System.out.printf("  big send %d: %d stored, reply %.0f ms, %d/%d online got it, last at %.0f ms%n", round,
                    reply.path("count").asLong(), replyMs, s.delivered, online, lastMs);
            Thread.sleep(2000);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recipients", users);
        m.put("online", online);
        m.put("rounds", rounds);
        m.put("reply_ms_median", round(median(replies), 1));
        m.put("last_push_ms_median", round(median(lastPushes), 1));
        return m;
    }

    /** One-recipient sends at {@link #rate}/s, open loop; the online recipients' frames are counted too. */
    private Map<String, Object> singleSends(ServerUnderTest server, Fleet fleet, ApiClient api) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        Publisher.Call call = new Publisher.Call() {
            @Override
            public String path(long seq) {
                return SEND;
            }

            @Override
            public String body(long seq, long mark) {
                long user = 1 + random.nextInt(users);
                return "{\"user_ids\":[" + user + "],\"title\":\"single " + seq + "\",\"content\":\"one recipient\","
                        + "\"type\":\"" + (seq % 3 == 0 ? "warning" : "info") + "\",\"data\":{\"_s\":" + seq
                        + ",\"_t\":" + mark + "}}";
            }
        };
        long warm = parseDuration(warmup);
        if (warm > 0) {
            rowsSent += Publisher.run(api, rate, RateSchedule.eventsFor(rate, warm), true, true, call).apiCount.get();
            Thread.sleep(1000);
        }
        long total = RateSchedule.eventsFor(rate, parseDuration(duration));
        fleet.reset((int) total);
        long cpu0 = server.cpuMicros();
        Publisher.Run run = Publisher.run(api, rate, total, true, false, call);
        long cpu1 = server.cpuMicros();
        rowsSent += run.apiCount.get();
        Thread.sleep(2000);
        Fleet.Stats s = fleet.stats(-1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        m.put("sent", total);
        m.put("achieved_rate", round(run.achievedRate(), 0));
        m.put("api_non200", run.non200());
        m.put("http_latency", run.httpLatency.summaryMillis());
        m.put("api", run.describe());
        m.put("online_pushes_received", s.delivered);
        m.put("online_push_latency", s.latency.summaryMillis());
        m.put("server_cpu_us_per_send", round((cpu1 - cpu0) / (double) total, 1));
        m.put("load_avg", Machine.loadAvg());
        System.out.printf("  single sends: %d at %.0f/s, http p50 %s ms p99 %s ms, non-200 %d%n", total,
                run.achievedRate(), run.httpLatency.summaryMillis().get("p50_ms"),
                run.httpLatency.summaryMillis().get("p99_ms"), run.non200());
        return m;
    }

    /** Tops the table up to {@link #stored} rows, then times reads one call at a time. */
    private Map<String, Object> reads(ApiClient api) throws Exception {
        rows = rowsSent;
        long t = System.nanoTime();
        int extra = 0;
        while (rows < stored) {
            // every known user; a third of the sends are warnings so the type filter has work to do
            JsonNode reply = send(api, List.of(), "fill " + extra, "normal", extra % 3 == 0 ? "warning" : "info", "");
            rows += reply.path("count").asLong();
            extra++;
        }
        // some of each user's notifications read, as in a live inbox
        List<java.util.concurrent.CompletableFuture<ApiClient.Response>> reading = new ArrayList<>();
        for (long user = 1; user <= users; user += 7) {
            reading.add(api.post(BASE + "/read-all", "{\"user_id\":" + user + "}"));
        }
        for (var f : reading) {
            json(f.get(120, TimeUnit.SECONDS));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("fill_s", seconds(t));
        if (readsSettleMs > 0) {
            Thread.sleep(readsSettleMs);
            m.put("settled_ms", readsSettleMs);
        }
        SplittableRandom random = new SplittableRandom(7);
        m.put("unread_count", timeGets(api, () -> BASE + "/unread-count?user_id=" + (1 + random.nextInt(users))));
        m.put("list_filtered", timeGets(api, () -> BASE + "?user_id=" + (1 + random.nextInt(users))
                + "&is_read=false&type=info&page=1&page_size=20"));
        // as the former NotificationStorePerfTest did: a keyword search further in, and the totals
        m.put("list_keyword", timeGets(api, () -> BASE + "?user_id=" + (1 + random.nextInt(users))
                + "&keyword=content%204&page=3&page_size=20"));
        m.put("statistics", timeGets(api, () -> BASE + "/statistics?user_id=" + (1 + random.nextInt(users))));
        m.put("load_avg", Machine.loadAvg());
        System.out.printf("  reads over %d rows: unread-count %s, list %s, keyword list %s, statistics %s%n", rows,
                m.get("unread_count"), m.get("list_filtered"), m.get("list_keyword"), m.get("statistics"));
        return m;
    }

    private Map<String, Object> timeGets(ApiClient api, java.util.function.Supplier<String> path) throws Exception {
        for (int i = 0; i < reads / 5; i++) {
            json(api.get(path.get())); // warm-up
        }
        Histogram h = new Histogram();
        for (int i = 0; i < reads; i++) {
            String p = path.get();
            long start = System.nanoTime();
            ApiClient.Response res = api.get(p);
            h.record(System.nanoTime() - start);
            json(res);
        }
        return h.summaryMillis();
    }

    /** Gives fresh users {@link #markAll} unread notifications each, then times {@code read-all}. */
    private Map<String, Object> markAllRead(ApiClient api) throws Exception {
        List<Map<String, Object>> rounds = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        for (int round = 1; round <= markRounds; round++) {
            long user = users + 1_000 + round;
            Publisher.Call one = new Publisher.Call() {
                @Override
                public String path(long seq) {
                    return SEND;
                }

                @Override
                public String body(long seq, long mark) {
                    return "{\"user_ids\":[" + user + "],\"title\":\"unread " + seq + "\",\"content\":\"x\",\"level\":\"normal\"}";
                }
            };
            Publisher.Run fill = Publisher.run(api, 5_000, markAll, false, false, one);
            long unread = json(api.get(BASE + "/unread-count?user_id=" + user)).path("count").asLong();
            Thread.sleep(settleMs); // H2 writes the fill to disk in the background for a while
            long t0 = System.nanoTime();
            JsonNode done = json(api.post(BASE + "/read-all", "{\"user_id\":" + user + "}").get(60, TimeUnit.SECONDS));
            double ms = (System.nanoTime() - t0) / 1e6;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("unread_before", unread);
            m.put("fill_non200", fill.non200());
            m.put("updated", done.path("updated").asLong());
            m.put("ms", round(ms, 1));
            m.put("load_avg", Machine.loadAvg());
            rounds.add(m);
            times.add(ms);
            System.out.printf("  mark-all-read of %d: %.0f ms%n", done.path("updated").asLong(), ms);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", rounds);
        m.put("ms_median", round(median(times), 1));
        return m;
    }


    private JsonNode send(ApiClient api, List<Long> to, String title, String level, String type, String extra)
            throws Exception {
        StringBuilder body = new StringBuilder("{\"user_ids\":[");
        for (int i = 0; i < to.size(); i++) {
            body.append(i == 0 ? "" : ",").append(to.get(i));
        }
        body.append("],\"title\":\"").append(title).append("\",\"content\":\"content of ").append(title)
                .append("\",\"type\":\"").append(type).append("\",\"level\":\"").append(level).append('"')
                .append(extra).append('}');
        JsonNode data = json(api.post(SEND, body.toString()).get(120, TimeUnit.SECONDS));
        rowsSent += data.path("count").asLong();
        return data;
    }

    private static JsonNode json(ApiClient.Response res) throws Exception {
        if (res.status() != 200) {
            throw new IllegalStateException("HTTP " + res.status() + ": " + res.body());
        }
        return Worker.JSON.readTree(res.body()).path("data");
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>((int) (to - from + 1));
        for (long u = from; u <= to; u++) {
            ids.add(u);
        }
        return ids;
    }

    private static double seconds(long startNanos) {
        return round((System.nanoTime() - startNanos) / 1e9, 1);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
