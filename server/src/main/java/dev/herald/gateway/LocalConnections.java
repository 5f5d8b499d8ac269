package dev.herald.gateway;

import dev.herald.auth.Principal;
import dev.herald.config.Settings;
import dev.herald.limits.TokenBucket;
import dev.herald.metrics.HeraldMetrics;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Every connection of this node, in one {@link LoopShard} per event loop: creates a
 * {@link Connection} for an upgraded channel in its loop's shard, removes it when it closes, counts
 * them, and runs each shard's sweep once a second on its loop. The shards are what fan-out writes
 * through ({@link #shards}). {@link #open} and {@link #remove} run on the connection's loop;
 * {@link #count} and {@link #closeAll} on any thread.
 */
public final class LocalConnections {
    private final Settings.Gateway limits;
    private final LongSupplier ticker;
    private final TokenBucket.Rate frameRate;
    /** A Pusher connection's frames: the gateway's rate plus its client events ({@code pusher.client-events-per-second}). */
    private final TokenBucket.Rate pusherFrameRate;
    private final Map<EventLoop, LoopShard> byLoop = new IdentityHashMap<>();
    private final List<LoopShard> shards = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    /** Open connections per {@link Framing} (by ordinal). */
    private final AtomicInteger[] byFraming = new AtomicInteger[Framing.values().length];

    /** {@code ticker}: the time of the shards and their connections, in nanoseconds ({@code System::nanoTime}). */
    public LocalConnections(EventLoopGroup loops, Settings settings, HeraldMetrics metrics, LongSupplier ticker) {
        this.limits = settings.gateway();
        this.ticker = Objects.requireNonNull(ticker);
        this.frameRate = RateLimiter.perMinute(limits.rateLimitPerMinute());
        this.pusherFrameRate = RateLimiter.perMinute(limits.rateLimitPerMinute() + 60 * settings.pusher().clientEventsPerSecond());
        for (EventExecutor e : loops) {
            EventLoop loop = (EventLoop) e;
            LoopShard shard = new LoopShard(loop, settings.gateway(), settings.auth(), ticker);
            byLoop.put(loop, shard);
            shards.add(shard);
            loop.scheduleAtFixedRate(() -> shard.sweep(Instant.now()), 1, 1, TimeUnit.SECONDS);
        }
        metrics.gauge("herald_connections", "Open client connections on this node (WebSocket and event stream)", count::get);
        for (int i = 0; i < byFraming.length; i++) {
            byFraming[i] = new AtomicInteger();
        }
        AtomicInteger streams = byFraming[Framing.EVENT_STREAM.ordinal()];
        AtomicInteger pusher = byFraming[Framing.PUSHER.ordinal()];
        metrics.gauge("herald_sse_connections", "Open event-stream (/sse) connections on this node, of herald_connections",
                streams::get);
        metrics.gauge("herald_pusher_connections",
                "Open Pusher-protocol (/app/{key}) connections on this node, of herald_connections", pusher::get);
    }

    /** Creates and registers a connection in its loop's shard; on {@code channel}'s event loop. */
    Connection open(Channel channel, Principal principal, Framing framing) {
        LoopShard shard = byLoop.get(channel.eventLoop());
        long now = ticker.getAsLong();
        var limiter = new RateLimiter(framing == Framing.PUSHER ? pusherFrameRate : frameRate, limits.rateLimitGrace(), now);
        Connection c = new Connection(channel, framing, ClientIds.next(), principal, shard, limiter, now,
                limits.maxOutboundBytes());
        shard.add(c);
        count.incrementAndGet();
        byFraming[framing.ordinal()].incrementAndGet();
        return c;
    }

    /** Unregisters a closed connection; false when it was not registered (closed already). On its loop. */
    boolean remove(Connection c) {
        if (!c.shard().remove(c)) {
            return false;
        }
        count.decrementAndGet();
        byFraming[c.framing().ordinal()].decrementAndGet();
        return true;
    }

    /** Open connections on this node. */
    public int count() {
        return count.get();
    }

    /** Open connections of one framing on this node. */
    public int count(Framing framing) {
        return byFraming[framing.ordinal()].get();
    }

    /** The shards, one per event loop; fan-out runs one task on each. */
    List<LoopShard> shards() {
        return shards;
    }

    /** Closes every connection on this node (graceful shutdown). */
    public void closeAll(int code, String reason) {
        for (LoopShard s : shards) {
            s.loop().execute(() -> s.closeAll(code, reason));
        }
    }
}
