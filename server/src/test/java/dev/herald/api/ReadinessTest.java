package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.store.DatabaseConfig;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.Await;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TcpForwarder;
import dev.herald.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /health/live} and {@code GET /health/ready}, the Kubernetes probes, on real nodes:
 * ready follows the database and shutdown, live only says the process serves HTTP.
 */
class ReadinessTest {

    @Test
    void aRunningNode_isLiveAndReady_withoutACredential() {
        try (TestServer server = TestServer.start(Map.of())) {
            TestServer.Response live = server.call("GET", "/health/live", null, null);
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.contentType()).startsWith("application/json");
            assertThat(live.data().get("status").asText()).isEqualTo("live");
            TestServer.Response ready = server.call("GET", "/health/ready", "garbage", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("message").asText()).isEqualTo("ready");
            assertThat(ready.data().get("status").asText()).isEqualTo("ready");
            assertThat(server.call("POST", "/health/ready", null, "{}").status()).isEqualTo(405);
        }
    }

    @Test
    void databaseUnreachable_notReadyNamingTheDatabase_butStillLive() {
        try (TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL)) {
            TcpForwarder proxy = new TcpForwarder(db.serverPort());
            DatabaseConfig c = db.configVia(proxy.port());
            TestServer server = TestServer.start(Map.of("db.url", c.url(), "db.user", c.user(),
                    "db.password", c.password()));
            try {
                assertThat(server.call("GET", "/health/ready", null, null).status()).isEqualTo(200);
                proxy.cut();
                Await.until("ready turns 503", () -> server.call("GET", "/health/ready", null, null).status() == 503,
                        Duration.ofSeconds(30));
                TestServer.Response ready = server.call("GET", "/health/ready", null, null);
                JsonNode env = ready.json();
                assertThat(env.get("code").asInt()).isEqualTo(503);
                assertThat(env.get("message").asText()).isEqualTo("not ready: database");
                assertThat(env.at("/data/status").asText()).isEqualTo("not_ready");
                assertThat(env.at("/data/not_ready/0").asText()).isEqualTo("database");
                assertThat(server.call("GET", "/health/live", null, null).status()).isEqualTo(200);
                assertThat(server.call("GET", "/health", null, null).data().get("status").asText()).isEqualTo("degraded");
            } finally {
                server.close();
                proxy.close();
            }
        }
    }

    @Test
    void shuttingDown_notReady_onAConnectionTheBalancerAlreadyHolds() throws Exception {
        TestServer server = TestServer.start(Map.of());
        // a client that never answers the close holds the drain open for a moment
        RawSocket silent = RawSocket.connectWs(server.port(), "/ws?token=" + server.token(1701));
        silent.awaitType("init", Duration.ofSeconds(10)); // counted by the node, so the drain waits for it
        RawSocket balancer = RawSocket.open(server.port());
        try {
            assertThat(balancer.request("GET", "/health/ready", Map.of(), null).status()).isEqualTo(200);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            RawSocket.HttpReply reply = balancer.request("GET", "/health/ready", Map.of(), null);
            while (reply.status() == 200 && !closing.isDone()) {
                Thread.sleep(10);
                reply = balancer.request("GET", "/health/ready", Map.of(), null);
            }
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.json().get("message").asText()).isEqualTo("not ready: stopping");
            closing.join();
        } finally {
            balancer.close();
            silent.close();
        }
    }
}
