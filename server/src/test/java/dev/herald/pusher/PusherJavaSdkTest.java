package dev.herald.pusher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pusher.rest.Pusher;
import com.pusher.rest.data.Event;
import com.pusher.rest.data.Result;
import dev.herald.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pusher's Java server SDK (com.pusher:pusher-http-java 1.3.3) against a real node: its signing, its replies. */
class PusherJavaSdkTest {
    static final String KEY = "java-key";
    static final String SECRET = "java-secret-0123456789";
    static TestServer server;
    static Pusher sdk;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("pusher.apps", "3:" + KEY + ":" + SECRET));
        sdk = new Pusher("3", KEY, SECRET);
        sdk.setHost("127.0.0.1:" + server.port());
        sdk.setEncrypted(false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void triggersBatchesAndChannelInfo_throughTheJavaSdk() {
        try (PusherClient c = PusherClient.connect(server, KEY)) {
            c.subscribe("java-orders", null, null);
            Result one = sdk.trigger("java-orders", "shipped", Map.of("id", 1));
            assertThat(one.getStatus()).as(one.getMessage()).isEqualTo(Result.Status.SUCCESS);
            assertThat(PusherClient.parse(c.await("shipped").path("data").asText()).path("id").asInt()).isEqualTo(1);

            Result excluded = sdk.trigger("java-orders", "shipped", Map.of("id", 2), c.socketId);
            assertThat(excluded.getStatus()).isEqualTo(Result.Status.SUCCESS);
            Result batch = sdk.trigger(List.of(new Event("java-orders", "batched", Map.of("id", 3))));
            assertThat(batch.getStatus()).as(batch.getMessage()).isEqualTo(Result.Status.SUCCESS);
            JsonNode next = c.await("batched");
            assertThat(PusherClient.parse(next.path("data").asText()).path("id").asInt()).as("id 2 skipped this socket").isEqualTo(3);

            Result info = sdk.get("/channels/java-orders", Map.of("info", "subscription_count"));
            assertThat(info.getHttpStatus()).as(info.getMessage()).isEqualTo(200);
            assertThat(info.getMessage()).isEqualTo("{\"occupied\":true,\"subscription_count\":1}");

            Pusher wrong = new Pusher("3", KEY, "not-the-secret-at-all");
            wrong.setHost("127.0.0.1:" + server.port());
            wrong.setEncrypted(false);
            Result refused = wrong.trigger("java-orders", "x", Map.of());
            assertThat(refused.getHttpStatus()).isEqualTo(401);
            Result big = sdk.trigger("java-orders", "big", "x".repeat(11 * 1024));
            assertThat(big.getHttpStatus()).isEqualTo(413);
        }
    }
}
