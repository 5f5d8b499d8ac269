package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.protocol.CloseCodes;
import dev.herald.testing.Await;
import dev.herald.testing.Concurrently;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.max-connections-per-user} holds exactly: for concurrent upgrades (on different
 * event loops) and for connections bound later through the bind flow, which count like the others.
 * A bind past the limit answers 429 and the connection it named is closed (1008 {@code too many
 * connections}).
 */
class ConnectionLimitTest {
    static final int MAX = 3;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("auth.allow-bind", "true", "gateway.max-connections-per-user", Integer.toString(MAX),
                "server.io-threads", "4"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestServer.Response bind(String clientId, long userId) {
        return server.api("POST", "/admin/websocket/bind", "{\"client_id\":\"" + clientId + "\",\"user_id\":" + userId + "}");
    }

    @Test
    void bindPastTheLimit_is429_andTheConnectionIsClosed() {
        long user = 1401;
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX - 1; i++) {
                open.add(server.connectQuiet(user));
            }
            WsClient first = WsClient.open("ws://127.0.0.1:" + server.port() + "/ws");
            open.add(first);
            String firstId = first.awaitType("init").at("/data/client_id").asText();
            assertThat(bind(firstId, user).status()).as("the last place").isEqualTo(200);
            first.awaitType("bind_success");

            WsClient second = WsClient.open("ws://127.0.0.1:" + server.port() + "/ws");
            open.add(second);
            String secondId = second.awaitType("init").at("/data/client_id").asText();
            TestServer.Response r = bind(secondId, user);
            assertThat(r.status()).as(r.body()).isEqualTo(429);
            WsClient.Close close = second.awaitClose();
            assertThat(close.code()).isEqualTo(CloseCodes.POLICY);
            assertThat(close.reason()).isEqualTo("too many connections");
            assertThat(server.herald().users().connectionsOf(user)).hasSize(MAX);
            // counted when the server sees the socket close, which can follow the client's close frame
            Await.until("the refused bind counted",
                    () -> server.metric("herald_disconnects_total{reason=\"too_many_connections\"}") == 1);

            // a token upgrade finds the limit taken by the bound connection too
            assertThat(WsClient.refusal(server.wsUrl(server.token(user)))).as("upgrade past the limit").isNotNull();
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void concurrentUpgradesOfOneUser_neverPassTheLimit() throws Exception {
        long user = 1402;
        int attempts = 24;
        String path = "/ws?token=" + server.token(user);
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < attempts; i++) {
                sockets.add(RawSocket.open(server.port()));
            }
            List<RawSocket> upgraded = Concurrently.call(attempts, i -> {
                RawSocket s = sockets.get(i);
                RawSocket.HttpReply r = s.upgrade(path, Map.of());
                if (r.status() == 101) {
                    return s;
                }
                assertThat(r.status()).isEqualTo(429);
                s.close();
                return null;
            }).stream().filter(Objects::nonNull).toList();
            assertThat(upgraded).hasSize(MAX);
            Await.until("the upgraded connections registered",
                    () -> server.herald().users().connectionsOf(user).length == MAX);
        } finally {
            sockets.forEach(RawSocket::close);
        }
    }
}
