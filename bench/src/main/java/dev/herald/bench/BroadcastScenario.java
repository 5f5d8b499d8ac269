package dev.herald.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * N connections; the server API broadcasts at a fixed rate. Counts every frame on every connection
 * (no loss means each connection got each broadcast), the server's CPU time per delivered message,
 * and for each broadcast the time from the start of its HTTP request to its last frame received.
 */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
        description = "Broadcast through the API to N connections: delivery, server CPU per message, API-to-last-frame latency.")
final class BroadcastScenario extends Scenario {
    @Option(names = "--n", description = "connections (default ${DEFAULT-VALUE})")
    int n = 10_000;

    @Option(names = "--rate", description = "broadcasts per second (default ${DEFAULT-VALUE})")
    double rate = 20;

    @Option(names = "--duration", description = "measuring window (default ${DEFAULT-VALUE})")
    String duration = "60s";

    @Option(names = "--warmup", description = "broadcasting before measuring, to warm the JIT (default ${DEFAULT-VALUE})")
    String warmup = "10s";

    @Option(names = "--payload", description = "extra bytes of text in each message (default ${DEFAULT-VALUE})")
    int payload = 64;

    @Override
    String name() {
        return "broadcast";
    }

    /** {@code broadcast} of a message with {@code payload} extra bytes, marked with sequence and time. */
    static Publisher.Call broadcastCall(int payload) {
        String pad = "x".repeat(Math.max(0, payload));
        return new Publisher.Call() {
            @Override
            public String path(long seq) {
                return "/admin/websocket/broadcast";
            }

            @Override
            public String body(long seq, long mark) {
                return "{\"type\":\"bench\",\"data\":{\"_s\":" + seq + ",\"_t\":" + mark + ",\"p\":\"" + pad + "\"}}";
            }
        };
    }

    /** Per broadcast: time from its API call to its last frame received; broadcasts some connection missed. */
    record Completion(Histogram lastFrame, long incomplete) {}

    static Completion completion(Fleet.Stats s, Publisher.Run run, long total, int connections) {
        Histogram lastFrame = new Histogram();
        long incomplete = 0;
        for (int seq = 1; seq <= total; seq++) {
            if (seq < s.seqCount.length && s.seqCount[seq] > 0) {
                lastFrame.record(s.seqMaxRecv[seq] - run.started[seq]);
            }
            if (seq >= s.seqCount.length || s.seqCount[seq] < connections) {
                incomplete++;
            }
        }
        return new Completion(lastFrame, incomplete);
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        Publisher.Call call = broadcastCall(payload);
        try (Fleet fleet = fleet(server, n); ApiClient api = new ApiClient(server.host(), server.port(), server.apiKey(), 4, 1)) {
            setUp(fleet);
            long warmNanos = parseDuration(warmup);
            if (warmNanos > 0) {
                Publisher.run(api, rate, RateSchedule.eventsFor(rate, warmNanos), false, true, call);
                Thread.sleep(2000);
            }
            long total = RateSchedule.eventsFor(rate, parseDuration(duration));
            fleet.reset((int) total);
            Perf perf = Perf.record(perfRecord, server.pid());
            long cpu0 = server.cpuMicros();
            long t0 = System.nanoTime();
            Publisher.Run run = Publisher.run(api, rate, total, false, false, call);
            long expected = total * n;
            Fleet.Stats s = Publisher.awaitDelivered(fleet, expected, total, 3000, 30_000);
            long cpu1 = server.cpuMicros();
            long t1 = System.nanoTime();
            if (perf != null) {
                perf.close();
            }
            Completion done = completion(s, run, total, n);
            Histogram lastFrame = done.lastFrame();
            long incomplete = done.incomplete();
            double cpuPerMsg = (cpu1 - cpu0) / (double) Math.max(1, s.delivered);
            r.put("n", n);
            r.put("processes", fleet.size());
            r.put("rate", rate);
            r.put("broadcasts", total);
            r.put("expected_deliveries", expected);
            r.put("delivered", s.delivered);
            r.put("lost", expected - s.delivered);
            r.put("incomplete_broadcasts", incomplete);
            r.put("connections_short", s.perConnOff);
            r.put("per_conn_min", s.perConnMin);
            r.put("per_conn_max", s.perConnMax);
            r.put("open_at_end", s.open);
            r.put("close_reasons", s.closeReasons);
            r.put("error_frames", s.errorFrames);
            r.put("reordered", s.reordered);
            r.put("api", run.describe());
            r.put("api_reported_count", run.apiCount.get());
            r.put("server_cpu_us", cpu1 - cpu0);
            r.put("window_s", round((t1 - t0) / 1e9, 2));
            r.put("server_cpu_us_per_delivered", round(cpuPerMsg, 3));
            r.put("api_to_last_frame", lastFrame.summaryMillis());
            r.put("delivery_latency", s.latency.summaryMillis());
            summary.put("conns", n);
            summary.put("rate", rate);
            summary.put("delivered", s.delivered);
            summary.put("undelivered", expected - s.delivered);
            summary.put("cpu_us_per_msg", round(cpuPerMsg, 2));
            summary.put("last_frame_p50_ms", Histogram.ms(lastFrame.percentile(50)));
            summary.put("last_frame_p99_ms", Histogram.ms(lastFrame.percentile(99)));
            summary.put("last_frame_max_ms", Histogram.ms(lastFrame.max()));
            summary.put("api_non200", run.non200());
        }
        r.put("summary", summary);
        return r;
    }
}
