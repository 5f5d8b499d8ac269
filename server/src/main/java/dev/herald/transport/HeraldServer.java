package dev.herald.transport;

import dev.herald.pusher.PusherApps;
import dev.herald.api.Router;
import dev.herald.auth.TokenVerifier;
import dev.herald.config.Settings;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.UserRegistry;
import dev.herald.metrics.HeraldMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The one listening port: HTTP API, pages and {@code /ws}. Uses native epoll on Linux (less memory
 * and CPU per connection than NIO) and falls back to NIO elsewhere. The I/O event loops are created
 * first, by {@link #loops(int)}, because the gateway shards connections by loop.
 */
public final class HeraldServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private Channel listener;

    private HeraldServer(EventLoopGroup boss, EventLoopGroup workers) {
        this.boss = boss;
        this.workers = workers;
    }

    /** Creates the event loops; {@code threads} 0 means one per core. */
    public static HeraldServer loops(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        var factory = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new HeraldServer(new MultiThreadIoEventLoopGroup(1, factory), new MultiThreadIoEventLoopGroup(n, factory));
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /**
     * Binds the port and starts serving; returns the bound port (useful with port 0). Upgraded
     * {@code /ws} channels and {@code /sse} streams go to {@code gateway}, after a place under the per-user limit was kept in
     * {@code users}.
     */
    public int start(Settings settings, Gateway gateway, UserRegistry users, Router router, TokenVerifier tokens,
                     HeraldMetrics metrics) throws InterruptedException {
        Objects.requireNonNull(settings);
        var admission = new HttpAdmission(settings.http(), metrics, System::nanoTime);
        var connects = new ConnectAdmission(users, tokens, settings, admission, metrics);
        var upgrade = new WebSocketUpgrade(gateway, connects, settings);
        var events = new EventStreamEndpoint(gateway, connects, settings);
        var proxies = TrustedProxies.of(settings.server().trustedProxies());
        var pusher = new PusherUpgrade(gateway, new PusherApps(settings.pusher().apps()), settings, metrics);
        var handler = new HttpHandler(router, upgrade, events, pusher, settings.http().maxInFlight(), proxies, metrics);
        var limits = new ConnectionLimits(settings.server().maxConnections(), settings.server().maxConnectionsPerIp(), proxies, metrics);
        router.admission(admission);
        workers.next().scheduleAtFixedRate(() -> {
            admission.sweep();
            connects.sweep();
        }, 10, 10, TimeUnit.SECONDS);
        int outbound = settings.gateway().maxOutboundBytes();
        Class<? extends ServerChannel> channelType =
                Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(outbound / 2, outbound))
                .childHandler(new HttpInitializer(handler, limits, settings, metrics));
        listener = b.bind(new InetSocketAddress(settings.server().host(), settings.server().port())).sync().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting new connections; open ones stay until {@link #close()}. */
    public void stopAccepting() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        stopAccepting();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
