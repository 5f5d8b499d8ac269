package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts, reads and never answers: the call fails as a timeout within about the
 * configured time, and the request that was sent is not sent again.
 */
class TimeoutTest {
    ServerSocket silent;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    /** Connections on which request bytes arrived. */
    final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void listen() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = silent.accept();
                    accepted.add(s);
                    Thread reader = new Thread(() -> read(s));
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void read(Socket s) {
        try (InputStream in = s.getInputStream()) {
            if (in.read() >= 0) {
                requests.incrementAndGet();
            }
            in.transferTo(OutputStream.nullOutputStream()); // read everything, answer nothing
        } catch (IOException closed) {
            // the test is over
        }
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aSilentServerTimesOutWithinTheRequestTimeoutAndTheRequestIsNotSentTwice() throws InterruptedException {
        HeraldClient client = HeraldClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                .apiKey("whatever-key")
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofMillis(400))
                .build();
        long start = System.nanoTime();
        HeraldException e = catchThrowableOfType(HeraldException.class, client::onlineCount);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e.isTimeout()).isTrue();
        assertThat(e.status()).isZero();
        assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
        // The JDK reports a request timeout that fires before its connection is set up as a connect
        // timeout, which is retried (nothing was sent); a request that reached the server never is.
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (requests.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(requests.get()).isEqualTo(1);
    }
}
