package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server that accepts and never answers: the call fails as a timeout, within about the configured time. */
class TimeoutTest {
    ServerSocket silent;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    Thread acceptor;

    @BeforeEach
    void listen() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // read nothing, answer nothing
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws IOException {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aSilentServerTimesOutWithinTheRequestTimeoutAndIsNotRetried() {
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
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
        assertThat(accepted).hasSize(1);
    }
}
