package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends server API calls on an open-loop schedule and keeps, per sequence number (1-based), when
 * each call was meant to go and when it actually started; plus reply statuses and HTTP latency.
 */
final class Publisher {
    /** Builds the call for sequence {@code seq} whose data mark {@code _t} is {@code markNanos}. */
    interface Call {
        String path(long seq);

        String body(long seq, long markNanos);
    }

    /** What one run sent. */
    static final class Run {
        final long total;
        final long[] intended;
        final long[] started;
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder failures = new LongAdder();
        final AtomicLong apiCount = new AtomicLong();
        final Histogram httpLatency = new Histogram();
        volatile String failureSample;
        long firstNanos;
        long lastNanos;
        int maxQueued;

        Run(long total) {
            this.total = total;
            this.intended = new long[(int) total + 1];
            this.started = new long[(int) total + 1];
        }

        double achievedRate() {
            return total <= 1 ? total : (total - 1) / ((lastNanos - firstNanos) / 1e9);
        }

        long non200() {
            long n = failures.sum();
            for (Map.Entry<Integer, LongAdder> e : statuses.entrySet()) {
                if (e.getKey() != 200) {
                    n += e.getValue().sum();
                }
            }
            return n;
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("calls", total);
            m.put("achieved_rate", Math.round(achievedRate()));
            Map<String, Long> st = new LinkedHashMap<>();
            statuses.forEach((k, v) -> st.put(k.toString(), v.sum()));
            m.put("statuses", st);
            m.put("failures", failures.sum());
            m.put("failure_sample", failureSample);
            m.put("http_latency", httpLatency.summaryMillis());
            m.put("max_queued_requests", maxQueued);
            return m;
        }
    }

    private Publisher() {}

    /**
     * Sends {@code total} calls at {@code rate}/s with sequence numbers 1..total (or all with
     * sequence 0 when {@code warmup}), then waits up to 30 s for the replies. With {@code markIntended}
     * the data mark is the scheduled time (open loop, for latency without coordinated omission);
     * otherwise the time the request was built and handed to the HTTP client.
     */
    static Run run(ApiClient api, double rate, long total, boolean markIntended, boolean warmup, Call call)
            throws InterruptedException {
        Run run = new Run(total);
        CountDownLatch replies = new CountDownLatch((int) total);
        api.resetMaxQueued();
        RateSchedule schedule = new RateSchedule(System.nanoTime() + 1_000_000, rate, total);
        run.firstNanos = schedule.startNanos();
        schedule.run((k, intended) -> {
            long seq = warmup ? 0 : k + 1;
            long now = System.nanoTime();
            int slot = (int) (k + 1);
            run.intended[slot] = intended;
            run.started[slot] = now;
            long mark = markIntended ? intended : now;
            api.post(call.path(seq), call.body(seq, mark)).whenComplete((res, err) -> {
                run.httpLatency.record(System.nanoTime() - intended);
                if (err != null) {
                    run.failures.increment();
                    run.failureSample = String.valueOf(err);
                } else {
                    run.statuses.computeIfAbsent(res.status(), x -> new LongAdder()).increment();
                    if (res.status() != 200) {
                        run.failureSample = res.status() + " " + res.body();
                    } else if (res.body().contains("\"count\"")) {
                        try {
                            JsonNode b = Worker.JSON.readTree(res.body());
                            run.apiCount.addAndGet(b.path("data").path("count").asLong());
                        } catch (Exception ignored) {
                            // the count is informational
                        }
                    }
                }
                replies.countDown();
            });
            run.lastNanos = now;
        });
        replies.await(30, TimeUnit.SECONDS);
        run.maxQueued = api.maxQueued();
        return run;
    }

    /** Polls the fleet until {@code expected} deliveries are in or {@code quietMs} pass with none new. */
    static Fleet.Stats awaitDelivered(Fleet fleet, long expected, long expectedPerConn, long quietMs, long maxMs)
            throws Exception {
        long deadline = System.currentTimeMillis() + maxMs;
        long last = -1;
        long lastChange = System.currentTimeMillis();
        while (true) {
            Fleet.Stats s = fleet.stats(expectedPerConn);
            if (s.delivered >= expected || System.currentTimeMillis() > deadline) {
                return s;
            }
            if (s.delivered != last) {
                last = s.delivered;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > quietMs) {
                return s;
            }
            Thread.sleep(100);
        }
    }
}
