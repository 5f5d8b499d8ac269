package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A share of the WebSocket connections, in this process or in a child JVM. Commands and replies
 * are JSON objects (one line each over the child's stdin/stdout), the same for both kinds, so a
 * scenario never knows where its connections live. Commands: init, connect, subscribe, reset,
 * stats, close_all, quit; for {@code bench storm} ({@link StormClients}): storm_track (keep inbox
 * ids; {@code ports}, {@code home}, herald.js's {@code base_ms}, {@code max_ms}, {@code jitter},
 * {@code seed}), storm_arm (reconnect when dropped from now on) and storm_stats ({@code detail}).
 */
public interface Worker extends AutoCloseable {
    ObjectMapper JSON = new ObjectMapper();

    JsonNode call(ObjectNode command) throws Exception;

    @Override
    void close();

    static ObjectNode command(String name) {
        return JSON.createObjectNode().put("cmd", name);
    }

    /** Executes commands against one {@link WsLoad}. */
    final class Executor {
        private WsLoad load;

        JsonNode execute(JsonNode c) throws Exception {
            String cmd = c.path("cmd").asText();
            switch (cmd) {
                case "init" -> {
                    List<String> locals = new ArrayList<>();
                    c.path("local_addresses").forEach(n -> locals.add(n.asText()));
                    load = new WsLoad(new WsLoad.Config(c.path("host").asText(), c.path("port").asInt(),
                            c.path("path").asText("/ws"), c.path("secret").asText(""), locals,
                            c.path("threads").asInt(2), c.path("devices_per_user").asInt(1),
                            c.path("user_base").asLong(1), c.path("alg").asText("HS256"), c.path("private_key").asText(""),
                            "sse".equals(c.path("transport").asText("websocket"))));
                    return JSON.createObjectNode().put("ok", true);
                }
                case "connect" -> {
                    WsLoad.ConnectReport r = load.connect(c.path("from").asInt(), c.path("count").asInt(),
                            c.path("rate").asDouble(0), c.path("max_in_flight").asInt(256),
                            c.path("timeout_ms").asLong(120_000));
                    return JSON.valueToTree(r);
                }
                case "subscribe" -> {
                    long acks = load.subscribe(c.path("prefix").asText(), c.path("channels").asInt(),
                            c.path("timeout_ms").asLong(60_000));
                    return JSON.createObjectNode().put("acks", acks);
                }
                case "reset" -> {
                    load.reset(c.path("max_seq").asInt(0));
                    return JSON.createObjectNode().put("ok", true);
                }
                case "stats" -> {
                    return JSON.valueToTree(load.stats(c.path("expected_per_conn").asLong(-1)));
                }
                case "storm_track" -> {
                    int[] ports = Worker.JSON.convertValue(c.path("ports"), int[].class);
                    Backoff policy = new Backoff(c.path("base_ms").asLong(Backoff.HERALD_JS.baseMs()),
                            c.path("max_ms").asLong(Backoff.HERALD_JS.maxMs()), c.path("jitter").asDouble(Backoff.HERALD_JS.jitter()),
                            c.path("restart_max_ms").asLong(Backoff.HERALD_JS.restartMaxMs()));
                    load.storm = new StormClients(load, ports, c.path("home").asInt(0), policy, c.path("seed").asLong(1));
                    return JSON.createObjectNode().put("ok", true);
                }
                case "storm_arm" -> {
                    return JSON.valueToTree(storm().arm());
                }
                case "storm_stats" -> {
                    return JSON.valueToTree(storm().stats(c.path("detail").asBoolean(false)));
                }
                case "close_all" -> {
                    load.closeAll();
                    return JSON.createObjectNode().put("ok", true);
                }
                case "quit" -> {
                    if (load != null) {
                        load.close();
                        load = null;
                    }
                    return JSON.createObjectNode().put("ok", true);
                }
                default -> throw new IllegalArgumentException("unknown worker command " + cmd);
            }
        }

        private StormClients storm() {
            StormClients s = load.storm;
            if (s == null) {
                throw new IllegalStateException("storm_track first");
            }
            return s;
        }
    }

    /** Connections in the calling process. */
    final class Local implements Worker {
        private final Executor executor = new Executor();

        @Override
        public synchronized JsonNode call(ObjectNode command) throws Exception {
            // round-trip through text so local and remote replies have the same shape
            return JSON.readTree(JSON.writeValueAsString(executor.execute(command)));
        }

        @Override
        public void close() {
            try {
                executor.execute(command("quit"));
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    /** Connections in a child JVM running {@code Bench worker}. */
    final class Remote implements Worker {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;

        public Remote(List<String> jvmOptions) throws IOException {
            Path jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(jar.toString());
            cmd.add(Bench.class.getName());
            cmd.add("worker");
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        public long pid() {
            return process.pid();
        }

        @Override
        public synchronized JsonNode call(ObjectNode command) throws Exception {
            in.write(JSON.writeValueAsString(command));
            in.write('\n');
            in.flush();
            while (true) {
                String line = out.readLine();
                if (line == null) {
                    throw new IOException("worker " + process.pid() + " exited (code "
                            + process.waitFor() + ") during " + command.path("cmd").asText());
                }
                if (line.startsWith("{")) {
                    JsonNode reply = JSON.readTree(line);
                    if (reply.has("worker_error")) {
                        throw new IOException("worker " + process.pid() + ": " + reply.get("worker_error").asText());
                    }
                    return reply;
                }
            }
        }

        @Override
        public void close() {
            try {
                call(command("quit"));
                in.close();
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }

    /** The body of {@code Bench worker}: reads commands from stdin until quit or end of input. */
    static void serve() throws IOException {
        PrintStream stdout = System.out;
        System.setOut(System.err); // keep the command channel clean of stray prints
        // never outlive the scenario that started us, whatever state we are in
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Executor executor = new Executor();
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            JsonNode c = JSON.readTree(line);
            JsonNode reply;
            try {
                reply = executor.execute(c);
            } catch (Exception e) {
                reply = JSON.valueToTree(Map.of("worker_error", String.valueOf(e)));
            }
            stdout.println(JSON.writeValueAsString(reply));
            stdout.flush();
            if ("quit".equals(c.path("cmd").asText())) {
                break;
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
