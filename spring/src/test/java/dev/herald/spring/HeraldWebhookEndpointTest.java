package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The webhook endpoint in a real embedded Tomcat: signatures computed here, independently of the
 * starter, with {@code javax.crypto.Mac}.
 */
@SpringBootTest(classes = HeraldWebhookEndpointTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"herald.webhook.path=/hooks/herald", "herald.webhook.secret=" + HeraldWebhookEndpointTest.SECRET})
class HeraldWebhookEndpointTest {
    static final String SECRET = "whsec-test-0123456789";
    static final String EVENT = "{\"id\":\"evt_1\",\"type\":\"notification.read\",\"created_at\":\"2026-12-06T10:15:30.123Z\","
            + "\"data\":{\"notification_id\":42,\"user_id\":7}}";

    @LocalServerPort
    int port;

    @Autowired
    Listener listener;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void clear() {
        listener.events.clear();
    }

    @Test
    void aCorrectlySignedEventReachesTheListenerBeforeThe2xx() throws Exception {
        HttpResponse<String> r = post(EVENT, sign(SECRET, now(), EVENT));
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(listener.events).hasSize(1);
        HeraldWebhookEvent e = listener.events.get(0);
        assertThat(e.getId()).isEqualTo("evt_1");
        assertThat(e.getType()).isEqualTo("notification.read");
        assertThat(e.getCreatedAt()).isEqualTo(Instant.parse("2026-12-06T10:15:30.123Z"));
        assertThat(e.getData().path("notification_id").asLong()).isEqualTo(42);
        assertThat(e.getData().path("user_id").asLong()).isEqualTo(7);
    }

    @Test
    void aConditionalListenerSeesOnlyItsType() throws Exception {
        String online = "{\"id\":\"evt_2\",\"type\":\"user.online\",\"created_at\":\"2026-12-06T10:15:31Z\",\"data\":{\"user_id\":7}}";
        assertThat(post(online, sign(SECRET, now(), online)).statusCode()).isEqualTo(204);
        assertThat(post(EVENT, sign(SECRET, now(), EVENT)).statusCode()).isEqualTo(204);
        assertThat(listener.events).extracting(HeraldWebhookEvent::getId).containsExactly("evt_2", "evt_1");
        assertThat(listener.onlineOnly).extracting(HeraldWebhookEvent::getId).contains("evt_2").doesNotContain("evt_1");
    }

    @Test
    void anotherSecretIs401AndNoEvent() throws Exception {
        HttpResponse<String> r = post(EVENT, sign("not-the-secret", now(), EVENT));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("Herald-Signature");
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aChangedBodyIs401() throws Exception {
        String header = sign(SECRET, now(), EVENT);
        assertThat(post(EVENT.replace("42", "43"), header).statusCode()).isEqualTo(401);
        assertThat(post(EVENT + " ", header).statusCode()).isEqualTo(401);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void noSignatureIs401() throws Exception {
        assertThat(post(EVENT, null).statusCode()).isEqualTo(401);
        assertThat(post(EVENT, "t=" + now()).statusCode()).isEqualTo(401);
        assertThat(post(EVENT, "garbage").statusCode()).isEqualTo(401);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void anOldTimestampIs401EvenWhenTheHmacMatches() throws Exception {
        assertThat(post(EVENT, sign(SECRET, now() - 600, EVENT)).statusCode()).isEqualTo(401);
        assertThat(post(EVENT, sign(SECRET, now() + 600, EVENT)).statusCode()).isEqualTo(401);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void oneMatchingV1AmongSeveralIsEnough() throws Exception {
        long t = now();
        String good = sign(SECRET, t, EVENT);
        String rotated = "t=" + t + ",v1=" + hmac("old-secret", t, EVENT) + "," + good.substring(good.indexOf("v1="));
        assertThat(post(EVENT, rotated).statusCode()).isEqualTo(204);
    }

    @Test
    void aSignedBodyThatIsNotAnEventIs400() throws Exception {
        String notJson = "hello";
        assertThat(post(notJson, sign(SECRET, now(), notJson)).statusCode()).isEqualTo(400);
        String noType = "{\"id\":\"evt_3\",\"data\":{}}";
        assertThat(post(noType, sign(SECRET, now(), noType)).statusCode()).isEqualTo(400);
        assertThat(listener.events).isEmpty();
    }

    @Test
    void aListenerThatThrowsMakesTheEndpointAnswer5xxSoHeraldRetries() throws Exception {
        String failing = "{\"id\":\"evt_4\",\"type\":\"test.fail\",\"created_at\":\"2026-12-06T10:15:30Z\",\"data\":null}";
        HttpResponse<String> r = post(failing, sign(SECRET, now(), failing));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(listener.events).extracting(HeraldWebhookEvent::getId).containsExactly("evt_4");
    }

    @Test
    void otherPathsAndMethodsAreNotTheEndpoint() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/herald")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isIn(404, 405);
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/other"))
                        .header("Herald-Signature", sign(SECRET, now(), EVENT))
                        .POST(HttpRequest.BodyPublishers.ofString(EVENT)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(listener.events).isEmpty();
    }

    private HttpResponse<String> post(String body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/herald"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            b.header("Herald-Signature", signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static String sign(String secret, long t, String body) throws GeneralSecurityException {
        return "t=" + t + ",v1=" + hmac(secret, t, body);
    }

    static String hmac(String secret, long t, String body) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Listener listener() {
            return new Listener();
        }
    }

    static class Listener {
        final List<HeraldWebhookEvent> events = new CopyOnWriteArrayList<>();
        final List<HeraldWebhookEvent> onlineOnly = new CopyOnWriteArrayList<>();

        @EventListener
        void on(HeraldWebhookEvent event) {
            events.add(event);
            if (event.getType().equals("test.fail")) {
                throw new IllegalStateException("listener failed");
            }
        }

        @EventListener(condition = "#root.event.type == 'user.online'")
        void onOnline(HeraldWebhookEvent event) {
            onlineOnly.add(event);
        }
    }
}
