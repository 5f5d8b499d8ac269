package dev.herald.transport;

import dev.herald.api.Reply;
import dev.herald.metrics.HeraldMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connections when they are accepted, in all ({@code server.max-connections}) and per client
 * address ({@code server.max-connections-per-ip}; see {@link ClientAddress}). A connection past
 * either cap gets a 429 in the JSON envelope and is closed before anything it sends is read; an
 * admitted one gives its place back when it closes, whether it stayed HTTP or became a WebSocket.
 * It sits right after the HTTP codec (so the 429 is encoded) and leaves the pipeline once it has
 * counted. The per-address table only holds addresses with open connections.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {
    static final String NAME = "connection-limits";

    private final int max;
    private final int maxPerAddress;
    private final TrustedProxies proxies;
    private final HeraldMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int max, int maxPerAddress, TrustedProxies proxies, HeraldMetrics metrics) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.proxies = proxies;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // a trusted reverse proxy carries many clients' connections: only the global cap holds it
        boolean counted = maxPerAddress > 0 && !fromTrustedProxy(ctx);
        String address = counted ? ClientAddress.key(ctx.channel().remoteAddress()) : null;
        if (max > 0 && open.incrementAndGet() > max) {
            open.decrementAndGet();
            refuse(ctx, "connections", "the server has the maximum of " + max + " connections; try again later");
            return;
        }
        if (counted && !takePlace(address)) {
            if (max > 0) {
                open.decrementAndGet();
            }
            refuse(ctx, "connections_per_ip", "this address has the maximum of " + maxPerAddress + " connections");
            return;
        }
        ctx.channel().closeFuture().addListener(f -> release(address));
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    private boolean fromTrustedProxy(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                && proxies.contains(inet.getAddress());
    }

    private boolean takePlace(String address) {
        boolean[] taken = new boolean[1];
        perAddress.compute(address, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    private void release(String address) {
        if (max > 0) {
            open.decrementAndGet();
        }
        if (address != null) {
            perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String message) {
        metrics.refused(reason);
        ctx.channel().config().setAutoRead(false);
        HttpResponses.write(ctx, Reply.envelope(429, message, null), false);
    }

    /** Open connections counted (0 when there is no global cap). */
    int open() {
        return open.get();
    }

    /** Client addresses with open connections (0 when there is no per-address cap). */
    int addresses() {
        return perAddress.size();
    }
}
