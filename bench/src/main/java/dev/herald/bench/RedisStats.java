package dev.herald.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Redis did over a window, read from outside: its process's CPU time (utime + stime from
 * /proc, so the Redis must run on this machine) and counters from {@code INFO} (commands, PUBLISH
 * calls, network bytes). Take a {@link #snapshot} before and after; {@link #delta} gives per-second
 * figures. Only talks to a loopback Redis. Over several Redis servers (the shards of
 * {@code redis.urls}) the figures are the sums, and {@link #delta} also gives each server's share.
 */
final class RedisStats {
    /** One reading of the counters that matter (summed over the servers), and each server's. */
    record Snapshot(long nanos, long cpuMicros, long commands, long publishes, long scripts, long netIn, long netOut,
                    Map<String, Long> callsByCommand, List<Server> byServer) {}

    /** One server's share of a {@link Snapshot}. */
    record Server(String address, long cpuMicros, long commands, long publishes, long scripts) {}

    private record Target(String host, int port, long pid) {}

    private final List<Target> targets = new ArrayList<>();

    RedisStats(String url) {
        this(List.of(url));
    }

    RedisStats(List<String> urls) {
        for (String url : urls) {
            URI u = URI.create(url);
            String host = u.getHost();
            int port = u.getPort() < 0 ? 6379 : u.getPort();
            if (!host.startsWith("127.") && !host.equals("localhost")) {
                throw new IllegalArgumentException("the bench only reads a loopback Redis, not " + host);
            }
            targets.add(new Target(host, port, Long.parseLong(fields(info(host, port, "server")).get("process_id"))));
        }
    }

    long pid() {
        return targets.get(0).pid();
    }

    Snapshot snapshot() {
        long cpu = 0;
        long commands = 0;
        long publishes = 0;
        long scripts = 0;
        long netIn = 0;
        long netOut = 0;
        Map<String, Long> byCommand = new LinkedHashMap<>();
        List<Server> byServer = new ArrayList<>();
        for (Target t : targets) {
            Map<String, String> stats = fields(info(t.host(), t.port(), "stats"));
            Map<String, String> cmds = fields(info(t.host(), t.port(), "commandstats"));
            Server one = new Server(t.host() + ":" + t.port(), ProcStats.cpuMicros(t.pid()),
                    Long.parseLong(stats.get("total_commands_processed")), calls(cmds, "cmdstat_publish"),
                    calls(cmds, "cmdstat_evalsha") + calls(cmds, "cmdstat_eval"));
            byServer.add(one);
            cpu += one.cpuMicros();
            commands += one.commands();
            publishes += one.publishes();
            scripts += one.scripts();
            netIn += Long.parseLong(stats.get("total_net_input_bytes"));
            netOut += Long.parseLong(stats.get("total_net_output_bytes"));
            callsByCommand(cmds).forEach((k, v) -> byCommand.merge(k, v, Long::sum));
        }
        return new Snapshot(System.nanoTime(), cpu, commands, publishes, scripts, netIn, netOut, byCommand, byServer);
    }

    private static Map<String, Long> callsByCommand(Map<String, String> cmds) {
        Map<String, Long> m = new LinkedHashMap<>();
        cmds.forEach((name, v) -> m.put(name.replace("cmdstat_", ""), calls(cmds, name)));
        return m;
    }

    /** Per-second rates and CPU share between two snapshots. */
    static Map<String, Object> delta(Snapshot a, Snapshot b) {
        double s = (b.nanos() - a.nanos()) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window_s", Scenario.round(s, 2));
        m.put("cpu_ms", Scenario.round((b.cpuMicros() - a.cpuMicros()) / 1000.0, 1));
        m.put("cpu_percent_of_one_core", Scenario.round((b.cpuMicros() - a.cpuMicros()) / 1e6 / s * 100, 1));
        m.put("commands_per_s", Math.round((b.commands() - a.commands()) / s));
        m.put("publish_per_s", Math.round((b.publishes() - a.publishes()) / s));
        m.put("publishes", b.publishes() - a.publishes());
        m.put("scripts_per_s", Math.round((b.scripts() - a.scripts()) / s));
        m.put("net_in_kb_per_s", Math.round((b.netIn() - a.netIn()) / 1024.0 / s));
        m.put("net_out_kb_per_s", Math.round((b.netOut() - a.netOut()) / 1024.0 / s));
        Map<String, Long> perSecond = new LinkedHashMap<>();
        b.callsByCommand().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - a.callsByCommand().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e -> perSecond.put(e.getKey(), Math.round(e.getValue() / s)));
        m.put("calls_per_s_by_command", perSecond);
        if (b.byServer().size() > 1) {
            List<Map<String, Object>> servers = new ArrayList<>();
            for (int i = 0; i < b.byServer().size(); i++) {
                Server x = a.byServer().get(i);
                Server y = b.byServer().get(i);
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("server", y.address());
                one.put("cpu_percent_of_one_core", Scenario.round((y.cpuMicros() - x.cpuMicros()) / 1e6 / s * 100, 1));
                one.put("commands_per_s", Math.round((y.commands() - x.commands()) / s));
                one.put("publish_per_s", Math.round((y.publishes() - x.publishes()) / s));
                one.put("scripts_per_s", Math.round((y.scripts() - x.scripts()) / s));
                servers.add(one);
            }
            m.put("by_server", servers);
        }
        return m;
    }

    private static long calls(Map<String, String> cmds, String name) {
        String v = cmds.get(name);
        if (v == null) {
            return 0;
        }
        for (String part : v.split(",")) {
            if (part.startsWith("calls=")) {
                return Long.parseLong(part.substring(6));
            }
        }
        return 0;
    }

    private static Map<String, String> fields(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return m;
    }

    /** {@code INFO section}: one RESP bulk string. */
    private static String info(String host, int port, String section) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("$")) {
                throw new IllegalStateException("Redis answered INFO with " + header);
            }
            int length = Integer.parseInt(header.substring(1));
            byte[] body = in.readNBytes(length);
            return new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read INFO from Redis at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
