package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Webhooks (issue 11): events from acks at a fixed open-loop rate, POSTed by the server to a
 * receiver inside the bench ({@link HookReceiver}: Netty on loopback, answering 204).
 * <ol>
 *   <li><b>steady</b>: {@code --rate} acks/s for {@code --duration}, each giving one
 *       {@code notification.delivered}; latency from the ack's scheduled time to the receipt of its
 *       event (target: p99 ≤ 1 s at 1,000/s);
 *   <li><b>outage</b>: the receiver is taken down (connections refused) for {@code --outage} while
 *       acks go on at the same rate, then brought back; every event must arrive (missing = 0), and
 *       events received more than once (2xx twice, same id) are counted as duplicates.
 * </ol>
 * Notifications are seeded first (one per user, 1,000 users per send), one ack per notification;
 * {@code --warmup} of acks at the same rate go before the steady window, unmeasured (a freshly
 * started JVM runs its first seconds of a new path interpreted).
 */
@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "webhooks: events/s delivered to a local receiver, event→receipt latency, and a receiver outage.")
final class WebhookScenario extends Scenario {
    private static final String SEND = "/admin/system/notifications/send";
    private static final String ACK = "/admin/system/notifications/ack";
    private static final String SECRET = "bench-webhook-secret";

    @Option(names = "--rate", description = "acks (= events) per second (default ${DEFAULT-VALUE})")
    double rate = 1_000;

    @Option(names = "--duration", description = "steady window (default ${DEFAULT-VALUE})")
    String duration = "30s";

    @Option(names = "--warmup", description = "acks at the same rate before the steady window, not measured:"
            + " the node's JIT warms up on the ack and webhook paths (default ${DEFAULT-VALUE}; 0s = none)")
    String warmup = "10s";

    @Option(names = "--outage", description = "receiver down for this long, acks going on (default ${DEFAULT-VALUE}; 0s = skip)")
    String outage = "30s";

    @Option(names = "--drain-timeout", description = "longest wait for every event after the receiver is back (default ${DEFAULT-VALUE})")
    String drainTimeout = "300s";

    @Option(names = "--http-connections", description = "keep-alive API connections (default ${DEFAULT-VALUE})")
    int httpConnections = 32;

    private static final byte[] NOTIFICATION_ID = "\"notification_id\"".getBytes(StandardCharsets.US_ASCII);

    private int receiverPort;
    private HookReceiver receiver;
    /** Per notification id - base: first 2xx receipt time (0 = not yet). */
    private AtomicLongArray receivedAt;
    private final Map<Long, AtomicInteger> okCount = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private long idBase;

    @Override
    String name() {
        return "webhooks";
    }

