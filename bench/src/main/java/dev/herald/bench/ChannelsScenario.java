package dev.herald.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * N connections subscribed round-robin to C channels; {@code send-to-channel} at a fixed open-loop
 * rate, channel by channel in turn. Delivery (each publication reaches every subscriber of its
 * channel), server CPU per delivered message, and latency from the scheduled send time.
 */
@Command(name = "channels", mixinStandardHelpOptions = true,
        description = "Subscribers spread over channels; send-to-channel at a rate: delivery, CPU per message, latency.")
final class ChannelsScenario extends Scenario {
    @Option(names = "--n", description = "connections (default ${DEFAULT-VALUE})")
    int n = 10_000;

    @Option(names = "--channels", description = "channels (default ${DEFAULT-VALUE})")
    int channels = 100;

    @Option(names = "--rate", description = "publications per second, over all channels (default ${DEFAULT-VALUE})")
    double rate = 1000;

    @Option(names = "--duration", description = "measuring window (default ${DEFAULT-VALUE})")
    String duration = "30s";

    @Option(names = "--warmup", description = "publishing before measuring (default ${DEFAULT-VALUE})")
    String warmup = "10s";

    @Option(names = "--http-connections", description = "keep-alive API connections (default ${DEFAULT-VALUE})")
    int httpConnections = 16;

    @Override
    String name() {
        return "channels";
    }

    static String channelName(long seq, int channels) {
        return "bench-" + (seq <= 0 ? 0 : (seq - 1) % channels);
    }

    /** Subscribers of channel c when connection i is on channel i % channels. */
    static long subscribers(int n, int channels, int c) {
        return n / channels + (c < n % channels ? 1 : 0);
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        Publisher.Call call = new Publisher.Call() {
            @Override
            public String path(long seq) {
                return "/admin/websocket/send-to-channel";
            }

            @Override
            public String body(long seq, long mark) {
                return "{\"channel\":\"" + channelName(seq, channels) + "\",\"type\":\"bench\",\"data\":{\"_s\":" + seq
                        + ",\"_t\":" + mark + "}}";
            }
        };
        try (Fleet fleet = fleet(server, n);
             ApiClient api = new ApiClient(server.host(), server.port(), server.apiKey(), httpConnections, 1)) {
            setUp(fleet);
            long acks = fleet.subscribe("bench-", channels, 120_000);
            System.out.printf("  subscribed: %d acks for %d connections%n", acks, n);
            if (acks < n) {
                throw new IllegalStateException("only " + acks + " of " + n + " subscriptions acknowledged");
            }
            long warmNanos = parseDuration(warmup);
            if (warmNanos > 0) {
                Publisher.run(api, rate, RateSchedule.eventsFor(rate, warmNanos), true, true, call);
                Thread.sleep(2000);
            }
            long total = RateSchedule.eventsFor(rate, parseDuration(duration));
            long expected = 0;
            for (long seq = 1; seq <= total; seq++) {
                expected += subscribers(n, channels, (int) ((seq - 1) % channels));
            }
            fleet.reset((int) total);
            long cpu0 = server.cpuMicros();
            Publisher.Run run = Publisher.run(api, rate, total, true, false, call);
            Fleet.Stats s = Publisher.awaitDelivered(fleet, expected, -1, 3000, 30_000);
            long cpu1 = server.cpuMicros();
            Histogram lastFrame = new Histogram();
            long incomplete = 0;
            for (int seq = 1; seq <= total; seq++) {
                long want = subscribers(n, channels, (seq - 1) % channels);
                if (seq < s.seqCount.length && s.seqCount[seq] > 0) {
                    lastFrame.record(s.seqMaxRecv[seq] - run.intended[seq]);
                }
                if (seq >= s.seqCount.length || s.seqCount[seq] < want) {
                    incomplete++;
                }
            }
            double cpuPerMsg = (cpu1 - cpu0) / (double) Math.max(1, s.delivered);
            r.put("n", n);
            r.put("channels", channels);
            r.put("processes", fleet.size());
            r.put("rate", rate);
            r.put("publications", total);
            r.put("expected_deliveries", expected);
            r.put("delivered", s.delivered);
            r.put("lost", expected - s.delivered);
            r.put("incomplete_publications", incomplete);
            r.put("close_reasons", s.closeReasons);
            r.put("error_frames", s.errorFrames);
            r.put("reordered", s.reordered);
            r.put("api", run.describe());
            r.put("server_cpu_us", cpu1 - cpu0);
            r.put("server_cpu_us_per_delivered", round(cpuPerMsg, 3));
            r.put("publish_to_last_frame", lastFrame.summaryMillis());
            r.put("delivery_latency", s.latency.summaryMillis());
            summary.put("conns", n);
            summary.put("channels", channels);
            summary.put("rate", rate);
            summary.put("delivered", s.delivered);
            summary.put("undelivered", expected - s.delivered);
            summary.put("cpu_us_per_msg", round(cpuPerMsg, 2));
            summary.put("p50_ms", Histogram.ms(s.latency.percentile(50)));
            summary.put("p99_ms", Histogram.ms(s.latency.percentile(99)));
            summary.put("last_frame_p99_ms", Histogram.ms(lastFrame.percentile(99)));
            summary.put("api_non200", run.non200());
        }
        r.put("summary", summary);
        return r;
    }
}
