package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Collapsing (issue 11): single-recipient sends with a {@code group_key} at a fixed open-loop rate
 * — by default 2,000/s into 200 group keys for 2,000 users for 30 s on PostgreSQL — then a check
 * IN THE DATABASE that the rows created equal the distinct (user, group) pairs sent and that the
 * {@code group_count}s add up to the sends exactly. Target: p99 of the send ≤ 50 ms. Each send's
 * (user, key) is drawn from a seeded random sequence, so the expected numbers are known; every
 * send must answer 200 for the check to be exact (a non-200 makes the run fail).
 */
@Command(name = "inbox-collapse", mixinStandardHelpOptions = true,
        description = "collapsing: sends with group_key at a rate; checks rows = distinct (user, group) pairs and exact counts.")
final class CollapseScenario extends Scenario {
    private static final String SEND = "/admin/system/notifications/send";
    private static final String BASE = "/admin/system/notifications";

    @Option(names = "--db", description = "h2 (embedded) or postgres (default: a fresh database on --pg-host)")
    InboxScenario.Db db = InboxScenario.Db.POSTGRES;

    @Option(names = "--pg-host", description = "PostgreSQL server for --db postgres (default ${DEFAULT-VALUE}, user postgres, trust)")
    String pgHost = "127.0.0.1";

    @Option(names = "--keep-db", description = "keep the PostgreSQL database after the run")
    boolean keepDb;

    @Option(names = "--users", description = "recipients (default ${DEFAULT-VALUE})")
    int users = 2_000;

    @Option(names = "--groups", description = "group keys (default ${DEFAULT-VALUE})")
    int groups = 200;

    @Option(names = "--rate", description = "sends per second (default ${DEFAULT-VALUE})")
    double rate = 2_000;

    @Option(names = "--duration", description = "window of the measured sends (default ${DEFAULT-VALUE})")
    String duration = "30s";

    @Option(names = "--warmup", description = "sends before that window, to users outside the measured ones (default ${DEFAULT-VALUE})")
    String warmup = "5s";

    @Option(names = "--p99-target-ms", description = "the send's p99 target (default ${DEFAULT-VALUE})")
    double p99TargetMs = 50;

    @Option(names = "--http-connections", description = "keep-alive API connections (default ${DEFAULT-VALUE})")
    int httpConnections = 32;

    private String database;

    @Override
    String name() {
        return "inbox-collapse-" + db.name().toLowerCase();
    }

