package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The connections of one scenario spread over workers: connection indexes {@code [0, n)} are cut
 * into contiguous ranges, one per worker, at most {@code perProcess} each (every socket is an open
 * file, and a process may have 20,000). Commands go to all workers at once; replies are merged.
 */
public final class Fleet implements AutoCloseable {
    private final List<Worker> workers = new ArrayList<>();
    private final int[] from;
    private final int[] count;
    private final int n;
    private final ExecutorService pool;

    public Fleet(int n, int perProcess, boolean allowInProcess, List<String> workerJvmOptions, ObjectNode init)
            throws Exception {
        this(n, Math.max(1, (n + perProcess - 1) / perProcess), allowInProcess, workerJvmOptions, i -> init);
    }

    /**
     * {@code workerCount} workers, worker {@code i} initialised with {@code initFor.apply(i)} (e.g. each
     * connecting to another node of a cluster); connection indexes, and so user ids, stay global.
     */
    public Fleet(int n, int workerCount, boolean allowInProcess, List<String> workerJvmOptions,
                 java.util.function.IntFunction<ObjectNode> initFor) throws Exception {
        this.n = n;
        int k = workerCount;
        from = new int[k];
        count = new int[k];
        for (int i = 0; i < k; i++) {
            from[i] = (int) ((long) n * i / k);
            count[i] = (int) ((long) n * (i + 1) / k) - from[i];
        }
        pool = Executors.newFixedThreadPool(k, r -> {
            Thread t = new Thread(r, "fleet");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < k; i++) {
            Worker w = k == 1 && allowInProcess ? new Worker.Local() : new Worker.Remote(workerJvmOptions);
            workers.add(w);
        }
        all(i -> initFor.apply(i).deepCopy());
    }

    /** CPU time used so far by the load generator: this process and every worker process. */
    public long loadGenCpuMicros() {
        long total = ProcStats.cpuMicros(ProcessHandle.current().pid());
        for (Worker w : workers) {
            if (w instanceof Worker.Remote r) {
                try {
                    total += ProcStats.cpuMicros(r.pid());
                } catch (RuntimeException ignored) {
                    // exited
                }
            }
        }
        return total;
    }

    public int size() {
        return workers.size();
    }

    public int connections() {
        return n;
    }

    /** Sends each worker its command (built from its index) in parallel; replies in worker order. */
    public List<JsonNode> all(Function<Integer, ObjectNode> commandFor) throws Exception {
        List<CompletableFuture<JsonNode>> futures = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Worker w = workers.get(i);
            ObjectNode c = commandFor.apply(i);
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return w.call(c);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, pool));
        }
        List<JsonNode> out = new ArrayList<>();
        for (CompletableFuture<JsonNode> f : futures) {
            out.add(f.join());
        }
        return out;
    }

    /** Merged result of a connect round. */
    public record Connected(int attempted, int ok, int failed, Map<String, Long> failures, double seconds,
                            double perSecond, Histogram latency) {}

    /** Opens all connections at {@code rate} per second in total (0 = unthrottled). */
    public Connected connect(double rate, int maxInFlightPerWorker, long timeoutMs) throws Exception {
        double each = rate / workers.size();
        List<JsonNode> replies = all(i -> Worker.command("connect").put("from", from[i]).put("count", count[i])
                .put("rate", each).put("max_in_flight", maxInFlightPerWorker).put("timeout_ms", timeoutMs));
        int attempted = 0;
        int ok = 0;
        int failed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Map<String, Long> failures = new LinkedHashMap<>();
        Histogram latency = new Histogram();
        for (JsonNode r : replies) {
            attempted += r.path("attempted").asInt();
            ok += r.path("ok").asInt();
            failed += r.path("failed").asInt();
            first = Math.min(first, r.path("firstStartNanos").asLong());
            last = Math.max(last, r.path("lastDoneNanos").asLong());
            r.path("failures").fields().forEachRemaining(e -> failures.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            latency.add(Histogram.fromArray(Worker.JSON.convertValue(r.path("connectLatency"), long[].class)));
        }
        double seconds = Math.max(1e-9, (last - first) / 1e9);
        return new Connected(attempted, ok, failed, failures, seconds, ok / seconds, latency);
    }

    /** Subscribes connection i to {@code prefix + (i % channels)}; returns the acks received. */
    public long subscribe(String prefix, int channels, long timeoutMs) throws Exception {
        long acks = 0;
        for (JsonNode r : all(i -> Worker.command("subscribe").put("prefix", prefix).put("channels", channels)
                .put("timeout_ms", timeoutMs))) {
            acks += r.path("acks").asLong();
        }
        return acks;
    }

    public void reset(int maxSeq) throws Exception {
        all(i -> Worker.command("reset").put("max_seq", maxSeq));
    }

    public void closeAll() throws Exception {
        all(i -> Worker.command("close_all"));
    }

    /** Stats of every worker added together. */
    public static final class Stats {
        public long open;
        public long delivered;
        public long warmupDelivered;
        public long unmarked;
        public long reordered;
        public long errorFrames;
        public String errorSample;
        public long closedAfterOpen;
        public Map<String, Long> closeReasons = new LinkedHashMap<>();
        public long perConnMin = Long.MAX_VALUE;
        public long perConnMax;
        public long perConnOff;
        public Histogram latency = new Histogram();
        public long[] seqCount = new long[0];
        public long[] seqMaxRecv = new long[0];
    }

    public Stats stats(long expectedPerConn) throws Exception {
        Stats s = new Stats();
        for (JsonNode r : all(i -> Worker.command("stats").put("expected_per_conn", expectedPerConn))) {
            s.open += r.path("open").asLong();
            s.delivered += r.path("delivered").asLong();
            s.warmupDelivered += r.path("warmup_delivered").asLong();
            s.unmarked += r.path("unmarked").asLong();
            s.reordered += r.path("reordered").asLong();
            s.errorFrames += r.path("error_frames").asLong();
            if (!r.path("error_sample").isNull() && r.has("error_sample")) {
                s.errorSample = r.path("error_sample").asText();
            }
            s.closedAfterOpen += r.path("closed_after_open").asLong();
            r.path("close_reasons").fields().forEachRemaining(e -> s.closeReasons.merge(e.getKey(), e.getValue().asLong(), Long::sum));
            if (r.path("open").asLong() > 0) {
                s.perConnMin = Math.min(s.perConnMin, r.path("per_conn_min").asLong());
            }
            s.perConnMax = Math.max(s.perConnMax, r.path("per_conn_max").asLong());
            s.perConnOff += r.path("per_conn_off").asLong();
            s.latency.add(Histogram.fromArray(Worker.JSON.convertValue(r.path("latency"), long[].class)));
            long[] sc = Worker.JSON.convertValue(r.path("seq_count"), long[].class);
            long[] sm = Worker.JSON.convertValue(r.path("seq_max_recv"), long[].class);
            if (s.seqCount.length < sc.length) {
                s.seqCount = java.util.Arrays.copyOf(s.seqCount, sc.length);
                s.seqMaxRecv = java.util.Arrays.copyOf(s.seqMaxRecv, sc.length);
            }
            for (int i = 0; i < sc.length; i++) {
                s.seqCount[i] += sc[i];
                s.seqMaxRecv[i] = Math.max(s.seqMaxRecv[i], sm[i]);
            }
        }
        if (s.perConnMin == Long.MAX_VALUE) {
            s.perConnMin = 0;
        }
        return s;
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.close();
        }
        pool.shutdownNow();
    }
}
