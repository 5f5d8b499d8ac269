package dev.herald.pusher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real receiver of Pusher-format webhooks on loopback (the JDK's HttpServer): answers 500 to the
 * first {@code failFirst} requests, then 200; records every request with its raw body and headers,
 * and checks {@code X-Pusher-Signature} with an HMAC of its own (javax.crypto, not Herald's code).
 */
public final class PusherHookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received; {@code answered}: the status it got. */
    public record Hit(String body, String key, String signature, boolean signatureValid, int answered) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The request's only event (Herald sends one per request). */
        public JsonNode event() {
            JsonNode events = json().path("events");
            if (events.size() != 1) {
                throw new AssertionError("expected one event: " + body);
            }
            return events.get(0);
        }

        public String name() {
            return event().path("name").asText();
        }
    }

    private final String secret;
    private final HttpServer server;
    private final AtomicInteger failFirst;
    private final List<Hit> hits = new ArrayList<>();

    private PusherHookReceiver(String secret, int failFirst) {
        this.secret = secret;
        this.failFirst = new AtomicInteger(failFirst);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/pusher", exchange -> {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String body = new String(raw, StandardCharsets.UTF_8);
            String key = exchange.getRequestHeaders().getFirst("X-Pusher-Key");
            String signature = exchange.getRequestHeaders().getFirst("X-Pusher-Signature");
            boolean valid = signature != null && signature.equals(hmacHex(raw));
            int status = this.failFirst.getAndDecrement() > 0 ? 500 : 200;
            synchronized (hits) {
                hits.add(new Hit(body, key, signature, valid, status));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public static PusherHookReceiver start(String secret, int failFirst) {
        return new PusherHookReceiver(secret, failFirst);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/pusher";
    }

    private String hmacHex(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Hit> hits() {
        synchronized (hits) {
            return List.copyOf(hits);
        }
    }

    /** The requests answered 200 whose event matches. */
    public List<Hit> delivered(Predicate<JsonNode> event) {
        return hits().stream().filter(h -> h.answered() == 200 && event.test(h.event())).toList();
    }

    public List<Hit> delivered(String name, String channel) {
        return delivered(e -> e.path("name").asText().equals(name) && e.path("channel").asText().equals(channel));
    }

    /** Waits until {@code condition} holds, failing with {@code what} and the hits after {@code timeout}. */
    public void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; received: " + hits());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
