package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket client (the JDK's) that queues every text frame it receives, for tests.
 * {@link #awaitType} skips frames of other types but keeps them for {@link #next}.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** How the server closed the connection. */
    public record Close(int code, String reason) {}

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<JsonNode> skipped = new ArrayList<>();
    private WebSocket socket;

    private WsClient() {}

    public static WsClient open(String url) {
        WsClient c = new WsClient();
        try {
            c.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(url), c.listener()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to " + url.replaceAll("token=[^&]+", "token=…"), e);
        }
        return c;
    }

    /** Opens a WebSocket with extra request headers (e.g. {@code Authorization}). */
    public static WsClient open(String url, Map<String, String> headers) {
        WsClient c = new WsClient();
        try {
            WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT);
            headers.forEach(b::header);
            c.socket = b.buildAsync(URI.create(url), c.listener()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to " + url.replaceAll("token=[^&]+", "token=…"), e);
        }
        return c;
    }

    /** Attempts to connect and returns the handshake failure (for refused upgrades). */
    public static Throwable refusal(String url) {
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(url), new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
            ws.abort();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        frames.add(Json.MAPPER.readTree(text.toString()));
                    } catch (IOException e) {
                        frames.add(Json.MAPPER.createObjectNode().put("type", "__unparseable__").put("raw", text.toString()));
                    }
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.complete(new Close(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(new Close(-1, String.valueOf(error)));
            }
        };
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** SendTransaction {@code {"type", "data", "id"}} and returns the id used. */
    public String send(String type, Object data) {
        String id = "c" + ids.incrementAndGet();
        var frame = Json.MAPPER.createObjectNode().put("type", type).put("id", id);
        frame.set("data", Json.MAPPER.valueToTree(data));
        sendRaw(frame.toString());
        return id;
    }

    /** Sends a frame and waits for the reply carrying its id. */
    public JsonNode request(String type, Object data) {
        String id = send(type, data);
        return awaitReply(id);
    }

    /** The next frame in arrival order (including ones skipped by {@link #awaitType}). */
    public JsonNode next() {
        if (!skipped.isEmpty()) {
            return skipped.remove(0);
        }
        return poll(TIMEOUT);
    }

    /** The next frame of {@code type}; frames of other types are kept for later. */
    public JsonNode awaitType(String type) {
        for (int i = 0; i < skipped.size(); i++) {
            if (type.equals(skipped.get(i).path("type").asText())) {
                return skipped.remove(i);
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonNode f = pollArrivals(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (type.equals(f.path("type").asText())) {
                return f;
            }
            skipped.add(f);
        }
    }

    /** The reply with {@code id}; other frames are kept for later. */
    public JsonNode awaitReply(String id) {
        for (int i = 0; i < skipped.size(); i++) {
            if (id.equals(skipped.get(i).path("id").asText())) {
                return skipped.remove(i);
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonNode f = pollArrivals(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (id.equals(f.path("id").asText())) {
                return f;
            }
            skipped.add(f);
        }
    }

    /** Null when no frame arrives within {@code wait}. */
    public JsonNode maybeNext(Duration wait) {
        if (!skipped.isEmpty()) {
            return skipped.remove(0);
        }
        try {
            return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The next frame that arrives, ignoring the kept ones: {@link #awaitType} and {@link #awaitReply}
     * have searched those already (taking from them here would loop forever on a kept frame).
     */
    private JsonNode pollArrivals(Duration wait) {
        try {
            JsonNode f = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + wait.toMillis() + " ms"
                        + (closed.isDone() ? " (closed: " + closed.join() + ")" : "")
                        + (skipped.isEmpty() ? "" : "; kept meanwhile: " + skipped));
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode poll(Duration wait) {
        JsonNode f = maybeNext(wait);
        if (f == null) {
            throw new AssertionError("no frame within " + wait.toMillis() + " ms");
        }
        return f;
    }

    /** Waits for the server to close the connection. */
    public Close awaitClose() {
        try {
            return closed.get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        }
    }

    /** Waits up to {@code wait} for the server to close the connection. */
    public Close awaitClose(Duration wait) {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + wait.toMillis() + " ms", e);
        }
    }

    /** Asserts that no frame (of any type) arrives within {@code wait}. */
    public void expectNoFrame(Duration wait) {
        JsonNode f = maybeNext(wait);
        if (f != null) {
            throw new AssertionError("expected no frame, got " + f);
        }
    }

    /** Sends a frame and waits for its reply, which must be an {@code error}; returns {@code data.code}. */
    public String requestError(String type, Object data) {
        JsonNode reply = request(type, data);
        if (!"error".equals(reply.path("type").asText())) {
            throw new AssertionError("expected an error reply, got " + reply);
        }
        return reply.at("/data/code").asText();
    }

    /** Whether the connection still answers a {@code ping} with a {@code pong}. */
    public boolean answersPing() {
        return "pong".equals(request("ping", Map.of()).path("type").asText());
    }

    public boolean isClosed() {
        return closed.isDone() || socket.isInputClosed();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
        }
        socket.abort();
    }
}
