package dev.herald.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WebSocket side of the load generator inside one process: opens connections at a rate, keeps
 * them alive (answers pings), subscribes them to channels, and counts what they receive. With
 * {@code eventStream} the connections are {@code GET /sse} event streams instead (Herald's
 * fallback transport), read without an aggregator: each {@code data:} line is the frame a
 * WebSocket would get, counted the same way (no subscribe: a stream's channels are given at connect). Every
 * connection has a global index; its user id is {@code userBase + index / devicesPerUser}. With a
 * {@code path} of {@code /app/<key>} they speak the Pusher Channels protocol instead (Herald's
 * {@code --transport pusher}): no token, {@code pusher:connection_established} counts as init,
 * {@code pusher:subscribe} / {@code subscription_succeeded} as subscribe / ack, server
 * {@code pusher:ping}s are answered, and the marks are read from the escaped {@code data} string.
 */
public final class WsLoad implements AutoCloseable {
    /** Where and how to connect. */
    public record Config(String host, int port, String path, String secret, List<String> localAddresses,
                         int threads, int devicesPerUser, long userBase, String alg, String privateKey,
                         boolean eventStream) {
        /** HS256 tokens with {@code secret} (none when it is empty), over WebSocket. */
        public Config(String host, int port, String path, String secret, List<String> localAddresses,
                      int threads, int devicesPerUser, long userBase) {
            this(host, port, path, secret, localAddresses, threads, devicesPerUser, userBase, "HS256", "", false);
        }
    }

    private final Config config;
    /** The Pusher Channels protocol on {@code /app/<key>}. */
    private final boolean pusher;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Tokens tokens;
    private final List<Conn> conns = new ArrayList<>();
    /** Tokens by user, minted once (an RS256 signature costs the load generator about a millisecond). */
    private final Map<Long, String> minted = new ConcurrentHashMap<>();

    final LongAdder delivered = new LongAdder();
    final LongAdder warmupDelivered = new LongAdder();
    final LongAdder unmarked = new LongAdder();
    final LongAdder errorFrames = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder reordered = new LongAdder();
    final LongAdder closedAfterOpen = new LongAdder();
    final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
    volatile String errorSample;
    final Histogram latency = new Histogram();
    private volatile AtomicIntegerArray seqCount = new AtomicIntegerArray(0);
    private volatile AtomicLongArray seqMaxRecv = new AtomicLongArray(0);
    /** The reconnect storm's clients ({@code bench storm}), or null: they keep inbox ids and reconnect when dropped. */
    volatile StormClients storm;

    public WsLoad(Config config) {
        this.config = config;
        this.pusher = config.path().startsWith("/app/");
        this.group = NetIo.group(config.threads(), "ws-client");
        boolean hs256 = "HS256".equalsIgnoreCase(config.alg());
        this.tokens = hs256 && (config.secret() == null || config.secret().isEmpty()) ? null
                : Tokens.of(config.alg(), config.secret(), config.privateKey(), 24 * 3600);
        this.bootstrap = new Bootstrap().group(group).channel(NetIo.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000);
        if (!config.localAddresses().isEmpty() && io.netty.channel.epoll.Epoll.isAvailable()) {
            // bind(addr, 0) alone makes the kernel search for a free port at bind time, which gets
            // slow (milliseconds) with thousands of ports in use; defer the choice to connect()
            bootstrap.option(io.netty.channel.epoll.EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
    }

    long userOf(int index) {
        return config.userBase() + index / Math.max(1, config.devicesPerUser());
    }

    /** Result of opening a batch of connections. */
    public record ConnectReport(int attempted, int ok, int failed, Map<String, Long> failures,
                                long firstStartNanos, long lastDoneNanos, long[] connectLatency) {}

    /**
     * Opens connections {@code from .. from+count-1}, starting them at {@code rate} per second
     * (0 = as fast as {@code maxInFlight} allows), each counted done when its {@code init} frame
     * arrives. Returns after all are done or {@code timeoutMs}.
     */
    public ConnectReport connect(int from, int count, double rate, int maxInFlight, long timeoutMs)
            throws InterruptedException {
        URI[] uris = new URI[count];
        for (int i = 0; i < count; i++) {
            uris[i] = uriFor(from + i, config.port());
        }
        Semaphore inFlight = new Semaphore(Math.max(1, maxInFlight));
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger ok = new AtomicInteger();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        Histogram connectLatency = new Histogram();
        long[] lastDone = {0};
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long start = System.nanoTime();
        RateSchedule.Sink open = (k, intended) -> {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    failures.computeIfAbsent("not started (timeout)", x -> new LongAdder()).increment();
                    done.countDown();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int index = from + (int) k;
            long began = System.nanoTime();
            dial(index, config.port(), uris[(int) k], (success, reason) -> {
                long now = System.nanoTime();
                if (success) {
                    ok.incrementAndGet();
                    connectLatency.record(now - began);
                } else {
                    failures.computeIfAbsent(reason, x -> new LongAdder()).increment();
                }
                synchronized (lastDone) {
                    lastDone[0] = Math.max(lastDone[0], now);
                }
                inFlight.release();
                done.countDown();
            });
        };
        if (rate > 0) {
            new RateSchedule(start, rate, count).run(open);
        } else {
            for (int k = 0; k < count; k++) {
                open.fire(k, System.nanoTime());
            }
        }
        long left = deadline - System.nanoTime();
        if (!done.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            failures.computeIfAbsent("no init before timeout", x -> new LongAdder()).add(done.getCount());
        }
        Map<String, Long> f = new LinkedHashMap<>();
        failures.forEach((k, v) -> f.put(k, v.sum()));
        int failed = (int) f.values().stream().mapToLong(Long::longValue).sum();
        synchronized (lastDone) {
            return new ConnectReport(count, ok.get(), failed, f, start, lastDone[0], connectLatency.toArray());
        }
    }

    /** Where connection {@code index} connects on {@code port}: its path, with its user's token. */
    URI uriFor(int index, int port) {
        long user = userOf(index);
        String q = tokens == null ? "user_id=" + user
                : "token=" + minted.computeIfAbsent(user, tokens::mint) + "&user_id=" + user;
        return URI.create(pusher ? "ws://" + config.host() + ":" + port + config.path() + "?protocol=7&client=bench"
                : (config.eventStream() ? "http://" : "ws://") + config.host() + ":" + port + config.path() + "?" + q);
    }

    /**
     * Starts connection {@code index} to {@code port} at {@code uri}; {@code done} hears once whether
     * its {@code init} came. Returns the connection (its channel is set when the TCP connect succeeds).
     */
    Conn dial(int index, int port, URI uri, Done done) {
        Conn conn = new Conn(this, index, uri, done);
        synchronized (conns) {
            conns.add(conn);
        }
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (config.eventStream()) {
                    ch.pipeline().addLast(new HttpClientCodec(), conn);
                } else {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536), conn);
                }
            }
        });
        List<String> locals = config.localAddresses();
        InetSocketAddress remote = new InetSocketAddress(config.host(), port);
        ChannelFuture f = locals.isEmpty() ? b.connect(remote)
                : b.connect(remote, new InetSocketAddress(locals.get(index % locals.size()), 0));
        f.addListener(r -> {
            if (!r.isSuccess()) {
                conn.finish(false, "connect: " + r.cause().getClass().getSimpleName() + " " + r.cause().getMessage());
            }
        });
        return conn;
    }

    EventLoopGroup group() {
        return group;
    }

    List<Conn> connections() {
        return snapshot();
    }

    /** Subscribes every open connection with index i to {@code prefix + (i % channels)}; waits for the acks. */
    public long subscribe(String prefix, int channels, long timeoutMs) throws InterruptedException {
        if (config.eventStream()) {
            throw new IllegalStateException("event streams join channels at connect (channels=), not with subscribe frames");
        }
        long before = acks.sum();
        int sent = 0;
        for (Conn c : snapshot()) {
            if (c.open()) {
                String frame = pusher
                        ? "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + prefix + (c.index % channels) + "\"}}"
                        : "{\"type\":\"subscribe\",\"data\":{\"channel\":\"" + prefix + (c.index % channels)
                        + "\"},\"id\":\"s" + c.index + "\"}";
                c.channel.writeAndFlush(new TextWebSocketFrame(frame));
                sent++;
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (acks.sum() - before < sent && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return acks.sum() - before;
    }

    /** Prepares per-sequence tracking for sequences 1..maxSeq and zeroes every counter. */
    public void reset(int maxSeq) {
        seqCount = new AtomicIntegerArray(maxSeq + 1);
        seqMaxRecv = new AtomicLongArray(maxSeq + 1);
        delivered.reset();
        warmupDelivered.reset();
        unmarked.reset();
        errorFrames.reset();
        reordered.reset();
        latency.reset();
        for (Conn c : snapshot()) {
            c.received = 0;
            c.lastSeq = 0;
        }
    }

    void onPush(Conn c, long seq, long sentNanos, long nowNanos) {
        if (seq == 0) {
            warmupDelivered.increment();
            return;
        }
        delivered.increment();
        c.received++;
        if (seq < c.lastSeq) {
            reordered.increment(); // informational: only meaningful when one publisher sends in sequence
        }
        c.lastSeq = seq;
        if (sentNanos != FrameScan.ABSENT) {
            latency.record(nowNanos - sentNanos);
        }
        AtomicIntegerArray counts = seqCount;
        if (seq > 0 && seq < counts.length()) {
            counts.incrementAndGet((int) seq);
            AtomicLongArray maxes = seqMaxRecv;
            if (nowNanos > maxes.get((int) seq)) {
                maxes.accumulateAndGet((int) seq, nowNanos, Math::max);
            }
        }
    }

    void onClose(String reason) {
        closeReasons.computeIfAbsent(reason, x -> new LongAdder()).increment();
    }

    private List<Conn> snapshot() {
        synchronized (conns) {
            return new ArrayList<>(conns);
        }
    }

    /** Everything a coordinator needs, as plain values. {@code expectedPerConn} < 0: don't check. */
    public Map<String, Object> stats(long expectedPerConn) {
        Map<String, Object> m = new LinkedHashMap<>();
        int open = 0;
        long minRecv = Long.MAX_VALUE;
        long maxRecv = 0;
        long off = 0;
        for (Conn c : snapshot()) {
            if (c.open()) {
                open++;
                minRecv = Math.min(minRecv, c.received);
                maxRecv = Math.max(maxRecv, c.received);
                if (expectedPerConn >= 0 && c.received != expectedPerConn) {
                    off++;
                }
            }
        }
        m.put("open", open);
        m.put("delivered", delivered.sum());
        m.put("warmup_delivered", warmupDelivered.sum());
        m.put("unmarked", unmarked.sum());
        m.put("reordered", reordered.sum());
        m.put("error_frames", errorFrames.sum());
        m.put("error_sample", errorSample);
        m.put("closed_after_open", closedAfterOpen.sum());
        Map<String, Long> reasons = new LinkedHashMap<>();
        closeReasons.forEach((k, v) -> reasons.put(k, v.sum()));
        m.put("close_reasons", reasons);
        m.put("per_conn_min", open == 0 ? 0 : minRecv);
        m.put("per_conn_max", maxRecv);
        m.put("per_conn_off", off);
        m.put("latency", latency.toArray());
        AtomicIntegerArray counts = seqCount;
        AtomicLongArray maxes = seqMaxRecv;
        int[] sc = new int[counts.length()];
        long[] sm = new long[maxes.length()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = counts.get(i);
            sm[i] = maxes.get(i);
        }
        m.put("seq_count", sc);
        m.put("seq_max_recv", sm);
        return m;
    }

    /** Closes every connection (TCP close, no close frame) and the event loops. */
    public void closeAll() {
        StormClients s = storm;
        if (s != null) {
            s.stop(); // closed on purpose: no reconnecting
        }
        for (Conn c : snapshot()) {
            if (c.channel != null) {
                c.channel.close();
            }
        }
        synchronized (conns) {
            conns.clear();
        }
    }

    @Override
    public void close() {
        closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Called once per connection attempt. */
    interface Done {
        void done(boolean success, String reason);
    }

    private static final byte[] DATA = "data: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** One client connection: handshake (or the stream's GET), then counting. */
    static final class Conn extends SimpleChannelInboundHandler<Object> {
        final WsLoad load;
        final int index;
        private final URI uri;
        private WebSocketClientHandshaker handshaker;
        /** An event stream's line being read (bytes since the last LF); null on a WebSocket. */
        private ByteBuf line;
        private Done done;
        volatile Channel channel;
        volatile boolean initSeen;
        volatile boolean closed;
        /** The code of the close frame the server sent, or 0. */
        volatile int closeCode;
        /** Inbox notification ids this connection received (storm clients only; written on its event loop). */
        volatile java.util.Set<Long> notificationIds;
        long received;
        long lastSeq;

        Conn(WsLoad load, int index, URI uri, Done done) {
            this.load = load;
            this.index = index;
            this.done = done;
            this.uri = uri;
            if (!load.config.eventStream()) {
                this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                        uri, WebSocketVersion.V13, null, false, EmptyHttpHeaders.INSTANCE, 1 << 20);
            }
        }

        boolean open() {
            return initSeen && !closed;
        }

        void finish(boolean success, String reason) {
            Done d = done;
            if (d != null) {
                done = null;
                d.done(success, reason);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (handshaker != null) {
                handshaker.handshake(ctx.channel());
                return;
            }
            var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri.getRawPath() + "?" + uri.getRawQuery());
            req.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort())
                    .set(HttpHeaderNames.ACCEPT, "text/event-stream");
            line = ctx.alloc().heapBuffer(1024);
            ctx.writeAndFlush(req);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            if (line != null) {
                line.release();
                line = null;
            }
            if (initSeen) {
                load.closedAfterOpen.increment();
            }
            finish(false, "closed before init");
            StormClients s = load.storm;
            if (initSeen && s != null) {
                s.dropped(this);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (load.config.eventStream()) {
                onStream(ctx, msg);
                return;
            }
            if (handshaker != null && !handshaker.isHandshakeComplete()) {
                FullHttpResponse res = (FullHttpResponse) msg;
                try {
                    handshaker.finishHandshake(ctx.channel(), res);
                } catch (WebSocketHandshakeException e) {
                    finish(false, "handshake: HTTP " + res.status().code());
                    ctx.close();
                }
                return;
            }
            if (!(msg instanceof WebSocketFrame)) {
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                onFrame(text.content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                closeCode = close.statusCode();
                load.onClose(close.statusCode() + " " + close.reasonText());
                ctx.close();
            }
        }

        /** One frame's JSON, from a text frame or an event's {@code data:} line. */
        private void onFrame(ByteBuf buf) {
            if (load.pusher) {
                onPusher(buf);
                return;
            }
            if (!initSeen) {
                if (FrameScan.hasType(buf, "init")) {
                    initSeen = true;
                    handshaker = null;
                    finish(true, null);
                }
                return;
            }
            StormClients s = load.storm;
            if (s != null && s.onInbox(this, buf)) {
                return;
            }
            long seq = FrameScan.longAfter(buf, FrameScan.SEQ_KEY);
            if (seq != FrameScan.ABSENT) {
                long now = System.nanoTime();
                load.onPush(this, seq, FrameScan.longAfter(buf, FrameScan.TIME_KEY), now);
            } else if (FrameScan.hasType(buf, "ack")) {
                load.acks.increment();
            } else if (FrameScan.hasType(buf, "error")) {
                load.errorFrames.increment();
                load.errorSample = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
            } else if (FrameScan.hasType(buf, "close")) {
                load.onClose("close event " + buf.toString(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                load.unmarked.increment();
            }
        }

        /** One Pusher message: the same counting as {@link #onFrame}, in the Pusher protocol's names. */
        private void onPusher(ByteBuf buf) {
            if (!initSeen) {
                if (FrameScan.hasEvent(buf, "pusher:connection_established")) {
                    initSeen = true;
                    handshaker = null;
                    finish(true, null);
                }
                return;
            }
            long seq = FrameScan.longAfter(buf, FrameScan.SEQ_KEY_ESCAPED);
            if (seq != FrameScan.ABSENT) {
                long now = System.nanoTime();
                load.onPush(this, seq, FrameScan.longAfter(buf, FrameScan.TIME_KEY_ESCAPED), now);
            } else if (FrameScan.hasEvent(buf, "pusher:ping")) {
                channel.writeAndFlush(new TextWebSocketFrame("{\"event\":\"pusher:pong\",\"data\":{}}"));
            } else if (FrameScan.hasEvent(buf, "pusher_internal:subscription_succeeded")) {
                load.acks.increment();
            } else if (FrameScan.hasEvent(buf, "pusher:error")) {
                load.errorFrames.increment();
                load.errorSample = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
            } else {
                load.unmarked.increment();
            }
        }

        /** The event stream: the response head, then its bytes line by line; {@code data:} lines are frames. */
        private void onStream(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse res && res.status().code() != 200) {
                finish(false, "stream: HTTP " + res.status().code());
                ctx.close();
                return;
            }
            if (!(msg instanceof HttpContent content) || line == null) {
                return;
            }
            ByteBuf in = content.content();
            while (in.isReadable()) {
                int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    line.writeBytes(in);
                    return;
                }
                line.writeBytes(in, lf - in.readerIndex());
                in.skipBytes(1);
                if (line.readableBytes() > DATA.length && ByteBufUtil.equals(line, line.readerIndex(),
                        Unpooled.wrappedBuffer(DATA), 0, DATA.length)) {
                    onFrame(line.slice(line.readerIndex() + DATA.length, line.readableBytes() - DATA.length));
                }
                line.clear();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            load.onClose("exception: " + cause.getClass().getSimpleName());
            finish(false, "exception: " + cause.getClass().getSimpleName() + " " + cause.getMessage());
            ctx.close();
        }
    }
}
