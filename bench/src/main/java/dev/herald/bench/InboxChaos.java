package dev.herald.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Inbox sends under a fault: {@code --clients} herald.js-like clients spread over the nodes,
 * {@code POST /admin/system/notifications/send} at {@code --rate} per second (open loop, one to
 * {@code --max-recipients} users each, round-robin over the nodes that answer, each with a unique
 * mark {@code data._s} and an idempotency key), and {@code --fault-at} into the run one fault:
 * {@code kill -9} of a node, a PostgreSQL stop and start, or its connections cut by a forwarder.
 * Afterwards every notification is counted in the database by its mark: each 2xx send must be
 * stored exactly once per recipient, and each recipient with a connection must have received it.
 */
abstract class InboxChaos extends ChaosRun {
    static final String SEND = "/admin/system/notifications/send";

    @Option(names = "--clients", description = "WebSocket clients, one user each (default ${DEFAULT-VALUE})")
    int clients = 3000;

    @Option(names = "--rate", description = "sends per second over all nodes (default ${DEFAULT-VALUE})")
    double rate = 1000;

    @Option(names = "--duration", description = "how long sends go on (default ${DEFAULT-VALUE})")
    String duration = "60s";

    @Option(names = "--fault-at", description = "when the fault starts, into the sending (default ${DEFAULT-VALUE})")
    String faultAt = "20s";

    @Option(names = "--max-recipients", description = "recipients per send: 1 to this many (default ${DEFAULT-VALUE})")
    int maxRecipients = 3;

    @Option(names = "--http-connections", description = "keep-alive API connections per node (default ${DEFAULT-VALUE})")
    int httpConnections = 64;

    @Option(names = "--request-timeout", description = "a send without an answer after this counts as unanswered (default ${DEFAULT-VALUE})")
    String requestTimeout = "40s";

    @Option(names = "--deliver-within", description = "the delivery deadline checked per recipient (default ${DEFAULT-VALUE})")
    String deliverWithin = "30s";

    @Option(names = "--drain", description = "longest wait for deliveries after the last send (default ${DEFAULT-VALUE})")
    String drain = "45s";

    /** One send. */
    static final class Op {
        final long seq;
        final long[] users;
        int node;
        long startNanos;
        volatile long endNanos;
        volatile int status; // 0 pending, -1 no answer
        volatile String failure;

        Op(long seq, long[] users) {
            this.seq = seq;
            this.users = users;
        }
    }

    /** Sequence numbers whose idempotency key is in the database after the run. */
    Set<Long> keysKept = Set.of();

    /** Fault times (nanos) as the run saw them. */
    long faultStart;
    long faultEnd;
    final Map<String, Object> faultInfo = new LinkedHashMap<>();

    /** Injects the fault; returns when it is over (the dependency is back), or at once for a kill. */
    abstract void inject(ChaosClients cs) throws Exception;

    /** After the drain: extra checks of this fault (presence, late clients); adds to {@code r} and {@code s}. */
    void after(ChaosClients cs, List<Op> ops, Map<String, Object> r, Map<String, Object> s) throws Exception {}

    /** The nodes a send may go to (a killed node is left out by the load balancer once it refuses). */
    final Set<Integer> down = ConcurrentHashMap.newKeySet();

