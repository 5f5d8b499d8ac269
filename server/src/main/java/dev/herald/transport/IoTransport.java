package dev.herald.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Objects;
import java.util.Optional;

/**
 * A Netty I/O transport the port's event loops can run on ({@code server.transport}). The native
 * ones ship in the jar: io_uring for x86-64 Linux, epoll for x86-64 and aarch64 Linux; NIO runs
 * everywhere.
 */
public enum IoTransport {
    /** Linux io_uring (kernel 5.9 or newer, and io_uring not disabled by sysctl or a seccomp filter). */
    IO_URING("io_uring"),
    /** Linux epoll. */
    EPOLL("epoll"),
    /** Java NIO: any operating system. */
    NIO("nio");

    private final String configName;

    IoTransport(String configName) {
        this.configName = configName;
    }

    /** The name as {@code server.transport} writes it, the log line and {@code herald_transport} show it. */
    public String configName() {
        return configName;
    }

    /** Empty when this machine can run it, else why not (Netty's {@code unavailabilityCause()}). */
    Optional<Throwable> unavailability() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable() ? Optional.empty()
                    : Optional.of(Objects.requireNonNullElseGet(IoUring.unavailabilityCause(),
                            () -> new UnsupportedOperationException("io_uring is not available")));
            case EPOLL -> Epoll.isAvailable() ? Optional.empty()
                    : Optional.of(Objects.requireNonNullElseGet(Epoll.unavailabilityCause(),
                            () -> new UnsupportedOperationException("epoll is not available")));
            case NIO -> Optional.empty();
        };
    }

    /** The event loops' I/O handlers (only call this for an available transport). */
    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** The listening channel's class, of the same transport as {@link #ioHandlerFactory()}. */
    Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    @Override
    public String toString() {
        return configName;
    }
}
