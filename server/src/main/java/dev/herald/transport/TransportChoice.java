package dev.herald.transport;

import dev.herald.config.ConfigException;
import dev.herald.config.Settings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which {@link IoTransport} the port runs on, from {@code server.transport}: {@code auto} takes the
 * first of {@link #AUTO_ORDER} this machine can run; a named transport that it cannot run stops the
 * start (a configuration error naming Netty's reason), never a silent fall-back.
 *
 * @param transport the one chosen
 * @param setting   what {@code server.transport} said
 * @param skipped   under {@code auto}: the transports before it in {@link #AUTO_ORDER}, each with why it could not run
 */
public record TransportChoice(IoTransport transport, Settings.Transport setting, Map<IoTransport, Throwable> skipped) {
    /**
     * {@code auto}'s order of preference, best first; NIO, which runs everywhere, ends it. The one
     * place to change the default after measuring (BENCHMARKS.md).
     */
    public static final List<IoTransport> AUTO_ORDER = List.of(IoTransport.IO_URING, IoTransport.EPOLL, IoTransport.NIO);

    /** What the machine can run: empty when {@code transport} is available, else why not. Tests pass their own. */
    @FunctionalInterface
    public interface Probe {
        /** This machine, as Netty reports it. */
        Probe MACHINE = IoTransport::unavailability;

        Optional<Throwable> unavailability(IoTransport transport);
    }

    public TransportChoice {
        Objects.requireNonNull(transport);
        Objects.requireNonNull(setting);
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }

    /** The choice for {@code setting} on this machine. */
    public static TransportChoice of(Settings.Transport setting) {
        return of(setting, Probe.MACHINE);
    }

    /**
     * The choice for {@code setting} with {@code probe} saying what is available.
     *
     * @throws ConfigException when {@code setting} names a transport {@code probe} says is unavailable
     */
    public static TransportChoice of(Settings.Transport setting, Probe probe) {
        if (setting == Settings.Transport.AUTO) {
            Map<IoTransport, Throwable> skipped = new LinkedHashMap<>();
            for (IoTransport t : AUTO_ORDER) {
                Optional<Throwable> why = probe.unavailability(t);
                if (why.isEmpty()) {
                    return new TransportChoice(t, setting, skipped);
                }
                skipped.put(t, why.get());
            }
            throw new IllegalStateException("no transport of " + AUTO_ORDER + " is available: " + skipped);
        }
        IoTransport named = IoTransport.valueOf(setting.name());
        Optional<Throwable> why = probe.unavailability(named);
        if (why.isPresent()) {
            throw new ConfigException(List.of("server.transport: " + named + " is not available on this machine: "
                    + reason(why.get()) + " (" + needs(named) + "; server.transport=auto falls back to the next of "
                    + AUTO_ORDER + " that is)"));
        }
        return new TransportChoice(named, setting, Map.of());
    }

    /** One line for the log: the transport, the setting, and under {@code auto} why better ones were skipped. */
    public String describe() {
        StringBuilder out = new StringBuilder("transport=").append(transport)
                .append(" (server.transport=").append(setting.configName());
        skipped.forEach((t, why) -> out.append("; ").append(t).append(" unavailable: ").append(reason(why)));
        return out.append(')').toString();
    }

    /** A cause as one line: its class when it has no message, and the innermost cause's message. */
    static String reason(Throwable why) {
        Throwable root = why;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage();
        if (root != why && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += ": " + root.getMessage();
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    /** What a transport needs, for the error message. */
    private static String needs(IoTransport t) {
        return switch (t) {
            case IO_URING -> "io_uring needs Linux on x86-64, kernel 5.9 or newer, sysctl kernel.io_uring_disabled=0"
                    + " and no seccomp filter blocking io_uring_setup (container runtimes' default profiles may)";
            case EPOLL -> "epoll needs Linux on x86-64 or aarch64";
            case NIO -> "NIO runs everywhere";
        };
    }
}
