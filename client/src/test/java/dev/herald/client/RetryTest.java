package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.testing.FlakyProxy;
import dev.herald.client.testing.HeraldProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry policy, through a proxy that loses answers and answers 503/429 on cue in front of a real
 * Herald: repeatable calls (GETs, inbox sends with their idempotency key) are retried, pushes are
 * not, and a send whose answer was lost is stored once.
 */
class RetryTest {
    static HeraldProcess herald;
    static HeraldClient direct;
    FlakyProxy proxy;
    HeraldClient client;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
        direct = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    @BeforeEach
    void proxy() throws IOException {
        proxy = FlakyProxy.start(herald.port());
        client = HeraldClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + proxy.port()))
                .apiKey(HeraldProcess.API_KEY)
                .retryBackoff(Duration.ofMillis(10))
                .build();
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void aSendWhoseAnswerWasLostIsRetriedWithTheSameKeyAndStoredOnce() {
        proxy.script(new FlakyProxy.DropAnswer());
        SendResult result = client.notifications().send(NewNotification.builder()
                .userIds(201).title("lost answer").content("stored once").build());
        assertThat(proxy.connections()).isEqualTo(2);
        assertThat(result.duplicate()).isTrue(); // the retry met the first attempt's key
        assertThat(result.count()).isEqualTo(1);
        NotificationPage inbox = direct.notifications().forUser(201).list();
        assertThat(inbox.total()).isEqualTo(1);
        assertThat(result.ids()).containsExactly(inbox.list().get(0).id());
    }

    @Test
    void aPushWhoseAnswerWasLostIsNotRetried() {
        proxy.script(new FlakyProxy.DropAnswer());
        HeraldException e = catchThrowableOfType(HeraldException.class, () -> client.sendToUser(202, "ping", Map.of()));
        assertThat(e.status()).isZero();
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getCause()).isInstanceOf(IOException.class);
        assertThat(proxy.connections()).isEqualTo(1);
    }

    @Test
    void aGetIsRetriedAfter503HonouringRetryAfter() {
        proxy.script(new FlakyProxy.Reply(503, "1"));
        long start = System.nanoTime();
        assertThat(client.onlineCount()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(proxy.connections()).isEqualTo(2);
    }

    @Test
    void aGetIsRetriedAfter502And504And429() {
        proxy.script(new FlakyProxy.Reply(502, null), new FlakyProxy.Reply(504, null), new FlakyProxy.Reply(429, "0"));
        assertThat(client.onlineCount()).isZero();
        assertThat(proxy.connections()).isEqualTo(4);
    }

    @Test
    void retriesAreBounded() {
        HeraldClient twice = HeraldClient.builder().baseUrl(URI.create("http://127.0.0.1:" + proxy.port()))
                .apiKey(HeraldProcess.API_KEY).retryBackoff(Duration.ofMillis(1)).maxRetries(2).build();
        proxy.script(new FlakyProxy.Reply(503, null), new FlakyProxy.Reply(503, null), new FlakyProxy.Reply(503, null),
                new FlakyProxy.Reply(503, null));
        HeraldException e = catchThrowableOfType(HeraldException.class, twice::onlineCount);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.getMessage()).isEqualTo("proxy says 503");
        assertThat(proxy.connections()).isEqualTo(3);
    }

    @Test
    void aPushIsNotRetriedOn503NorAGetOnAnOverlongRetryAfter() {
        proxy.script(new FlakyProxy.Reply(503, null));
        HeraldException push = catchThrowableOfType(HeraldException.class, () -> client.sendToUser(203, null, null));
        assertThat(push.status()).isEqualTo(503);
        assertThat(proxy.connections()).isEqualTo(1);

        proxy.script(new FlakyProxy.Reply(429, "120"));
        long start = System.nanoTime();
        HeraldException limited = catchThrowableOfType(HeraldException.class, client::onlineCount);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(proxy.connections()).isEqualTo(2);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HeraldClient nowhere = HeraldClient.builder().baseUrl(URI.create("http://127.0.0.1:" + closedPort))
                .apiKey(HeraldProcess.API_KEY).retryBackoff(Duration.ofMillis(1)).maxRetries(2).build();
        HeraldException e = catchThrowableOfType(HeraldException.class, nowhere::onlineCount);
        assertThat(e.status()).isZero();
        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
        assertThat(e.getMessage()).contains("cannot connect");
    }
}