    @Override
    Map<String, Object> run() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> s = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        try (ChaosClients cs = new ChaosClients(nodeAddresses(), secret, policy(), clientThreads)) {
            for (int i = 0; i < clients; i++) {
                cs.add(i + 1, i % nodes.size(), null);
            }
            long c0 = System.nanoTime();
            int open = cs.connectAll(connectInFlight, 180_000);
            System.out.printf("  %d/%d clients connected in %.1f s%n", open, clients, (System.nanoTime() - c0) / 1e9);
            r.put("clients_connected_at_start", open);
            Thread.sleep(1000);

            List<ApiClient> apis = new ArrayList<>();
            for (ServerUnderTest n : nodes) {
                apis.add(new ApiClient(n.host(), n.port(), apiKey, httpConnections, 1));
            }
            long total = RateSchedule.eventsFor(rate, Scenario.parseDuration(duration));
            List<Op> ops = new ArrayList<>((int) total);
            for (long k = 1; k <= total; k++) {
                int m = 1 + random.nextInt(Math.max(1, maxRecipients));
                Set<Long> to = new HashSet<>();
                while (to.size() < Math.min(m, clients)) {
                    to.add(1L + random.nextInt(clients));
                }
                ops.add(new Op(k, to.stream().mapToLong(Long::longValue).sorted().toArray()));
            }
            long timeoutMs = Scenario.parseDuration(requestTimeout) / 1_000_000;
            CountDownLatch answered = new CountDownLatch((int) total);
            AtomicInteger rr = new AtomicInteger();
            long faultDelay = Scenario.parseDuration(faultAt);
            Thread fault = new Thread(() -> {
                try {
                    Thread.sleep(faultDelay / 1_000_000);
                    System.out.printf("  fault at %.1f s%n", at(System.nanoTime()));
                    inject(cs);
                    System.out.printf("  fault over at %.1f s%n", at(System.nanoTime()));
                } catch (Exception e) {
                    faultInfo.put("fault_error", String.valueOf(e));
                    e.printStackTrace();
                }
            }, "fault");
            System.out.printf("  sending %d at %.0f/s through %d nodes, fault at %s%n", total, rate, nodes.size(), faultAt);
            long sendStart = System.nanoTime();
            t0 = sendStart;
            fault.start();
            RateSchedule schedule = new RateSchedule(sendStart, rate, total);
            schedule.run((k, intended) -> {
                Op op = ops.get((int) k);
                int node = pickNode(rr);
                op.node = node;
                op.startNanos = System.nanoTime();
                String body = "{\"user_ids\":" + java.util.Arrays.toString(op.users).replace(" ", "")
                        + ",\"title\":\"chaos " + op.seq + "\",\"content\":\"chaos run send " + op.seq
                        + "\",\"data\":{\"_s\":" + op.seq + "},\"idempotency_key\":\"" + fullName() + "-" + stamp + "-" + op.seq + "\"}";
                CompletableFuture<ApiClient.Response> f = apis.get(node).post(SEND, body);
                f.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((res, err) -> {
                    op.endNanos = System.nanoTime();
                    if (err != null) {
                        op.status = -1;
                        op.failure = String.valueOf(err);
                        if (isRefused(err)) {
                            down.add(node); // the load balancer takes it out
                        }
                    } else {
                        op.status = res.status();
                        if (res.status() != 200) {
                            op.failure = res.body().length() > 200 ? res.body().substring(0, 200) : res.body();
                        }
                    }
                    answered.countDown();
                });
            });
            long sendEnd = System.nanoTime();
            answered.await(timeoutMs + 5000, TimeUnit.MILLISECONDS);
            fault.join(600_000);
            System.out.printf("  sends done at %.1f s (%d unanswered after the wait)%n", at(System.nanoTime()), answered.getCount());
            r.put("bench_api_client_max_queued_per_node", apis.stream().map(ApiClient::maxQueued).toList());
            apis.forEach(ApiClient::close);

            // deliveries: every acked send's recipients that have a connection
            long drainDeadline = System.nanoTime() + Scenario.parseDuration(drain);
            long missing;
            do {
                Thread.sleep(1000);
                missing = undelivered(cs, ops);
            } while (missing > 0 && System.nanoTime() < drainDeadline);
            System.out.printf("  drained at %.1f s, %d deliveries to connected clients missing%n", at(System.nanoTime()), missing);

            after(cs, ops, r, s);
            Thread.sleep(2000); // the last acks reach the database

            // the database, counted directly
            Map<Long, Map<Long, long[]>> rows = new HashMap<>(); // seq -> user -> {rows, delivered}
            for (String[] row : pg.query("SELECT substring(data from '\"_s\":\\s*([0-9]+)'), user_id, count(*), "
                    + "count(*) FILTER (WHERE sent_via_websocket) FROM system_notifications GROUP BY 1, 2")) {
                if (row[0].isEmpty()) {
                    continue;
                }
                rows.computeIfAbsent(Long.parseLong(row[0]), x -> new HashMap<>())
                        .put(Long.parseLong(row[1]), new long[] {Long.parseLong(row[2]), Long.parseLong(row[3])});
            }
            long dbRows = pg.queryLong("SELECT count(*) FROM system_notifications");
            keysKept = new HashSet<>();
            for (String[] row : pg.query("SELECT idempotency_key FROM idempotency_keys")) {
                String k = row[0];
                keysKept.add(Long.parseLong(k.substring(k.lastIndexOf('-') + 1)));
            }
            r.putAll(judge(cs, ops, rows, dbRows, sendStart, sendEnd, s));
        }
        r.put("fault", faultInfo);
        r.put("summary", s);
        return r;
    }

    private int pickNode(AtomicInteger rr) {
        for (int i = 0; i < nodes.size(); i++) {
            int n = Math.floorMod(rr.getAndIncrement(), nodes.size());
            if (!down.contains(n)) {
                return n;
            }
        }
        return 0;
    }

    private static boolean isRefused(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || String.valueOf(t.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    /** (send, recipient) pairs of 2xx sends whose recipient has a connection open but has not received it. */
    static long undelivered(ChaosClients cs, List<Op> ops) {
        long missing = 0;
        for (Op op : ops) {
            if (op.status != 200) {
                continue;
            }
            for (long u : op.users) {
                ChaosClients.Client c = cs.clients.get((int) u - 1);
                synchronized (c) {
                    if (c.isOpen() && !c.seqFirstNanos.containsKey(op.seq)) {
                        missing++;
                    }
                }
            }
        }
        return missing;
    }

    private Map<String, Object> judge(ChaosClients cs, List<Op> ops, Map<Long, Map<Long, long[]>> rows, long dbRows,
                                      long sendStart, long sendEnd, Map<String, Object> s) {
        Map<String, Object> r = new LinkedHashMap<>();
        long attempted = ops.size();
        long acked = 0;
        long unanswered = 0;
        Map<String, Long> statuses = new TreeMap<>();
        long lostOps = 0;
        long lostRows = 0;
        long dupOps = 0;
        long dupRows = 0;
        long foundAckedRows = 0;
        long expectedAckedRows = 0;
        long storedNot2xxOps = 0;
        long stored503Ops = 0;
        long partialNot2xxOps = 0;
        long deliveredInDb = 0;
        List<String> lostSamples = new ArrayList<>();
        List<Map<String, Object>> storedNot2xxSamples = new ArrayList<>();
        List<String> failureSamples = new ArrayList<>();
        Map<String, Map<Long, Long>> noAnswerKinds = new TreeMap<>();
        Map<Long, long[]> perSecond = new TreeMap<>(); // second -> {2xx, 503, other, unanswered}
        Map<Long, Histogram> latencyPerSecond = new TreeMap<>();
        for (Op op : ops) {
            String st = op.status == -1 ? "no answer" : Integer.toString(op.status);
            statuses.merge(st, 1L, Long::sum);
            long sec = ((op.status == 0 ? op.startNanos : op.endNanos) - sendStart) / 1_000_000_000L; // by answer time
            long[] b = perSecond.computeIfAbsent(sec, x -> new long[4]);
            b[op.status == 200 ? 0 : op.status == 503 ? 1 : op.status == -1 ? 3 : 2]++;
            if (op.status > 0) {
                latencyPerSecond.computeIfAbsent(sec, x -> new Histogram()).record(op.endNanos - op.startNanos); // of the answers in that second
            }
            if (op.status == -1 && op.failure != null) {
                String kind = op.failure.replaceAll(":.*", "").replaceAll(".*\\.", "");
                noAnswerKinds.computeIfAbsent(kind, x -> new TreeMap<>()).merge(sec, 1L, Long::sum);
            }
            if (op.status != 200 && op.failure != null && failureSamples.size() < 5 && !failureSamples.contains(st + ": " + op.failure)) {
                failureSamples.add(st + ": " + op.failure);
            }
            Map<Long, long[]> stored = rows.getOrDefault(op.seq, Map.of());
            long recipientsStored = 0;
            for (long u : op.users) {
                long[] n = stored.get(u);
                if (n != null && n[0] > 0) {
                    recipientsStored++;
                    if (n[0] > 1) {
                        dupRows += n[0] - 1;
                    }
                }
            }
            boolean dup = stored.values().stream().anyMatch(n -> n[0] > 1) || stored.size() > op.users.length;
            if (dup) {
                dupOps++;
            }
            if (op.status == 200) {
                acked++;
                expectedAckedRows += op.users.length;
                foundAckedRows += recipientsStored;
                if (recipientsStored < op.users.length) {
                    lostOps++;
                    lostRows += op.users.length - recipientsStored;
                    if (lostSamples.size() < 10) {
                        lostSamples.add("seq " + op.seq + " to " + java.util.Arrays.toString(op.users) + " via node "
                                + op.node + ": " + recipientsStored + " stored");
                    }
                }
                for (long[] n : stored.values()) {
                    deliveredInDb += Math.min(1, n[1]);
                }
            } else {
                if (op.status == -1) {
                    unanswered++;
                }
                if (recipientsStored > 0) {
                    storedNot2xxOps++;
                    if (storedNot2xxSamples.size() < 10) {
                        storedNot2xxSamples.add(new LinkedHashMap<>(Map.of("seq", op.seq, "status", op.status,
                                "answer", String.valueOf(op.failure), "node", nodeIds.get(op.node),
                                "sent_at_s", at(op.startNanos), "answered_at_s", at(op.endNanos),
                                "recipients", op.users.length, "rows_stored", recipientsStored,
                                "idempotency_key_kept", keysKept.contains(op.seq))));
                    }
                    if (op.status == 503) {
                        stored503Ops++;
                    }
                    if (recipientsStored < op.users.length) {
                        partialNot2xxOps++;
                    }
                }
            }
        }
        // deliveries and their lag: from the 2xx answer if the recipient had a connection then,
        // otherwise from the recipient's next connection
        Histogram http2xx = new Histogram();
        for (Op op : ops) {
            if (op.status == 200) {
                http2xx.record(op.endNanos - op.startNanos);
            }
        }
        Histogram lagConnected = new Histogram();
        Histogram lagReconnected = new Histogram();
        long deliveredPairs = 0;
        long pairsConnected = 0;
        long notDeliveredConnected = 0;
        long recipientNeverBack = 0;
        long lateOver = 0;
        long within = Scenario.parseDuration(deliverWithin);
        for (Op op : ops) {
            if (op.status != 200) {
                continue;
            }
            for (long u : op.users) {
                ChaosClients.Client c = cs.clients.get((int) u - 1);
                synchronized (c) {
                    Long got = c.seqFirstNanos.get(op.seq);
                    if (got == null) {
                        boolean connectedSince = false;
                        for (long[] conn : c.connections) {
                            connectedSince |= conn[1] == 0 || conn[1] > op.endNanos;
                        }
                        if (connectedSince) {
                            pairsConnected++;
                            notDeliveredConnected++;
                        } else {
                            recipientNeverBack++;
                        }
                        continue;
                    }
                    // the connection it came on: opened after the 2xx = delivered after a reconnect
                    long openedAt = Long.MIN_VALUE;
                    for (long[] conn : c.connections) {
                        if (conn[0] <= got) {
                            openedAt = conn[0];
                        }
                    }
                    boolean reconnected = openedAt > op.endNanos;
                    long lag = Math.max(0, got - (reconnected ? openedAt : op.endNanos));
                    pairsConnected++;
                    deliveredPairs++;
                    (reconnected ? lagReconnected : lagConnected).record(lag);
                    if (lag > within) {
                        lateOver++;
                    }
                }
            }
        }
        long dupSame = 0;
        long dupUnacked = 0;
        long dupAcked = 0;
        long ackRefused = 0;
        long reconnects = 0;
        List<String> dupSameSamples = new ArrayList<>();
        long received = 0;
        for (ChaosClients.Client c : cs.clients) {
            synchronized (c) {
                dupSame += c.dupSameConnection;
                for (long[] d : c.dupSameConnectionTimes) {
                    if (dupSameSamples.size() < 20) {
                        dupSameSamples.add("user " + c.user + " id " + d[0] + ": first " + d[1] + " ms, again " + d[2]
                                + " ms after the connection opened");
                    }
                }
                dupUnacked += c.dupAfterReconnectUnacked;
                dupAcked += c.dupAfterAckConfirmed;
                ackRefused += c.ackRefused;
                reconnects += Math.max(0, c.connections.size() - 1);
                received += c.byId.size();
            }
        }
        List<Map<String, Object>> timeline = new ArrayList<>();
        perSecond.forEach((sec, b) -> {
            Histogram h = latencyPerSecond.get(sec);
            timeline.add(Map.of("s", sec, "ok", b[0], "503", b[1], "other", b[2], "no_answer", b[3],
                    "answered_p50_ms", h == null ? "-" : h.summaryMillis().get("p50_ms"),
                    "answered_max_ms", h == null ? "-" : h.summaryMillis().get("max_ms")));
        });

        r.put("attempted", attempted);
        r.put("statuses", statuses);
        r.put("failure_samples", failureSamples);
        r.put("no_answer_kinds_per_second", noAnswerKinds);
        r.put("acked_2xx", acked);
        r.put("http_2xx_latency", http2xx.summaryMillis());
        r.put("rows_expected_for_2xx", expectedAckedRows);
        r.put("rows_found_for_2xx", foundAckedRows);
        r.put("rows_in_database", dbRows);
        r.put("lost_sends", lostOps);
        r.put("lost_rows", lostRows);
        r.put("lost_samples", lostSamples);
        r.put("duplicated_sends", dupOps);
        r.put("duplicated_rows", dupRows);
        r.put("not_2xx_but_stored_sends", storedNot2xxOps);
        r.put("answered_503_but_stored_sends", stored503Ops);
        r.put("not_2xx_but_stored_samples", storedNot2xxSamples);
        r.put("not_2xx_partially_stored_sends", partialNot2xxOps);
        r.put("unanswered_sends", unanswered);
        r.put("delivery_pairs_with_connection", pairsConnected);
        r.put("delivered_pairs", deliveredPairs);
        r.put("not_delivered_pairs_with_connection", notDeliveredConnected);
        r.put("pairs_recipient_never_connected_after", recipientNeverBack);
        r.put("delivered_and_acked_in_db", deliveredInDb);
        r.put("lag_connected", lagConnected.summaryMillis());
        r.put("lag_after_reconnect", lagReconnected.summaryMillis());
        r.put("deliveries_over_deadline", lateOver);
        r.put("client_notifications_received", received);
        r.put("client_dup_same_connection", dupSame);
        r.put("client_dup_same_connection_samples", dupSameSamples);
        r.put("client_dup_after_reconnect_unacked", dupUnacked);
        r.put("client_dup_after_ack_confirmed", dupAcked);
        r.put("client_acks_refused", ackRefused);
        r.put("client_reconnects", reconnects);
        r.put("client_close_reasons", ChaosClients.snapshot(cs.closeCodes));
        r.put("client_error_codes", ChaosClients.snapshot(cs.errorCodes));
        r.put("answers_per_second", timeline);
        r.put("send_window_s", seconds(sendEnd - sendStart));

        s.put("clients", clients);
        s.put("rate", rate);
        s.put("attempted", attempted);
        s.put("acked_2xx", acked);
        s.put("http_2xx_p50/p99_ms", http2xx.summaryMillis().get("p50_ms") + "/" + http2xx.summaryMillis().get("p99_ms"));
        s.put("status_counts", statuses.toString().replace("=", ": "));
        s.put("rows_found_for_2xx", foundAckedRows + "/" + expectedAckedRows);
        s.put("lost", lostOps);
        s.put("duplicated", dupOps);
        s.put("non2xx_but_stored", storedNot2xxOps + (stored503Ops > 0 ? " (503: " + stored503Ops + ")" : ""));
        s.put("delivered_pairs", deliveredPairs + "/" + pairsConnected);
        s.put("acked_in_db", deliveredInDb + "/" + foundAckedRows);
        s.put("lag_p99_s", seconds((long) (1e6 * ((Number) lagConnected.summaryMillis().getOrDefault("p99_ms", 0.0)).doubleValue())));
        s.put("lag_after_reconnect_max_s", lagReconnected.count() == 0 ? "-" : seconds(lagReconnected.max()));
        s.put("over_" + deliverWithin, lateOver);
        s.put("client_dups_same_conn/unacked/after_ack", dupSame + "/" + dupUnacked + "/" + dupAcked);
        s.put("acks_refused", ackRefused);
        if (faultStart > 0) {
            s.putAll(recovery(ops));
        }
        return r;
    }

    /**
     * The fault seen in the answers (by the time each came, not when its send was due, so queueing
     * in front of a slow server does not blur it): the first error after the fault began, the last
     * error after it ended (recovered from then on), the first 2xx after it ended, and what was
     * answered while it lasted.
     */
    Map<String, Object> recovery(List<Op> ops) {
        Map<String, Object> m = new LinkedHashMap<>();
        long end = faultEnd > 0 ? faultEnd : faultStart;
        long firstBad = -1;
        long lastBad = -1;
        long first2xx = -1;
        long gapOk = 0;
        long gapBad = 0;
        for (Op op : ops) {
            long t = op.endNanos;
            boolean ok = op.status == 200;
            if (t >= faultStart && !ok && (firstBad < 0 || t < firstBad)) {
                firstBad = t;
            }
            if (t >= faultStart && !ok) {
                lastBad = Math.max(lastBad, t);
            }
            if (t >= end && ok && (first2xx < 0 || t < first2xx)) {
                first2xx = t;
            }
            if (t >= faultStart && t < end) {
                if (ok) {
                    gapOk++;
                } else {
                    gapBad++;
                }
            }
        }
        m.put("first_error_after_fault_s", firstBad < 0 ? "-" : seconds(firstBad - faultStart));
        m.put("fault_lasted_s", seconds(end - faultStart));
        m.put("first_2xx_after_fault_end_s", first2xx < 0 ? "-" : seconds(first2xx - end));
        m.put("errors_until_s_after_end", lastBad < 0 ? "-" : seconds(Math.max(0, lastBad - end)));
        m.put("answers_in_fault_2xx/other", gapOk + "/" + gapBad);
        return m;
    }

    /** {@code kill -9} of one node; a share of its clients stay away until the presence check. */
    @Command(name = "node-kill", mixinStandardHelpOptions = true,
            description = "kill -9 one of the nodes mid-run; its clients reconnect to the others (backoff with jitter).")
    static final class NodeKill extends InboxChaos {
        @Option(names = "--kill-node", description = "index of the node killed, 0-based (default: the last)")
        int killNode = -1;

        @Option(names = "--stay-away", description = "share of the killed node's clients that do not reconnect until "
                + "the presence check (they are the users who must vanish from presence; default ${DEFAULT-VALUE})")
        double stayAway = 0.1;

        private final Set<Long> awayUsers = ConcurrentHashMap.newKeySet();
        private Thread watcher;
        private volatile long awayGoneAt = -1;
        private volatile int awayListedAtTtl = -1;
        private final List<String> watch = new ArrayList<>();

        /** From the kill on: polls a survivor's online-users until the TTL (+5 s) has passed. */
        private void watchPresence() {
            ServerUnderTest survivor = nodes.get(victim() == 0 ? 1 : 0);
            long ttl = Scenario.parseDuration(presenceTtl);
            while (System.nanoTime() - faultStart < ttl + 5_000_000_000L) {
                Set<Long> online = onlineUsers(survivor);
                Set<Long> g = new HashSet<>(awayUsers);
                g.retainAll(online);
                long now = System.nanoTime();
                synchronized (watch) {
                    watch.add(seconds(now - faultStart) + "s: " + g.size() + " of " + awayUsers.size() + " away users listed, "
                            + online.size() + " online");
                }
                if (g.isEmpty() && awayGoneAt < 0) {
                    awayGoneAt = now;
                }
                if (now - faultStart >= ttl && awayListedAtTtl < 0) {
                    awayListedAtTtl = g.size();
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        String name() {
            return "node-kill";
        }

        int victim() {
            return killNode >= 0 ? killNode : nodes.size() - 1;
        }

        @Override
        void inject(ChaosClients cs) throws Exception {
            int v = victim();
            int onVictim = 0;
            for (ChaosClients.Client c : cs.clients) {
                if (c.node == v && c.isOpen()) {
                    onVictim++;
                    if (awayUsers.size() < Math.round(stayAway * (clients / (double) nodes.size()))) {
                        c.stayAway = true;
                        awayUsers.add(c.user);
                    }
                }
            }
            faultStart = System.nanoTime();
            nodes.get(v).kill();
            watcher = new Thread(this::watchPresence, "presence-watch");
            watcher.start();
            faultInfo.put("killed_node", nodeIds.get(v));
            faultInfo.put("killed_at_s", at(faultStart));
            faultInfo.put("clients_on_killed_node", onVictim);
            faultInfo.put("clients_staying_away", awayUsers.size());
            // the others reconnect: how long until every one is open again
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline) {
                long notOpen = cs.clients.stream().filter(c -> !c.stayAway && !c.isOpen()).count();
                if (notOpen == 0) {
                    break;
                }
                Thread.sleep(100);
            }
            faultEnd = System.nanoTime();
            long notOpen = cs.clients.stream().filter(c -> !c.stayAway && !c.isOpen()).count();
            faultInfo.put("all_returning_clients_reconnected_s", notOpen == 0 ? seconds(faultEnd - faultStart) : "no: " + notOpen + " not open");
        }

        @Override
        void after(ChaosClients cs, List<Op> ops, Map<String, Object> r, Map<String, Object> s) throws Exception {
            ServerUnderTest survivor = nodes.get(victim() == 0 ? 1 : 0);
            watcher.join();
            Set<Long> online = onlineUsers(survivor);
            Set<Long> open = cs.openUsers();
            Set<Long> ghostsAll = new HashSet<>(online);
            ghostsAll.removeAll(open);
            Set<Long> missing = new HashSet<>(open);
            missing.removeAll(online);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("ghosts_after_ttl", ghostsAll.size());
            p.put("ghost_sample", ghostsAll.stream().limit(10).toList());
            p.put("away_users_listed_at_ttl", awayListedAtTtl);
            p.put("away_users_gone_after_s", awayGoneAt < 0 ? "never" : seconds(awayGoneAt - faultStart));
            synchronized (watch) {
                p.put("watch", new ArrayList<>(watch));
            }
            p.put("open_users_missing_from_presence", missing.size());
            p.put("redis_presence_keys", presenceKeys());
            r.put("presence", p);
            s.put("presence_ghosts_after_ttl", ghostsAll.size());
            s.put("away_gone_after_s", p.get("away_users_gone_after_s"));

            // the users who stayed away come back: their backlog must arrive within the deadline
            long back = System.nanoTime();
            for (ChaosClients.Client c : cs.clients) {
                if (c.stayAway) {
                    c.stayAway = false;
                    c.dial();
                }
            }
            long within = Scenario.parseDuration(deliverWithin);
            long missingLate;
            do {
                Thread.sleep(500);
                missingLate = undeliveredTo(cs, ops, awayUsers);
            } while (missingLate > 0 && System.nanoTime() - back < within + 5_000_000_000L);
            r.put("returning_users", Map.of("users", awayUsers.size(), "undelivered_after_return", missingLate,
                    "seconds_waited", seconds(System.nanoTime() - back)));
            s.put("returners_undelivered", missingLate);
        }

        private long undeliveredTo(ChaosClients cs, List<Op> ops, Set<Long> users) {
            long missing = 0;
            for (Op op : ops) {
                if (op.status != 200) {
                    continue;
                }
                for (long u : op.users) {
                    if (users.contains(u)) {
                        ChaosClients.Client c = cs.clients.get((int) u - 1);
                        synchronized (c) {
                            if (!c.seqFirstNanos.containsKey(op.seq)) {
                                missing++;
                            }
                        }
                    }
                }
            }
            return missing;
        }

        private Set<Long> onlineUsers(ServerUnderTest node) {
            Answer a = http(node, "GET", "/admin/websocket/online-users", null);
            Set<Long> out = new HashSet<>();
            if (a.status() == 200) {
                a.body().path("data").path("user_ids").forEach(n -> out.add(n.asLong()));
            }
            return out;
        }

        /** Every presence key in the run's Redis with its TTL (ms; -1 = none). */
        private Map<String, Object> presenceKeys() {
            Map<String, Object> m = new LinkedHashMap<>();
            try {
                for (String k : redis.strings("KEYS", prefix + "presence:*")) {
                    m.put(k.substring(prefix.length()), redis.call("PTTL", k));
                }
                m.put("nodes_zset", redis.strings("ZRANGE", prefix + "presence:nodes", "0", "-1", "WITHSCORES"));
            } catch (Exception e) {
                m.put("error", String.valueOf(e));
            }
            return m;
        }
    }

    /** PostgreSQL stopped and started again (its own instance), Herald untouched. */
    @Command(name = "db-restart", mixinStandardHelpOptions = true,
            description = "stop the run's PostgreSQL mid-run, keep it down for --gap, start it; sends must answer 503 "
                    + "then 2xx again without restarting Herald.")
    static final class DbRestart extends InboxChaos {
        @Option(names = "--gap", description = "time PostgreSQL stays down (default ${DEFAULT-VALUE})")
        String gap = "5s";

        @Option(names = "--stop-mode", description = "pg_ctl stop mode: fast or immediate (a crash; default ${DEFAULT-VALUE})")
        String stopMode = "fast";

        @Override
        String name() {
            return "db-restart";
        }

        @Override
        void inject(ChaosClients cs) throws Exception {
            faultStart = System.nanoTime();
            pg.stopServer(stopMode);
            long stopped = System.nanoTime();
            Thread.sleep(Scenario.parseDuration(gap) / 1_000_000);
            long startCalled = System.nanoTime();
            pg.startServer();
            faultEnd = System.nanoTime();
            faultInfo.put("stop_mode", stopMode);
            faultInfo.put("stop_called_at_s", at(faultStart));
            faultInfo.put("stop_took_s", seconds(stopped - faultStart));
            faultInfo.put("start_called_at_s", at(startCalled));
            faultInfo.put("accepting_again_at_s", at(faultEnd));
        }
    }

    /** PostgreSQL's connections cut by a forwarder between Herald and it; PostgreSQL keeps running. */
    @Command(name = "db-cut", mixinStandardHelpOptions = true,
            description = "Herald reaches PostgreSQL through a TCP forwarder; mid-run it cuts every connection (reset, or "
                    + "blackhole: bytes vanish) for --gap, then heals.")
    static final class DbCut extends InboxChaos {
        @Option(names = "--gap", description = "how long the link stays cut (default ${DEFAULT-VALUE})")
        String gap = "10s";

        @Option(names = "--cut-mode", description = "reset or blackhole (default ${DEFAULT-VALUE})")
        TcpCutter.Mode cutMode = TcpCutter.Mode.RESET;

        private TcpCutter cutter;

        @Override
        String name() {
            return "db-cut-" + cutMode.name().toLowerCase();
        }

        @Override
        String dbUrl() {
            try {
                if (cutter == null) {
                    cutter = new TcpCutter(pg.port());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return "jdbc:postgresql://127.0.0.1:" + cutter.port() + "/herald";
        }

        @Override
        void inject(ChaosClients cs) throws Exception {
            faultStart = System.nanoTime();
            int links = cutter.openLinks();
            cutter.cut(cutMode);
            Thread.sleep(Scenario.parseDuration(gap) / 1_000_000);
            cutter.heal();
            faultEnd = System.nanoTime();
            faultInfo.put("mode", cutMode.name().toLowerCase());
            faultInfo.put("links_cut", links);
            faultInfo.put("cut_at_s", at(faultStart));
            faultInfo.put("healed_at_s", at(faultEnd));
            faultInfo.put("connections_refused_during_cut", cutter.refused.get());
        }

        @Override
        Map<String, Object> run() throws Exception {
            try {
                return super.run();
            } finally {
                cutter.close();
            }
        }
    }
}
