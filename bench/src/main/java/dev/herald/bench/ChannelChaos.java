package dev.herald.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Redis killed and started again (empty: no persistence) while {@code send-to-channel} publishes
 * to {@code --subscribers} herald.js-like subscribers over the nodes. Subscribers resume with
 * {@code since} and {@code epoch} when they see a gap in the offsets, and all of them once more at
 * the end (as after a reconnect). Every 2xx publication made after a subscriber joined must have
 * reached it, or the subscriber must have been told {@code recovered: false} by a resume after it
 * was published; anything else is lost. Presence is compared with the open connections two TTLs
 * after Redis is back.
 */
@Command(name = "redis-restart", mixinStandardHelpOptions = true,
        description = "Kill the run's Redis mid-run and start it again (empty) while channels are published to "
                + "subscribers on every node; check resume with since/epoch and presence.")
final class ChannelChaos extends ChaosRun {
    @Option(names = "--subscribers", description = "subscribed clients over the nodes, one user each (default ${DEFAULT-VALUE})")
    int subscribers = 5000;

    @Option(names = "--channels", description = "channels; subscriber i joins channel i mod this (default ${DEFAULT-VALUE})")
    int channels = 50;

    @Option(names = "--rate", description = "publications per second over all channels (default ${DEFAULT-VALUE})")
    double rate = 100;

    @Option(names = "--duration", description = "how long publishing goes on (default ${DEFAULT-VALUE})")
    String duration = "60s";

    @Option(names = "--fault-at", description = "when Redis is killed, into the publishing (default ${DEFAULT-VALUE})")
    String faultAt = "20s";

    @Option(names = "--gap", description = "how long Redis stays down (default ${DEFAULT-VALUE})")
    String gap = "5s";

    @Option(names = "--http-connections", description = "keep-alive API connections per node (default ${DEFAULT-VALUE})")
    int httpConnections = 8;

    /** One publication. */
    static final class Pub {
        final long seq;
        final int channel;
        long startNanos;
        volatile long endNanos;
        volatile int status;
        volatile long offset;

        Pub(long seq, int channel) {
            this.seq = seq;
            this.channel = channel;
        }
    }

    @Override
    String name() {
        return "redis-restart";
    }

