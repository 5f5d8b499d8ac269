package dev.herald.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket connection to a test server (JDK {@link WebSocket}) that keeps every text frame it
 * receives, so a test can await the frame a push should have produced.
 */
public final class TestSocket implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private TestSocket(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /**
     * Connects to {@code /ws}, with {@code ?token=} when {@code token} is not null (the bind flow
     * connects without one), and waits for nothing: read {@code init} with {@link #next}.
     *
     * @param server the server
     * @param token  a user token, or null
     * @return the open connection
     */
    public static TestSocket connect(HeraldProcess server, String token) {
        String ws = "ws://127.0.0.1:" + server.port() + "/ws" + (token == null ? "" : "?token=" + token);
        return new TestSocket(URI.create(ws));
    }

    /**
     * The next frame received that matches; frames before it that do not match are dropped.
     *
     * @param match   which frame
     * @param timeout how long to wait
     * @return the frame
     * @throws AssertionError when none arrives in time
     */
    public JsonNode next(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no matching frame within " + timeout);
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    /** The next frame of {@code type} within 5 s. */
    public JsonNode next(String type) throws InterruptedException {
        return next(f -> type.equals(f.path("type").asText()), Duration.ofSeconds(5));
    }

    /** Sends a text frame. */
    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /**
     * @param timeout how long to wait
     * @return the close code the server closed with
     */
    public int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    frames.add(JSON.createObjectNode().put("type", "unparsable").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
