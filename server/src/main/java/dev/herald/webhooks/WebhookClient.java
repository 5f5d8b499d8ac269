package dev.herald.webhooks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The webhooks' HTTP/1.1 client: POSTs a body and answers the status code, on one Netty event loop
 * of its own (never the server's), over keep-alive connections pooled per origin. Lean on purpose:
 * no thread hand-off, no redirects followed (a 3xx is not a 2xx), the response body read and
 * dropped as it arrives (whatever its size, so the connection can be used again). {@code https}
 * checks the receiver's certificate against the JVM's trusted roots and its host name, as a browser
 * does.
 *
 * <p>A request that fails on a pooled connection before any byte of an answer came back (the
 * receiver closed the idle connection just as it was taken: servers do after a few seconds) is sent
 * once more on a new connection. Each request has {@code timeout} from its start to the end of the
 * answer, the connection attempt included; a request that runs out closes its connection. Idle
 * connections are dropped after {@link #IDLE_MS}. Thread-safe.
 */
final class WebhookClient implements AutoCloseable {
    /** Idle pooled connections older than this are closed rather than used (receivers close theirs too). */
    static final long IDLE_MS = 30_000;

    private final EventLoopGroup group;
    private final SslContext tls;
    private final Duration timeout;
    /** Idle connections per origin ("http://host:port"); touched on the event loop only. */
    private final Map<String, ArrayDeque<Idle>> idle = new HashMap<>();
    private volatile boolean closed;
    private long connections;

    private record Idle(Channel channel, long since) {}

    WebhookClient(Duration timeout) {
        this(timeout, defaultTls());
    }

    /**
     * {@code tls}: the context {@code https} receivers are checked with (tests trust their own
     * certificate); it must check host names (Netty's client contexts do unless told otherwise).
     */
    WebhookClient(Duration timeout, SslContext tls) {
        this.timeout = timeout;
        this.tls = tls;
        this.group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "herald-webhooks-http");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
    }

    private static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS for webhooks: " + e.getMessage(), e);
        }
    }

    /**
     * POSTs {@code body} to {@code url} with {@code headers} (Content-Type, signatures, …; Host,
     * Content-Length and Connection are set here); completes with the status code, or with the
     * failure (connection refused, TLS, timeout, connection closed before the answer).
     */
    CompletableFuture<Integer> post(URI url, Map<String, String> headers, byte[] body) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IOException("webhook client closed"));
            return result;
        }
        Target target;
        try {
            target = Target.of(url);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        group.next().execute(() -> attempt(target, headers, body, deadline, result, true));
        return result;
    }

    /** Connections opened since the start. */
    synchronized long connectionsOpened() {
        return connections;
    }

    private synchronized void countConnection() {
        connections++;
    }

    private void attempt(Target target, Map<String, String> headers, byte[] body, long deadline,
                         CompletableFuture<Integer> result, boolean mayRetry) {
        Channel pooled = pooled(target.origin());
        if (pooled != null) {
            send(pooled, target, headers, body, deadline, result, mayRetry);
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            result.completeExceptionally(new TimeoutException("webhook request timed out"));
            return;
        }
        countConnection();
        ChannelFuture connecting = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (target.https()) {
                            // the host name goes in SNI and is checked against the certificate
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), target.host(), target.port()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new Answer());
                    }
                })
                .connect(target.host(), target.port());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            send(connecting.channel(), target, headers, body, deadline, result, false);
        });
    }

    /** A live idle connection to {@code origin}, or null; drops the ones that died or idled too long. */
    private Channel pooled(String origin) {
        ArrayDeque<Idle> q = idle.get(origin);
        long now = System.nanoTime();
        for (Idle i; q != null && (i = q.pollLast()) != null; ) {
            if (i.channel().isActive() && now - i.since() < TimeUnit.MILLISECONDS.toNanos(IDLE_MS)) {
                return i.channel();
            }
            i.channel().close();
        }
        return null;
    }

    private void release(String origin, Channel ch) {
        if (closed || !ch.isActive()) {
            ch.close();
            return;
        }
        idle.computeIfAbsent(origin, o -> new ArrayDeque<>()).addLast(new Idle(ch, System.nanoTime()));
    }

    private void send(Channel ch, Target target, Map<String, String> headers, byte[] body, long deadline,
                      CompletableFuture<Integer> result, boolean reused) {
        long left = deadline - System.nanoTime();
        Answer answer = ch.pipeline().get(Answer.class);
        if (left <= 0 || answer == null) {
            ch.close();
            result.completeExceptionally(new TimeoutException("webhook request timed out"));
            return;
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.path(),
                Unpooled.wrappedBuffer(body));
        headers.forEach((k, v) -> req.headers().set(k, v));
        req.headers().set(HttpHeaderNames.HOST, target.hostHeader());
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        Pending p = new Pending(target, headers, body, deadline, result, reused);
        answer.expect(p, ch.eventLoop().schedule(() -> answer.timedOut(ch, p), left, TimeUnit.NANOSECONDS));
        ch.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess()) {
                answer.fail(ch, f.cause());
            }
        });
    }

    private record Pending(Target target, Map<String, String> headers, byte[] body, long deadline,
                           CompletableFuture<Integer> result, boolean reused) {}

    /** Reads one answer at a time on its connection: the status, the body dropped, then the connection back to the pool. */
    private final class Answer extends ChannelInboundHandlerAdapter {
        private Pending pending;
        private ScheduledFuture<?> timer;
        private int status;
        private boolean keepAlive;
        private boolean started;

        void expect(Pending p, ScheduledFuture<?> timer) {
            pending = p;
            this.timer = timer;
            status = 0;
            started = false;
        }

        void timedOut(Channel ch, Pending p) {
            if (pending == p) {
                fail(ch, new TimeoutException("webhook request timed out after " + timeout.toMillis() + " ms"));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (pending == null) {
                    ctx.close(); // an answer nobody asked for: the connection is out of step
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    started = true;
                    status = r.status().code();
                    keepAlive = HttpUtil.isKeepAlive(r);
                }
                if (msg instanceof HttpContent && msg instanceof LastHttpContent && started) {
                    Pending p = pending;
                    pending = null;
                    timer.cancel(false);
                    if (keepAlive) {
                        release(p.target().origin(), ctx.channel());
                    } else {
                        ctx.close();
                    }
                    p.result().complete(status);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx.channel(), new IOException("the receiver closed the connection before answering"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx.channel(), cause);
        }

        /** Ends the request under way (if any) with {@code cause} and closes the connection; a reused one is tried again once. */
        void fail(Channel ch, Throwable cause) {
            Pending p = pending;
            pending = null;
            ch.close();
            if (p == null) {
                return;
            }
            timer.cancel(false);
            boolean stale = p.reused() && !started && !(cause instanceof TimeoutException);
            if (stale && !closed) {
                attempt(p.target(), p.headers(), p.body(), p.deadline(), p.result(), false);
            } else {
                p.result().completeExceptionally(cause);
            }
        }
    }

    /** Where a request goes: its origin (pool key), host, port, path and query, and whether TLS. */
    private record Target(String origin, String host, int port, String path, String hostHeader, boolean https) {
        static Target of(URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("not an http(s) URL: " + url);
            }
            String host = url.getHost();
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("no host in " + url);
            }
            boolean https = scheme.equals("https");
            int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            if (url.getRawQuery() != null) {
                path += "?" + url.getRawQuery();
            }
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            String hostHeader = url.getPort() > 0 ? host + ":" + port : host;
            return new Target(scheme + "://" + host + ":" + port, bare, port, path, hostHeader, https);
        }
    }

    @Override
    public void close() {
        closed = true;
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