    @Override
    public Integer call() throws Exception {
        if (db == InboxScenario.Db.POSTGRES) {
            database = "herald_bench_collapse_" + System.currentTimeMillis();
            psql("postgres", "CREATE DATABASE " + database);
            serverEnv.put("HERALD_DB_URL", "jdbc:postgresql://" + pgHost + ":5432/" + database);
            serverEnv.put("HERALD_DB_USER", "postgres");
        }
        try {
            return super.call();
        } finally {
            if (database != null && !keepDb) {
                psql("postgres", "DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    private String psql(String db, String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "-h", pgHost, "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
                "-t", "-A", "-F", " ", "-c", sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("psql " + sql + ": " + out);
        }
        return out.strip();
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        r.put("db", db.name().toLowerCase());
        r.put("users", users);
        r.put("groups", groups);
        long total = RateSchedule.eventsFor(rate, parseDuration(duration));
        // the (user, key) of every measured send, drawn in advance: the expected rows are known
        long[] userOf = new long[(int) total + 1];
        int[] keyOf = new int[(int) total + 1];
        SplittableRandom random = new SplittableRandom(11);
        Set<Long> pairs = new HashSet<>();
        for (int seq = 1; seq <= total; seq++) {
            userOf[seq] = 1 + random.nextInt(users);
            keyOf[seq] = random.nextInt(groups);
            pairs.add(userOf[seq] * groups + keyOf[seq]);
        }
        try (ApiClient api = new ApiClient(server.host(), server.port(), server.apiKey(), httpConnections, 1)) {
            SplittableRandom warmRandom = new SplittableRandom(5);
            long warm = parseDuration(warmup);
            if (warm > 0) {
                Publisher.run(api, rate, RateSchedule.eventsFor(rate, warm), false, true, new Publisher.Call() {
                    @Override
                    public String path(long seq) {
                        return SEND;
                    }

                    @Override
                    public String body(long seq, long mark) {
                        return sendBody(users + 1 + warmRandom.nextInt(100), "w" + warmRandom.nextInt(groups), seq);
                    }
                });
                Thread.sleep(1000);
            }
            long cpu0 = server.cpuMicros();
            Publisher.Run run = Publisher.run(api, rate, total, true, false, new Publisher.Call() {
                @Override
                public String path(long seq) {
                    return SEND;
                }

                @Override
                public String body(long seq, long mark) {
                    return sendBody(userOf[(int) seq], "g" + keyOf[(int) seq], seq);
                }
            });
            long cpu1 = server.cpuMicros();
            Map<?, ?> http = run.httpLatency.summaryMillis();
            r.put("sent", total);
            r.put("achieved_rate", round(run.achievedRate(), 0));
            r.put("api", run.describe());
            r.put("server_cpu_us_per_send", round((cpu1 - cpu0) / (double) total, 1));
            r.put("load_avg", Machine.loadAvg());

            // the check, in the database
            long rows;
            long counted;
            if (db == InboxScenario.Db.POSTGRES) {
                String[] got = psql(database, "SELECT COUNT(*), COALESCE(SUM(group_count), 0) FROM system_notifications"
                        + " WHERE user_id BETWEEN 1 AND " + users + " AND group_key LIKE 'g%'").split(" ");
                rows = Long.parseLong(got[0]);
                counted = Long.parseLong(got[1]);
                r.put("group_rows", Long.parseLong(psql(database, "SELECT COUNT(*) FROM notification_groups"
                        + " WHERE user_id BETWEEN 1 AND " + users)));
            } else {
                long[] viaApi = countViaApi(api);
                rows = viaApi[0];
                counted = viaApi[1];
            }
            boolean allOk = run.non200() == 0;
            boolean rowsExact = rows == pairs.size();
            boolean countsExact = counted == total;
            double p99 = ((Number) http.get("p99_ms")).doubleValue();
            r.put("rows_created", rows);
            r.put("distinct_pairs", pairs.size());
            r.put("group_count_sum", counted);
            r.put("rows_exact", rowsExact);
            r.put("counts_exact", countsExact);
            summary.put("rate", round(run.achievedRate(), 0));
            summary.put("p50_ms", http.get("p50_ms"));
            summary.put("p99_ms", http.get("p99_ms"));
            summary.put("p99_target_ms", p99TargetMs);
            summary.put("non200", run.non200());
            summary.put("rows", rows + "/" + pairs.size());
            summary.put("counts", counted + "/" + total);
            boolean pass = allOk && rowsExact && countsExact && p99 <= p99TargetMs;
            summary.put("pass", pass);
            System.out.printf("  collapse: %d sends at %.0f/s, p50 %s ms, p99 %s ms (target %.0f), non-200 %d;"
                            + " rows %d for %d distinct (user, group) pairs, group_count sum %d of %d sends: %s%n",
                    total, run.achievedRate(), http.get("p50_ms"), http.get("p99_ms"), p99TargetMs, run.non200(),
                    rows, pairs.size(), counted, total, pass ? "PASS" : "FAIL");
        }
        r.put("summary", summary);
        return r;
    }

    private static String sendBody(long user, String key, long seq) {
        return "{\"user_ids\":[" + user + "],\"title\":\"event " + seq + "\",\"content\":\"collapsing\","
                + "\"group_key\":\"" + key + "\",\"group_window\":86400}";
    }

    /** H2 (no psql): per user, the rows (all states) and their group_count, through the API. */
    private long[] countViaApi(ApiClient api) throws Exception {
        long rows = 0;
        long counted = 0;
        for (long user = 1; user <= users; user++) {
            for (int page = 1; ; page++) {
                JsonNode data = json(api.get(BASE + "?user_id=" + user + "&archived=all&page_size=100&page=" + page));
                for (JsonNode n : data.path("list")) {
                    if (n.path("group_key").asText("").startsWith("g")) {
                        rows++;
                        counted += n.path("group_count").asLong();
                    }
                }
                if ((long) page * 100 >= data.path("total").asLong()) {
                    break;
                }
            }
        }
        return new long[] {rows, counted};
    }

    private static JsonNode json(ApiClient.Response res) throws Exception {
        if (res.status() != 200) {
            throw new IllegalStateException("HTTP " + res.status() + ": " + res.body());
        }
        return Worker.JSON.readTree(res.body()).path("data");
    }
}
