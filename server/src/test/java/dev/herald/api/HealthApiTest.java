package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /health} (public, JSON) and {@code GET /metrics} (Prometheus text, with the API key by default). */
class HealthApiTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void health_isUpWithCountsAndChecks() {
        try (WsClient a = server.connectQuiet(1301); WsClient b = server.connectQuiet(1301); WsClient c = server.connectQuiet(1302)) {
            TestServer.Response r = server.call("GET", "/health", null, null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("application/json");
            JsonNode env = r.json();
            assertThat(env.get("code").asInt()).isEqualTo(200);
            assertThat(env.get("message").asText()).isEqualTo("up");
            JsonNode d = env.get("data");
            assertThat(d.get("status").asText()).isEqualTo("up");
            assertThat(d.get("node_id").asText()).isEqualTo(server.herald().settings().nodeId());
            assertThat(d.get("uptime_seconds").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(d.get("connections").asInt()).isEqualTo(3);
            assertThat(d.get("users").asInt()).isEqualTo(2);
            assertThat(d.at("/checks/broker").asText()).isEqualTo("up");
        }
        Await.until("connections gone", () -> server.call("GET", "/health", null, null).data().get("connections").asInt() == 0);
    }

    @Test
    void health_needsNoCredentialButIgnoresABadOne() {
        assertThat(server.call("GET", "/health", "garbage", null).status()).isEqualTo(200);
        assertThat(server.call("POST", "/health", null, "{}").status()).isEqualTo(405);
    }

    @Test
    void metrics_exposeTheDocumentedSeriesInPrometheusText() throws InterruptedException {
        try (WsClient a = server.connectQuiet(1303); WsClient b = server.connectQuiet(1304)) {
            a.request("ping", Map.of());
            a.request("teleport", Map.of());
            a.request("subscribe", Map.of("channel", "m"));
            server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":1304,\"type\":\"custom_thing\",\"data\":{}}");
            b.awaitType("custom_thing");
            server.api("POST", "/admin/websocket/broadcast", "{\"type\":\"notification\",\"data\":{}}");
            a.awaitType("notification");
            b.awaitType("notification");
            server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"m\",\"data\":{}}");
            a.awaitType("message");
            server.api("POST", "/admin/websocket/disconnect-user", "{\"user_id\":1304}");
            b.awaitClose();
            // the server counts the disconnect when the socket is gone, a moment after the client saw the close
            long deadline = System.nanoTime() + 5_000_000_000L;
            TestServer.Response r = server.api("GET", "/metrics", null);
            while (!r.body().contains("reason=\"disconnected_by_server\"") && System.nanoTime() < deadline) {
                Thread.sleep(20);
                r = server.api("GET", "/metrics", null);
            }
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/plain");
            String text = r.body();
            assertThat(text).contains("# TYPE herald_connections gauge", "# TYPE herald_users gauge",
                    "herald_frames_in_total{type=\"ping\"}", "herald_frames_in_total{type=\"unknown\"}",
                    "herald_frames_out_total{type=\"custom\"}", "herald_frames_out_total{type=\"notification\"}",
                    "herald_pushes_total{kind=\"user\"}", "herald_pushes_total{kind=\"broadcast\"}",
                    "herald_pushes_total{kind=\"channel\"}", "herald_errors_total{code=\"unknown_type\"}",
                    "herald_disconnects_total{reason=\"disconnected_by_server\"}",
                    "herald_publish_to_write_seconds_bucket", "herald_publish_to_write_seconds_count",
                    "herald_broker_up 1.0", "jvm_memory_used_bytes");
            assertThat(text).doesNotContain("custom_thing");
            assertThat(server.metric("herald_publish_to_write_seconds_count")).isGreaterThanOrEqualTo(3);
            assertThat(text).contains("herald_sql_wait_seconds_bucket", "herald_sql_run_seconds_bucket");
            assertThat(server.metric("herald_sql_run_seconds_count")).as("the connect's backlog query, at least")
                    .isGreaterThanOrEqualTo(1);
            assertThat(server.metric("herald_sql_wait_seconds_count")).isGreaterThanOrEqualTo(1);
            Await.until("gauge follows connections", () -> server.metric("herald_connections") == 1);
        }
    }

    @Test
    void metrics_countFramesPerType() {
        double before = server.metric("herald_frames_in_total{type=\"heartbeat\"}");
        try (WsClient a = server.connectQuiet(1305)) {
            for (int i = 0; i < 5; i++) {
                a.request("heartbeat", Map.of());
            }
        }
        assertThat(server.metric("herald_frames_in_total{type=\"heartbeat\"}")).isEqualTo(before + 5);
    }
}
