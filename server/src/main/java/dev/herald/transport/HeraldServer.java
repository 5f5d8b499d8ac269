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
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one listening port: HTTP API, pages and {@code /ws}. Runs on the I/O transport that
 * {@code server.transport} picks ({@link TransportChoice}): on Linux a native one, io_uring or epoll
 * (less memory and CPU per connection than NIO), else NIO. The I/O event loops are created
 * first, by {@link #loops(int, TransportChoice)}, because the gateway shards connections by loop.
 */
public final class HeraldServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);

    private final IoTransport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private Channel listener;

    private HeraldServer(IoTransport transport, EventLoopGroup boss, EventLoopGroup workers) {
        this.transport = transport;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * Creates the event loops on the chosen transport, and logs it (one INFO line); {@code threads} 0
     * means one per core.
     */
    public static HeraldServer loops(int threads, TransportChoice choice) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        IoTransport transport = choice.transport();
        var factory = transport.ioHandlerFactory();
        var server = new HeraldServer(transport, new MultiThreadIoEventLoopGroup(1, factory),
                new MultiThreadIoEventLoopGroup(n, factory));
        log.info("I/O {} io-threads={}", choice.describe(), n);
        return server;
    }

    /** The I/O transport the event loops and the port run on. */
    public IoTransport transport() {
        return transport;
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
        Class<? extends ServerChannel> channelType = transport.serverChannel();
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