    @Override
    public Integer call() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            receiverPort = s.getLocalPort();
        }
        serverEnv.putIfAbsent("HERALD_WEBHOOK_URL", "http://127.0.0.1:" + receiverPort + "/hook");
        serverEnv.putIfAbsent("HERALD_WEBHOOK_SECRET", SECRET);
        receiver = new HookReceiver(receiverPort, this::received);
        try {
            return super.call();
        } finally {
            receiver.close();
        }
    }

    /** One request's body: the first 2xx receipt of its notification's event, and how many. */
    private void received(ByteBuf body) {
        long now = System.nanoTime();
        requests.increment();
        long id = FrameScan.longAfter(body, NOTIFICATION_ID);
        if (id == FrameScan.ABSENT || receivedAt == null) {
            return; // counted in requests only
        }
        int slot = (int) (id - idBase);
        if (slot >= 0 && slot < receivedAt.length()) {
            receivedAt.compareAndSet(slot, 0, now);
            okCount.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private void receiverUp() throws Exception {
        receiver.start();
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        long warmN = RateSchedule.eventsFor(rate, parseDuration(warmup));
        long steadyN = RateSchedule.eventsFor(rate, parseDuration(duration));
        long outageN = RateSchedule.eventsFor(rate, parseDuration(outage));
        int total = (int) (warmN + steadyN + outageN);
        try (ApiClient api = new ApiClient(server.host(), server.port(), server.apiKey(), httpConnections, 1)) {
            long[] ids = new long[total + 1];
            long[] users = new long[total + 1];
            long t = System.nanoTime();
            for (int from = 1; from <= total; from += 1000) {
                int to = Math.min(total, from + 999);
                StringBuilder body = new StringBuilder("{\"user_ids\":[");
                for (int u = from; u <= to; u++) {
                    body.append(u == from ? "" : ",").append(u);
                }
                body.append("],\"title\":\"hook\",\"content\":\"webhook bench\"}");
                ApiClient.Response res = api.post(SEND, body.toString()).get(120, TimeUnit.SECONDS);
                if (res.status() != 200) {
                    throw new IllegalStateException("seed send: HTTP " + res.status() + " " + res.body());
                }
                JsonNode got = Worker.JSON.readTree(res.body()).path("data").path("ids");
                for (int i = 0; i < got.size(); i++) {
                    ids[from + i] = got.get(i).asLong(); // ids ascend with the sorted recipients
                    users[from + i] = from + i;
                }
            }
            r.put("seed_s", round((System.nanoTime() - t) / 1e9, 1));
            idBase = ids[1];
            receivedAt = new AtomicLongArray((int) (ids[total] - idBase + 1));
            receiverUp();

            if (warmN > 0) {
                Publisher.run(api, rate, warmN, true, false, acksFrom(0, ids, users));
                Thread.sleep(3000);
                r.put("warmup_acks", warmN);
            }
            // steady: acks warmN+1..warmN+steadyN
            Publisher.Run steady = Publisher.run(api, rate, steadyN, true, false, acksFrom((int) warmN, ids, users));
            Thread.sleep(3000);
            Histogram latency = new Histogram();
            long missingSteady = 0;
            for (int k = 1; k <= steadyN; k++) {
                long at = receivedAt.get((int) (ids[(int) warmN + k] - idBase));
                if (at == 0) {
                    missingSteady++;
                } else {
                    latency.record(at - steady.intended[k]);
                }
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("events", steadyN);
            s.put("achieved_rate", round(steady.achievedRate(), 0));
            s.put("ack_non200", steady.non200());
            s.put("ack_http_latency", steady.httpLatency.summaryMillis());
            s.put("event_to_receipt", latency.summaryMillis());
            s.put("missing_after_3s", missingSteady);
            r.put("steady", s);
            summary.put("rate", round(steady.achievedRate(), 0));
            summary.put("p50_ms", latency.summaryMillis().get("p50_ms"));
            summary.put("p99_ms", latency.summaryMillis().get("p99_ms"));
            System.out.printf("  steady: %d events at %.0f/s, event->receipt p50 %s ms p99 %s ms, missing %d%n", steadyN,
                    steady.achievedRate(), latency.summaryMillis().get("p50_ms"), latency.summaryMillis().get("p99_ms"),
                    missingSteady);

            if (outageN > 0) {
                receiver.stop();
                long down = System.nanoTime();
                Publisher.Run during = Publisher.run(api, rate, outageN, true, false,
                        acksFrom((int) (warmN + steadyN), ids, users));
                long remaining = parseDuration(outage) - (System.nanoTime() - down);
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.sleep(remaining);
                }
                receiverUp();
                long back = System.nanoTime();
                long deadline = back + parseDuration(drainTimeout);
                long missing;
                do {
                    Thread.sleep(500);
                    missing = 0;
                    for (int k = 1; k <= total; k++) {
                        if (receivedAt.get((int) (ids[k] - idBase)) == 0) {
                            missing++;
                        }
                    }
                } while (missing > 0 && System.nanoTime() < deadline);
                double drainS = (System.nanoTime() - back) / 1e9;
                Thread.sleep(2000); // late duplicates
                long duplicates = okCount.values().stream().filter(c -> c.get() > 1).count();
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("outage_s", round(parseDuration(outage) / 1e9, 1));
                o.put("events_during", outageN);
                o.put("ack_non200", during.non200());
                o.put("missing", missing);
                o.put("drained_s_after_back", round(drainS, 1));
                o.put("events_received_more_than_once", duplicates);
                r.put("outage", o);
                summary.put("outage_missing", missing);
                summary.put("outage_drain_s", round(drainS, 1));
                summary.put("duplicates", duplicates);
                System.out.printf("  outage: %d events during %s, all %d back %.1f s after the receiver, missing %d,"
                        + " duplicates %d%n", outageN, outage, total, drainS, missing, duplicates);
            }
            summary.put("receiver_requests", requests.sum());
            r.put("metrics_after", metricsOf(api));
        }
        r.put("summary", summary);
        return r;
    }

    /** Acks of the notifications {@code offset + 1}, {@code offset + 2}, … (the publisher's seq counts from 1). */
    private static Publisher.Call acksFrom(int offset, long[] ids, long[] users) {
        return new Publisher.Call() {
            @Override
            public String path(long seq) {
                return ACK;
            }

            @Override
            public String body(long seq, long mark) {
                int k = offset + (int) seq;
                return "{\"user_id\":" + users[k] + ",\"ids\":[" + ids[k] + "]}";
            }
        };
    }

    private static Map<String, Object> metricsOf(ApiClient api) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            String text = api.get("/metrics").body();
            for (String line : text.split("\n")) {
                if (line.startsWith("herald_webhooks_") && !line.startsWith("#")) {
                    String[] p = line.split(" ");
                    m.put(p[0], p[p.length - 1]);
                }
            }
        } catch (Exception e) {
            m.put("error", e.toString());
        }
        return m;
    }
}
