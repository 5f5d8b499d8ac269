package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.config.ConfigException;
import dev.herald.config.Settings;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code server.transport}'s choice, with the machine's availability injected (no test here depends on this machine). */
class TransportChoiceTest {
    private static final IOException URING_OFF = new IOException("failed to create io_uring ring fd: Operation not permitted");
    private static final UnsatisfiedLinkError NO_EPOLL = new UnsatisfiedLinkError("could not load libnetty_transport_native_epoll");

    /** A machine that can run every transport except {@code missing}. */
    private static TransportChoice.Probe without(Map<IoTransport, Throwable> missing) {
        return t -> Optional.ofNullable(missing.get(t));
    }

    @Test
    void autoOrder_isEveryTransportOnce_endingWithNio() {
        assertThat(TransportChoice.AUTO_ORDER).containsExactlyInAnyOrder(IoTransport.values()).doesNotHaveDuplicates();
        assertThat(TransportChoice.AUTO_ORDER).last().isEqualTo(IoTransport.NIO);
        assertThat(TransportChoice.AUTO_ORDER).containsExactly(IoTransport.IO_URING, IoTransport.EPOLL, IoTransport.NIO);
    }

    @Test
    void auto_takesTheFirstOfTheOrder_whenAllAreAvailable() {
        TransportChoice c = TransportChoice.of(Settings.Transport.AUTO, without(Map.of()));
        assertThat(c.transport()).isEqualTo(TransportChoice.AUTO_ORDER.get(0));
        assertThat(c.skipped()).isEmpty();
        assertThat(c.describe()).isEqualTo("transport=io_uring (server.transport=auto)");
    }

    @Test
    void auto_fallsBackToEpoll_whenIoUringIsUnavailable_andSaysWhy() {
        TransportChoice c = TransportChoice.of(Settings.Transport.AUTO, without(Map.of(IoTransport.IO_URING, URING_OFF)));
        assertThat(c.transport()).isEqualTo(IoTransport.EPOLL);
        assertThat(c.skipped()).containsOnlyKeys(IoTransport.IO_URING);
        assertThat(c.describe()).isEqualTo("transport=epoll (server.transport=auto;"
                + " io_uring unavailable: failed to create io_uring ring fd: Operation not permitted)");
    }

    @Test
    void auto_fallsBackToNio_whenNeitherNativeTransportIsAvailable() {
        TransportChoice c = TransportChoice.of(Settings.Transport.AUTO,
                without(Map.of(IoTransport.IO_URING, URING_OFF, IoTransport.EPOLL, NO_EPOLL)));
        assertThat(c.transport()).isEqualTo(IoTransport.NIO);
        assertThat(c.skipped().keySet()).containsExactly(IoTransport.IO_URING, IoTransport.EPOLL);
        assertThat(c.describe()).contains("transport=nio", "io_uring unavailable", "epoll unavailable: could not load");
    }

    @Test
    void aNamedTransport_isUsed_evenWhenABetterOneIsAvailable() {
        for (IoTransport t : IoTransport.values()) {
            TransportChoice c = TransportChoice.of(Settings.Transport.valueOf(t.name()), without(Map.of()));
            assertThat(c.transport()).isEqualTo(t);
            assertThat(c.describe()).isEqualTo("transport=" + t.configName() + " (server.transport=" + t.configName() + ")");
        }
    }

    @Test
    void aNamedTransportThatIsUnavailable_stopsTheStart_namingNettysReason_neverFallsBack() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> TransportChoice.of(Settings.Transport.IO_URING,
                without(Map.of(IoTransport.IO_URING, URING_OFF))));
        assertThat(e.problems()).singleElement().asString()
                .startsWith("server.transport: io_uring is not available on this machine:"
                        + " failed to create io_uring ring fd: Operation not permitted (")
                .contains("kernel.io_uring_disabled", "server.transport=auto");

        ConfigException epoll = catchThrowableOfType(ConfigException.class, () -> TransportChoice.of(Settings.Transport.EPOLL,
                without(Map.of(IoTransport.EPOLL, NO_EPOLL))));
        assertThat(epoll.problems()).singleElement().asString()
                .startsWith("server.transport: epoll is not available on this machine: could not load libnetty_transport_native_epoll");
    }

    @Test
    void theReason_includesTheInnermostCause() {
        var wrapped = new IllegalStateException("failed to load the required native library",
                new UnsatisfiedLinkError("no netty_transport_native_io_uring42_aarch_64 in java.library.path"));
        assertThat(TransportChoice.reason(wrapped)).isEqualTo(
                "failed to load the required native library: no netty_transport_native_io_uring42_aarch_64 in java.library.path");
        assertThat(TransportChoice.reason(new UnsupportedOperationException())).isEqualTo("UnsupportedOperationException");
    }

    @Test
    void everySettingButAuto_namesATransport() {
        assertThat(Arrays.stream(Settings.Transport.values()).filter(s -> s != Settings.Transport.AUTO).map(Settings.Transport::configName))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(IoTransport.values()).map(IoTransport::configName).toList());
        assertThat(Set.of(IoTransport.values())).allSatisfy(t -> assertThat(t.toString()).isEqualTo(t.configName()));
    }
}
