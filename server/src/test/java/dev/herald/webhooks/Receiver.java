package dev.herald.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real webhook receiver on loopback (the JDK's HttpServer): answers the scripted statuses first,
 * then 200; records every request and checks its {@code Herald-Signature} with an HMAC of its own
 * (not the server's code). {@link #stop()} / {@link #restart()} take it down and bring it back on
 * the same port.
 */
final class Receiver implements AutoCloseable {
    static final String SECRET = "whsec-test-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEADER = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

    /** One request as received. */
    record Hit(JsonNode event, String body, String signature, boolean signatureValid, int answered, long receivedNanos) {
        String id() {
            return event.path("id").asText();
        }

        String type() {
            return event.path("type").asText();
        }
    }

    private final int port;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final List<Hit> hits = new ArrayList<>();
    private final Map<String, AtomicInteger> okById = new ConcurrentHashMap<>();
    private volatile int delayMillis;
    private HttpServer server;

    private Receiver(int port) {
        this.port = port;
    }

    static Receiver start() {
        Receiver r = new Receiver(0);
        r.listen(0);
        return r;
    }

    private void listen(int on) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", on), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hook", exchange -> {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String body = new String(raw, StandardCharsets.UTF_8);
            String sig = exchange.getRequestHeaders().getFirst("Herald-Signature");
            int status;
            synchronized (this) {
                Integer scripted = script.poll();
                status = scripted == null ? 200 : scripted;
                JsonNode event;
                try {
                    event = JSON.readTree(body);
                } catch (IOException e) {
                    event = JSON.createObjectNode();
                }
                hits.add(new Hit(event, body, sig, valid(sig, raw), status, System.nanoTime()));
                if (status / 100 == 2) {
                    okById.computeIfAbsent(event.path("id").asText(), k -> new AtomicInteger()).incrementAndGet();
                }
                notifyAll();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** Checks the header the way a receiver would: HMAC-SHA256 of "t.body" with the shared secret, constant-time compare. */
    static boolean valid(String header, byte[] body) {
        if (header == null) {
            return false;
        }
        Matcher m = HEADER.matcher(header);
        if (!m.matches()) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((m.group(1) + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            return MessageDigest.isEqual(expected, HexFormat.of().parseHex(m.group(2)))
                    && Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(m.group(1))) < 300;
        } catch (Exception e) {
            return false;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/hook";
    }

    int port() {
        return port != 0 ? port : server.getAddress().getPort();
    }

    /** The next {@code statuses} answers, in order; 200 after them. */
    synchronized Receiver answer(Integer... statuses) {
        script.addAll(List.of(statuses));
        return this;
    }

    void delay(int millis) {
        this.delayMillis = millis;
    }

    synchronized List<Hit> hits() {
        return List.copyOf(hits);
    }

    synchronized List<Hit> hits(String type) {
        return hits.stream().filter(h -> h.type().equals(type)).toList();
    }

    /** How many 2xx answers each event id got. */
    Map<String, AtomicInteger> okById() {
        return okById;
    }

    /** Waits (up to {@code seconds}) until {@code condition} holds on the hits. */
    synchronized List<Hit> await(String what, int seconds, Predicate<List<Hit>> condition) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.test(hits)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("receiver: " + what + " not seen within " + seconds + " s; hits: " + hits);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return List.copyOf(hits);
    }

    /** Takes the receiver down (connections are refused). */
    void stop() {
        server.stop(0);
    }

    /** Brings it back on the same port. */
    Receiver restart() {
        Receiver back = new Receiver(port());
        back.script.addAll(script);
        back.listen(port());
        synchronized (this) {
            back.hits.addAll(hits);
        }
        back.okById.putAll(okById);
        return back;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
