package dev.herald.broker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The single-node broker: publications go straight to this node's sink (its fan-out), channel history lives in
 * memory. Publications to one channel are appended and delivered under that channel's lock, so
 * subscribers see them in offset order. History ages on the {@code nanoTime} ticker it is given
 * ({@code System::nanoTime} unless a test moves one by hand).
 */
public final class LocalBroker implements Broker {
    private static final CompletionStage<Void> HEARD = CompletableFuture.completedStage(null);

    private final ConcurrentHashMap<String, ChannelLog> logs = new ConcurrentHashMap<>();
    private final int historySize;
    private final long historyTtlNanos;
    private final LongSupplier nanoTime;
    private volatile Sink sink;

    public LocalBroker(int historySize, Duration historyTtl) {
        this(historySize, historyTtl, System::nanoTime);
    }

    public LocalBroker(int historySize, Duration historyTtl, LongSupplier nanoTime) {
        this.historySize = historySize;
        this.historyTtlNanos = historyTtl.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime);
    }

    @Override
    public void start(Sink sink) {
        this.sink = Objects.requireNonNull(sink);
    }

    @Override
    public CompletionStage<Boolean> publish(Topic topic, Message message) {
        return CompletableFuture.completedFuture(sink.deliver(topic, message));
    }

    @Override
    public CompletionStage<Long> publishToChannel(String channel, String type, long excludeSocket,
                                                  ChannelFrameEncoder encoder) {
        ChannelLog log = logs.computeIfAbsent(channel, c -> new ChannelLog(historySize, historyTtlNanos));
        long offset;
        synchronized (log) {
            offset = log.append(encoder, nanoTime.getAsLong(), sink, channel, type, excludeSocket);
        }
        return CompletableFuture.completedFuture(offset);
    }

    @Override
    public CompletionStage<History> history(String channel, long since, String epoch) {
        ChannelLog log = logs.computeIfAbsent(channel, c -> new ChannelLog(historySize, historyTtlNanos));
        synchronized (log) {
            return CompletableFuture.completedFuture(log.since(since, epoch, nanoTime.getAsLong()));
        }
    }

    @Override
    public CompletionStage<History> position(String channel) {
        ChannelLog log = logs.computeIfAbsent(channel, c -> new ChannelLog(historySize, historyTtlNanos));
        synchronized (log) {
            return CompletableFuture.completedFuture(log.position());
        }
    }

    /**
     * Forgets channels whose history has fully expired and that nobody here subscribes to; their
     * next publication starts a new epoch. Called periodically.
     */
    public void sweep(Predicate<String> hasSubscribers) {
        long now = nanoTime.getAsLong();
        logs.forEach((channel, log) -> {
            synchronized (log) {
                if (log.expire(now) && !hasSubscribers.test(channel)) {
                    logs.remove(channel, log);
                }
            }
        });
    }

    @Override
    public CompletionStage<Void> activate(Topic topic) {
        return HEARD; // everything published here is already local
    }

    @Override
    public void deactivate(Topic topic) {
        // nothing to release
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        logs.clear();
    }
}
