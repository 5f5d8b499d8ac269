package dev.herald.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code send-to-user} through the server API at a fixed open-loop rate, each to a random one of N
 * connected users; end-to-end latency from the scheduled send time to the frame's arrival. With
 * {@code --find-max} the rate steps up until p99 passes the limit (or messages are lost, or the
 * rate cannot be kept up), and the highest rate that held is reported.
 */
@Command(name = "unicast", mixinStandardHelpOptions = true,
        description = "send-to-user at a fixed rate: end-to-end p50/p99/p999; --find-max for the highest rate with p99 under a limit.")
final class UnicastScenario extends Scenario {
    @Option(names = "--n", description = "connected users (default ${DEFAULT-VALUE})")
    int n = 1000;

    @Option(names = "--rate", description = "messages per second (default ${DEFAULT-VALUE})")
    double rate = 2000;

    @Option(names = "--duration", description = "measuring window (default ${DEFAULT-VALUE})")
    String duration = "30s";

    @Option(names = "--warmup", description = "sending before measuring (default ${DEFAULT-VALUE})")
    String warmup = "10s";

    @Option(names = "--http-connections", description = "keep-alive API connections (default ${DEFAULT-VALUE})")
    int httpConnections = 32;

    @Option(names = "--http-threads", description = "event loop threads of the API client (default ${DEFAULT-VALUE})")
    int httpThreads = 1;

    @Option(names = "--find-max", description = "after the fixed-rate run, step the rate up to find the highest with p99 under --p99-limit")
    boolean findMax;

    @Option(names = "--steps", description = "rates tried by --find-max (default ${DEFAULT-VALUE})")
    String steps = "2000,4000,6000,8000,10000,12000,14000,16000,18000,20000,24000,28000";

    @Option(names = "--step-duration", description = "window per --find-max step (default ${DEFAULT-VALUE})")
    String stepDuration = "10s";

    @Option(names = "--p99-limit-ms", description = "p99 limit for --find-max (default ${DEFAULT-VALUE})")
    double p99LimitMs = 20;

    @Option(names = "--seed", description = "random seed for picking users (default ${DEFAULT-VALUE})")
    long seed = 42;

    @Override
    String name() {
        return findMax ? "unicast-max" : "unicast";
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        Publisher.Call call = sendToRandomUser(new SplittableRandom(seed), (n + devicesPerUser - 1) / devicesPerUser);
        try (Fleet fleet = fleet(server, n);
             ApiClient api = new ApiClient(server.host(), server.port(), server.apiKey(), httpConnections, httpThreads)) {
            setUp(fleet);
            long warmNanos = parseDuration(warmup);
            if (warmNanos > 0) {
                Publisher.run(api, rate, RateSchedule.eventsFor(rate, warmNanos), true, true, call);
                Thread.sleep(1000);
            }
            Perf perf = Perf.record(perfRecord, server.pid());
            Map<String, Object> fixed = step(server, fleet, api, call, rate, parseDuration(duration));
            if (perf != null) {
                perf.close();
            }
            r.put("n", n);
            r.put("fixed", fixed);
            summary.put("rate", rate);
            summary.putAll(headline(fixed));
            if (findMax) {
                List<Map<String, Object>> tried = new ArrayList<>();
                double best = 0;
                for (int stepRate : ints(steps)) {
                    Map<String, Object> st = step(server, fleet, api, call, stepRate, parseDuration(stepDuration));
                    tried.add(st);
                    double p99 = (double) ((Map<?, ?>) st.get("latency")).get("p99_ms");
                    boolean held = p99 <= p99LimitMs && (long) st.get("lost") == 0 && (long) st.get("api_non200") == 0
                            && (double) st.get("achieved_rate") >= 0.97 * stepRate;
                    st.put("held", held);
                    System.out.printf("  step %6d/s: p50 %.2f ms p99 %.2f ms lost %d cpu %.1f us/msg %s%n", stepRate,
                            (double) ((Map<?, ?>) st.get("latency")).get("p50_ms"), p99, (long) st.get("lost"),
                            (double) st.get("server_cpu_us_per_msg"), held ? "ok" : "FAILED");
                    if (!held) {
                        break;
                    }
                    best = stepRate;
                    Thread.sleep(1000);
                }
                r.put("steps", tried);
                r.put("max_rate_p99_under_limit", best);
                summary.put("max_rate", best);
            }
        }
        r.put("summary", summary);
        return r;
    }

    /** {@code send-to-user} to a random one of users 1..{@code users}, marked with sequence and time. */
    static Publisher.Call sendToRandomUser(SplittableRandom random, int users) {
        return new Publisher.Call() {
            @Override
            public String path(long seq) {
                return "/admin/websocket/send-to-user";
            }

            @Override
            public String body(long seq, long mark) {
                long user = 1 + random.nextInt(users);
                return "{\"user_id\":" + user + ",\"type\":\"bench\",\"data\":{\"_s\":" + seq + ",\"_t\":" + mark + "}}";
            }
        };
    }

    private static Map<String, Object> headline(Map<String, Object> st) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<?, ?> lat = (Map<?, ?>) st.get("latency");
        m.put("p50_ms", lat.get("p50_ms"));
        m.put("p99_ms", lat.get("p99_ms"));
        m.put("p999_ms", lat.get("p999_ms"));
        m.put("max_ms", lat.get("max_ms"));
        m.put("undelivered", st.get("lost"));
        m.put("cpu_us_per_msg", st.get("server_cpu_us_per_msg"));
        m.put("api_non200", st.get("api_non200"));
        return m;
    }

    private Map<String, Object> step(ServerUnderTest server, Fleet fleet, ApiClient api, Publisher.Call call,
                                     double stepRate, long windowNanos) throws Exception {
        long total = RateSchedule.eventsFor(stepRate, windowNanos);
        fleet.reset((int) total);
        long cpu0 = server.cpuMicros();
        Publisher.Run run = Publisher.run(api, stepRate, total, true, false, call);
        Fleet.Stats s = Publisher.awaitDelivered(fleet, total, -1, 2000, 20_000);
        long cpu1 = server.cpuMicros();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", stepRate);
        m.put("sent", total);
        m.put("achieved_rate", round(run.achievedRate(), 0));
        m.put("delivered", s.delivered);
        m.put("lost", total - s.delivered);
        m.put("api_non200", run.non200());
        m.put("latency", s.latency.summaryMillis());
        m.put("api", run.describe());
        m.put("server_cpu_us_per_msg", round((cpu1 - cpu0) / (double) Math.max(1, s.delivered), 2));
        m.put("close_reasons", s.closeReasons);
        m.put("error_frames", s.errorFrames);
        return m;
    }
}
