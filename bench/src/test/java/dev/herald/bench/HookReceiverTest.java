package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class HookReceiverTest {
    private static final byte[] KEY = "\"notification_id\"".getBytes(StandardCharsets.US_ASCII);

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<Void> post(HttpClient http, int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hook"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void answers204_handsEachBodyOver_refusesWhileStopped_andListensAgain() throws Exception {
        int port = freePort();
        List<Long> ids = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (HookReceiver r = new HookReceiver(port, body -> ids.add(FrameScan.longAfter(body, KEY)))) {
            r.start();
            assertThat(post(http, port, "{\"id\":\"evt_1\",\"data\":{\"notification_id\":41}}").statusCode()).isEqualTo(204);
            assertThat(post(http, port, "{\"data\":{\"user_id\":2,\"notification_id\":42}}").statusCode()).isEqualTo(204);
            assertThat(ids).containsExactly(41L, 42L);

            r.stop();
            assertThatThrownBy(() -> post(http, port, "{\"data\":{\"notification_id\":43}}"))
                    .isInstanceOf(java.io.IOException.class);

            r.start();
            assertThat(post(http, port, "{\"data\":{\"notification_id\":44}}").statusCode()).isEqualTo(204);
            assertThat(ids).containsExactly(41L, 42L, 44L);
        }
    }
}
