package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.config.ConfigException;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real node on each transport ({@code server.transport}): one this machine can run serves a
 * WebSocket connect and a push, and says which transport it is on; one it cannot run stops the start.
 */
class TransportServerTest {
    @ParameterizedTest
    @EnumSource(IoTransport.class)
    void aNamedTransport_servesAConnectAndAPush_orStopsTheStartWhenUnavailable(IoTransport transport) {
        Optional<Throwable> unavailable = TransportChoice.Probe.MACHINE.unavailability(transport);
        if (unavailable.isPresent()) {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> TestServer.start(Map.of("server.transport", transport.configName())).close());
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("server.transport: " + transport.configName() + " is not available on this machine: ");
            return;
        }
        try (TestServer server = TestServer.start(Map.of("server.transport", transport.configName()))) {
            assertThat(server.herald().transport()).isEqualTo(transport);
            connectAndPush(server);
            assertThat(server.metric("herald_transport{transport=\"" + transport.configName() + "\"}")).isEqualTo(1);
            assertThat(server.metricsText()).containsOnlyOnce("herald_transport{");
        }
    }

    @Test
    void auto_runsOnTheFirstTransportOfTheOrderThisMachineCanRun() {
        IoTransport expected = TransportChoice.AUTO_ORDER.stream()
                .filter(t -> TransportChoice.Probe.MACHINE.unavailability(t).isEmpty()).findFirst().orElseThrow();
        try (TestServer server = TestServer.start(Map.of("server.transport", "auto"))) {
            assertThat(server.herald().transport()).isEqualTo(expected);
            connectAndPush(server);
            assertThat(server.metric("herald_transport{transport=\"" + expected.configName() + "\"}")).isEqualTo(1);
        }
    }

    private static void connectAndPush(TestServer server) {
        try (WsClient ws = server.connect(7)) {
            var r = server.api("POST", "/admin/websocket/send-to-user",
                    "{\"user_id\":7,\"type\":\"notification\",\"data\":{\"title\":\"over " + server.herald().transport() + "\"}}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.data().get("is_online").asBoolean()).isTrue();
            assertThat(ws.awaitType("notification").at("/data/title").asText()).isEqualTo("over " + server.herald().transport());
            assertThat(ws.request("ping", Map.of()).get("type").asText()).isEqualTo("pong");
        }
    }
}
