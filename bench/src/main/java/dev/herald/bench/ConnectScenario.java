package dev.herald.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Opens N authenticated connections and measures the server's memory per idle connection (RSS
 * after a GC, before and after connecting) and how many connections per second it accepts, first
 * cold (just started, JIT not warm), then again warm after all were closed.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Open N connections: RSS per idle connection (after GC) and connections/s.")
class ConnectScenario extends Scenario {
    @Option(names = "--n", description = "connections (default ${DEFAULT-VALUE})")
    int n = 15_000;

    @Option(names = "--rate", description = "connections per second to attempt (0 = as fast as possible; default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--idle", description = "seconds to hold the connections idle before measuring (default ${DEFAULT-VALUE})")
    int idleSeconds = 5;

    @Option(names = "--gc-settle", description = "ms to wait after a GC before reading RSS (default ${DEFAULT-VALUE})")
    long gcSettleMs = 4000;

    @Option(names = "--no-warm-round", description = "skip closing all and connecting again warm")
    boolean noWarmRound;

    @Override
    String name() {
        return "connect";
    }

    @Override
    Map<String, Object> run(ServerUnderTest server) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        try (Fleet fleet = fleet(server, n)) {
            server.gc(gcSettleMs);
            long rssBefore = server.rssKb();
            boolean nmt = serverOpts.contains("NativeMemoryTracking");
            String nmtBefore = nmt ? server.jcmd("VM.native_memory", "summary") : "";
            long cpu0 = server.cpuMicros();
            long lg0 = fleet.loadGenCpuMicros();
            Fleet.Connected cold = fleet.connect(rate, maxInFlight, 300_000);
            long cpu1 = server.cpuMicros();
            long lg1 = fleet.loadGenCpuMicros();
            System.out.printf("  cold: %d/%d in %.2f s = %.0f/s%n", cold.ok(), cold.attempted(), cold.seconds(), cold.perSecond());
            Thread.sleep(idleSeconds * 1000L);
            long rssLoaded = server.rssKb();
            server.gc(gcSettleMs);
            long rssAfter = server.rssKb();
            r.put("heap_info_after_gc", server.jcmd("GC.heap_info"));
            if (nmt) {
                r.put("nmt_before", nmtBefore);
                r.put("nmt_after", server.jcmd("VM.native_memory", "summary"));
            }
            Fleet.Stats idle = fleet.stats(-1);
            double perConnKb = (rssAfter - rssBefore) / (double) Math.max(1, cold.ok());
            r.put("n", n);
            r.put("processes", fleet.size());
            r.put("rss_before_kb", rssBefore);
            r.put("rss_loaded_kb", rssLoaded);
            r.put("rss_after_gc_kb", rssAfter);
            r.put("rss_per_conn_kb", round(perConnKb, 2));
            r.put("cold", connected(cold, cpu1 - cpu0, lg1 - lg0));
            r.put("open_after_idle", idle.open);
            r.put("close_reasons", idle.closeReasons);
            summary.put("conns", cold.ok());
            summary.put("failed", cold.failed());
            summary.put("rss_kb_per_conn", round(perConnKb, 2));
            summary.put("cold_conn_per_s", Math.round(cold.perSecond()));
            summary.put("open_after_idle", idle.open);
            if (!noWarmRound) {
                fleet.closeAll();
                awaitDrained(server);
                Perf perf = Perf.record(perfRecord, server.pid());
                long c0 = server.cpuMicros();
                long l0 = fleet.loadGenCpuMicros();
                Fleet.Connected warm = fleet.connect(rate, maxInFlight, 300_000);
                long c1 = server.cpuMicros();
                long l1 = fleet.loadGenCpuMicros();
                if (perf != null) {
                    perf.close();
                }
                System.out.printf("  warm: %d/%d in %.2f s = %.0f/s%n", warm.ok(), warm.attempted(), warm.seconds(), warm.perSecond());
                r.put("warm", connected(warm, c1 - c0, l1 - l0));
                summary.put("warm_conn_per_s", Math.round(warm.perSecond()));
                summary.put("warm_failed", warm.failed());
                summary.put("server_cpu_us_per_conn", round((c1 - c0) / (double) Math.max(1, warm.ok()), 1));
            }
        }
        r.put("summary", summary);
        return r;
    }

    private static Map<String, Object> connected(Fleet.Connected c, long serverCpuMicros, long loadGenCpuMicros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempted", c.attempted());
        m.put("ok", c.ok());
        m.put("failed", c.failed());
        m.put("failures", c.failures());
        m.put("seconds", round(c.seconds(), 3));
        m.put("per_second", Math.round(c.perSecond()));
        m.put("handshake_latency", c.latency().summaryMillis());
        m.put("server_cpu_us", serverCpuMicros);
        m.put("server_cpu_us_per_conn", round(serverCpuMicros / (double) Math.max(1, c.ok()), 1));
        m.put("server_cores_busy", round(serverCpuMicros / 1e6 / c.seconds(), 2));
        m.put("loadgen_cpu_us_per_conn", round(loadGenCpuMicros / (double) Math.max(1, c.ok()), 1));
        m.put("loadgen_cores_busy", round(loadGenCpuMicros / 1e6 / c.seconds(), 2));
        return m;
    }

    /** Waits (at most 30 s) until the server's /health reports no connections. */
    private static void awaitDrained(ServerUnderTest server) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            long c = Health.connections(server);
            if (c == 0) {
                return;
            }
            Thread.sleep(250);
        }
        System.out.println("  (server still reports connections after 30 s)");
    }
}