    @Override
    Map<String, Object> run() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> s = new LinkedHashMap<>();
        try (ChaosClients cs = new ChaosClients(nodeAddresses(), secret, policy(), clientThreads)) {
            for (int i = 0; i < subscribers; i++) {
                cs.add(i + 1, i % nodes.size(), "chaos-" + (i % channels));
            }
            long c0 = System.nanoTime();
            int open = cs.connectAll(connectInFlight, 300_000);
            long notSubscribed;
            long deadline = System.currentTimeMillis() + 60_000;
            do {
                Thread.sleep(200);
                notSubscribed = cs.clients.stream().filter(c -> c.subscribedNanos == 0).count();
            } while (notSubscribed > 0 && System.currentTimeMillis() < deadline);
            System.out.printf("  %d/%d subscribers connected, %d not subscribed, in %.1f s%n", open, subscribers,
                    notSubscribed, (System.nanoTime() - c0) / 1e9);
            r.put("subscribers_connected", open);
            r.put("subscribers_without_ack", notSubscribed);

            List<ApiClient> apis = new ArrayList<>();
            for (ServerUnderTest n : nodes) {
                apis.add(new ApiClient(n.host(), n.port(), apiKey, httpConnections, 1));
            }
            long total = RateSchedule.eventsFor(rate, Scenario.parseDuration(duration));
            List<Pub> pubs = new ArrayList<>();
            for (long k = 1; k <= total; k++) {
                pubs.add(new Pub(k, (int) ((k - 1) % channels)));
            }
            CountDownLatch answered = new CountDownLatch((int) total);
            AtomicInteger rr = new AtomicInteger();
            long[] fault = new long[3]; // kill, start called, accepting
            Map<String, Object> healthBack = new LinkedHashMap<>();
            Thread faultThread = new Thread(() -> {
                try {
                    Thread.sleep(Scenario.parseDuration(faultAt) / 1_000_000);
                    fault[0] = System.nanoTime();
                    redis.kill();
                    System.out.printf("  Redis killed at %.1f s%n", at(fault[0]));
                    Thread.sleep(Scenario.parseDuration(gap) / 1_000_000);
                    fault[1] = System.nanoTime();
                    redis.startServer();
                    fault[2] = System.nanoTime();
                    System.out.printf("  Redis back at %.1f s%n", at(fault[2]));
                    // each node's health: broker up again
                    for (int i = 0; i < nodes.size(); i++) {
                        long until = System.nanoTime() + 60_000_000_000L;
                        while (System.nanoTime() < until) {
                            Answer a = http(nodes.get(i), "GET", "/health", null);
                            if (a.status() == 200 && "up".equals(a.body().path("data").path("status").asText())) {
                                healthBack.put(nodeIds.get(i), seconds(System.nanoTime() - fault[2]));
                                break;
                            }
                            Thread.sleep(100);
                        }
                    }
                } catch (Exception e) {
                    healthBack.put("error", String.valueOf(e));
                }
            }, "fault");
            long start = System.nanoTime();
            t0 = start;
            faultThread.start();
            System.out.printf("  publishing %d at %.0f/s to %d channels through %d nodes, Redis killed at %s for %s%n",
                    total, rate, channels, nodes.size(), faultAt, gap);
            new RateSchedule(start, rate, total).run((k, intended) -> {
                Pub p = pubs.get((int) k);
                int node = Math.floorMod(rr.getAndIncrement(), nodes.size());
                p.startNanos = System.nanoTime();
                apis.get(node).post("/admin/websocket/send-to-channel", "{\"channel\":\"chaos-" + p.channel
                        + "\",\"type\":\"message\",\"data\":{\"_s\":" + p.seq + "}}")
                        .orTimeout(30, TimeUnit.SECONDS).whenComplete((res, err) -> {
                            p.endNanos = System.nanoTime();
                            if (err != null) {
                                p.status = -1;
                            } else {
                                p.status = res.status();
                                if (res.status() == 200) {
                                    try {
                                        p.offset = Worker.JSON.readTree(res.body()).path("data").path("offset").asLong();
                                    } catch (Exception ignored) {
                                        // offset informational
                                    }
                                }
                            }
                            answered.countDown();
                        });
            });
            answered.await(40, TimeUnit.SECONDS);
            faultThread.join(120_000);
            apis.forEach(ApiClient::close);
            Thread.sleep(3000);
            long gapsBefore = cs.clients.stream().mapToLong(c -> c.channelGaps).sum();
            // everyone resumes once more, as after a reconnect: what is still missing comes now
            for (ChaosClients.Client c : cs.clients) {
                c.resume();
            }
            long stillResuming;
            deadline = System.currentTimeMillis() + 60_000;
            do {
                Thread.sleep(500);
                stillResuming = cs.clients.stream().filter(c -> c.resuming).count();
            } while (stillResuming > 0 && System.currentTimeMillis() < deadline);
            System.out.printf("  final resume done at %.1f s (%d still resuming)%n", at(System.nanoTime()), stillResuming);

            // presence two TTLs after Redis came back
            long twoTtl = 2 * Scenario.parseDuration(presenceTtl);
            long wait = fault[2] + twoTtl - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            Set<Long> openUsers = cs.openUsers();
            Map<String, Object> presence = new LinkedHashMap<>();
            long worst = 0;
            for (int i = 0; i < nodes.size(); i++) {
                Answer a = http(nodes.get(i), "GET", "/admin/websocket/online-users", null);
                Set<Long> online = new HashSet<>();
                if (a.status() == 200) {
                    a.body().path("data").path("user_ids").forEach(n -> online.add(n.asLong()));
                }
                Set<Long> ghosts = new HashSet<>(online);
                ghosts.removeAll(openUsers);
                Set<Long> missing = new HashSet<>(openUsers);
                missing.removeAll(online);
                presence.put(nodeIds.get(i), Map.of("status", a.status(), "online", online.size(), "open_clients", openUsers.size(),
                        "ghosts", ghosts.size(), "missing", missing.size()));
                worst = Math.max(worst, a.status() == 200 ? ghosts.size() + missing.size() : openUsers.size());
            }
            presence.put("checked_after_redis_back_s", seconds(System.nanoTime() - fault[2]));

            // the judgement, subscriber by subscriber
            Map<Integer, List<Pub>> byChannel = new HashMap<>();
            Map<Long, Pub> bySeq = new HashMap<>();
            Map<String, Long> statuses = new TreeMap<>();
            long acked = 0;
            for (Pub p : pubs) {
                statuses.merge(p.status == -1 ? "no answer" : Integer.toString(p.status), 1L, Long::sum);
                bySeq.put(p.seq, p);
                if (p.status == 200) {
                    acked++;
                    byChannel.computeIfAbsent(p.channel, x -> new ArrayList<>()).add(p);
                }
            }
            long expected = 0;
            long received = 0;
            long toldNotRecovered = 0;
            long lost = 0;
            long dups = 0;
            long receivedNot2xx = 0;
            long resumes = 0;
            long resumesRecovered = 0;
            long recoveredFalse = 0;
            long subscribeErrors = 0;
            long gaps = 0;
            List<String> lostSamples = new ArrayList<>();
            Set<Long> subsWithLoss = new HashSet<>();
            for (ChaosClients.Client c : cs.clients) {
                synchronized (c) {
                    int ch = Integer.parseInt(c.channel.substring("chaos-".length()));
                    for (Pub p : byChannel.getOrDefault(ch, List.of())) {
                        if (c.subscribedNanos == 0 || p.startNanos < c.subscribedNanos) {
                            continue;
                        }
                        expected++;
                        if (c.channelSeqs.contains(p.seq)) {
                            received++;
                        } else if (c.recoveredFalseNanos.stream().anyMatch(t -> t >= p.startNanos)) {
                            toldNotRecovered++;
                        } else {
                            lost++;
                            subsWithLoss.add(c.user);
                            if (lostSamples.size() < 10) {
                                lostSamples.add("user " + c.user + " channel " + c.channel + " seq " + p.seq + " offset "
                                        + p.offset + " published at " + at(p.startNanos) + " s");
                            }
                        }
                    }
                    for (long seq : c.channelSeqs) {
                        Pub p = bySeq.get(seq);
                        if (p != null && p.status != 200) {
                            receivedNot2xx++;
                        }
                    }
                    dups += c.channelDupSeq;
                    resumes += c.resumes;
                    resumesRecovered += c.resumesRecovered;
                    recoveredFalse += c.recoveredFalseNanos.size();
                    subscribeErrors += c.subscribeErrors;
                    gaps += c.channelGaps;
                }
            }
            long first2xxAfter = -1;
            long allOkFrom = -1;
            for (Pub p : pubs) {
                if (p.startNanos >= fault[2] && p.status == 200 && first2xxAfter < 0) {
                    first2xxAfter = p.endNanos;
                }
                if (p.startNanos >= fault[0] && p.status != 200) {
                    allOkFrom = Math.max(allOkFrom, p.startNanos);
                }
            }
            r.put("publications_attempted", total);
            r.put("statuses", statuses);
            r.put("acked_2xx", acked);
            r.put("expected_deliveries", expected);
            r.put("received", received);
            r.put("missed_but_told_recovered_false", toldNotRecovered);
            r.put("lost", lost);
            r.put("subscribers_with_loss", subsWithLoss.size());
            r.put("lost_samples", lostSamples);
            r.put("duplicates", dups);
            r.put("received_though_not_2xx", receivedNot2xx);
            r.put("resumes", resumes);
            r.put("resumes_recovered", resumesRecovered);
            r.put("recovered_false", recoveredFalse);
            r.put("subscribe_errors", subscribeErrors);
            r.put("offset_gaps_seen_live", gaps);
            r.put("offset_gaps_before_final_resume", gapsBefore);
            r.put("redis", Map.of("killed_at_s", at(fault[0]), "started_at_s", at(fault[1]), "accepting_at_s", at(fault[2]),
                    "nodes_health_up_after_s", healthBack));
            r.put("presence_two_ttls_after", presence);
            r.put("client_close_reasons", ChaosClients.snapshot(cs.closeCodes));
            r.put("client_error_codes", ChaosClients.snapshot(cs.errorCodes));

            s.put("subscribers", subscribers);
            s.put("rate", rate);
            s.put("attempted", total);
            s.put("acked_2xx", acked);
            s.put("status_counts", statuses.toString().replace("=", ": "));
            s.put("expected_deliveries", expected);
            s.put("received", received);
            s.put("told_recovered_false", toldNotRecovered);
            s.put("lost", lost);
            s.put("duplicates", dups);
            s.put("received_though_not_2xx", receivedNot2xx);
            s.put("resumes (recovered/false)", resumes + " (" + resumesRecovered + "/" + recoveredFalse + ")");
            s.put("first_2xx_after_redis_back_s", first2xxAfter < 0 ? "-" : seconds(first2xxAfter - fault[2]));
            s.put("all_2xx_from_s", allOkFrom < 0 ? 0.0 : seconds(Math.max(0, allOkFrom - fault[2])));
            s.put("nodes_up_after_s", healthBack.values().toString());
            s.put("presence_wrong_after_2ttl", worst);
        }
        r.put("summary", s);
        return r;
    }
}
