package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 keep-alive: pipelined requests are answered in the order they were sent (RFC 9112 §9.3.2). */
class HttpPipeliningTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.API_KEY + "\r\n\r\n";
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder_evenWhenTheFirstIsSlower() throws IOException {
        try (RawSocket s = RawSocket.open(server.port())) {
            for (int round = 0; round < 20; round++) {
                String burst = get("/admin/system/notifications?user_id=1") + get("/health")
                        + get("/admin/websocket/online-count") + get("/admin/system/notifications/unread-count?user_id=1");
                s.writeRaw(burst.getBytes(StandardCharsets.US_ASCII));
                RawSocket.HttpReply list = s.readResponse();
                RawSocket.HttpReply health = s.readResponse();
                RawSocket.HttpReply count = s.readResponse();
                RawSocket.HttpReply unread = s.readResponse();
                assertThat(list.json().at("/data").has("list")).as("1st answer is the list: " + list.body()).isTrue();
                assertThat(health.json().at("/data/status").asText()).as("2nd answer is /health: " + health.body()).isEqualTo("up");
                assertThat(count.json().at("/data").has("online_count")).as("3rd: " + count.body()).isTrue();
                assertThat(unread.json().at("/data").has("count")).as("4th: " + unread.body()).isTrue();
            }
        }
    }
}
