package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.herald.client.testing.HeraldProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server's webhooks and this library's {@link Webhooks#verify} agree: a real server jar, with
 * {@code HERALD_WEBHOOK_URL} pointing at a receiver in this test, POSTs a {@code notification.read}
 * event whose {@code Herald-Signature} verifies with the shared secret (and not with another).
 */
class ServerWebhooksTest {
    private static final String SECRET = "whsec-client-interop-0123456789";

    record Received(String header, byte[] body) {}

    @Test
    void aRealEvent_verifiesWithWebhooksVerify() throws Exception {
        LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst(Webhooks.HEADER), body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (HeraldProcess herald = HeraldProcess.start(Map.of(
                "HERALD_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "HERALD_WEBHOOK_SECRET", SECRET))) {
            HeraldClient client = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey(HeraldProcess.API_KEY).build();
            SendResult sent = client.notifications().send(NewNotification.builder().userIds(901)
                    .title("Webhook interop").content("read me").build());
            long id = sent.ids().get(0);
            assertThat(client.asUser(herald.userToken(901)).markRead(List.of(id))).isEqualTo(1);

            Received r = received.poll(30, TimeUnit.SECONDS);
            assertThat(r).as("an event within 30 s").isNotNull();
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(body).contains("\"type\":\"notification.read\"").contains("\"notification_id\":" + id);
            assertThat(Webhooks.verify(SECRET, r.header(), r.body())).as(r.header()).isTrue();
            assertThat(Webhooks.verify("another-secret", r.header(), r.body())).isFalse();
            byte[] altered = body.replace("901", "902").getBytes(StandardCharsets.UTF_8);
            assertThat(Webhooks.verify(SECRET, r.header(), altered)).isFalse();
        } finally {
            receiver.stop(0);
        }
    }
}
