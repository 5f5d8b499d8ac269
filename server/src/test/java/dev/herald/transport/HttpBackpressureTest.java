package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * A client that pipelines requests and never reads the answers: the server stops reading it once
 * {@code http.max-in-flight} answers wait (so it does not run, nor buffer the answers of, thousands
 * of requests), closes it when unsent answers pass the outbound limit, and keeps serving others.
 */
class HttpBackpressureTest {
    private static final String PUSH = "{\"user_id\":77001,\"type\":\"t\",\"data\":{}}";

    private static byte[] pipelined(int n, String request) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] one = request.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            all.writeBytes(one);
        }
        return all.toByteArray();
    }

    /** Writes on another thread: once the server stops reading, the write blocks. */
    private static CompletableFuture<Void> writeInBackground(RawSocket s, byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                s.writeRaw(bytes);
            } catch (IOException closed) {
                // the test closed the socket, or the server did
            }
        });
    }

    /** Waits until {@code value} has not changed for three seconds (at most 60 s), and returns it. */
    private static double settled(DoubleSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double last = value.getAsDouble();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - stableSince < 3_000_000_000L) {
            Thread.sleep(100);
            double now = value.getAsDouble();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    @Test
    void pipelinedRequestsWhoseAnswersAreNeverRead_areNotAllRun() throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            // the kernel's socket buffers take some thousands of answers (about 9,000 here) before
            // anything waits in the server; far fewer than all of them
            int requests = 60_000;
            String push = "POST /admin/websocket/send-to-user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.API_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + PUSH.length() + "\r\n\r\n" + PUSH;
            String pushes = "herald_pushes_total{kind=\"user\"}";
            try (RawSocket hog = RawSocket.open(server.port(), 4096)) {
                CompletableFuture<Void> writer = writeInBackground(hog, pipelined(requests, push));
                double run = settled(() -> server.metric(pushes));
                assertThat(run).as("requests run for a client that reads no answer").isLessThan(requests / 2.0);
                assertThat(server.call("GET", "/health", null, null).status()).as("others are served meanwhile").isEqualTo(200);
                hog.close();
                writer.get();
            }
            server.assertServesFreshConnection();
        }
    }

    @Test
    void answersPilingUpPastTheOutboundLimit_closeTheConnection() throws Exception {
        // herald.js is ~22 KB: a few unread answers pass a 64 KiB outbound limit
        try (TestServer server = TestServer.start(Map.of("gateway.max-outbound-bytes", "64KiB"))) {
            int requests = 3000;
            try (RawSocket hog = RawSocket.open(server.port(), 4096)) {
                CompletableFuture<Void> writer = writeInBackground(hog, pipelined(requests, "GET /herald.js HTTP/1.1\r\nHost: x\r\n\r\n"));
                Await.until("the server gave up on the connection",
                        () -> server.metric("herald_refused_total{reason=\"http_backlog\"}") >= 1, Duration.ofSeconds(30));
                int answered = 0;
                try {
                    hog.socket().setSoTimeout(10_000);
                    while (answered < requests) {
                        assertThat(hog.readResponse().status()).isEqualTo(200);
                        answered++;
                    }
                } catch (IOException closed) {
                    // EOF or reset: what the test expects
                }
                assertThat(answered).as("answers before the close").isLessThan(requests);
                writer.get();
            }
            server.assertServesFreshConnection();
        }
    }
}
