package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients that behave like {@code /herald.js} (docs/client.md), for fault runs: each keeps one
 * WebSocket to one of the cluster's nodes open; when it drops, it waits {@code d × (1 − jitter × r)}
 * with {@code d = min(max, base × 2ⁿ)} and dials the next node (a round-robin load balancer); it
 * sends a JSON {@code ping} every heartbeat interval and drops a link that stays silent past the
 * timeout; it acknowledges inbox notifications in batches (one {@code ack} per 50 ms or 100 ids;
 * a refused ack is not retried, as herald.js); it resumes its channel with {@code since} and
 * {@code epoch} after a reconnect, and also, unlike herald.js, when it sees a gap in the offsets.
 *
 * <p>What each client saw is kept for the run's checks: every connection (open and close times),
 * each notification id and the sequence mark {@code data._s} the run put in it, with the time it
 * first arrived, and repeats by kind; per channel the publications' marks and each
 * {@code recovered: false}.
 */
final class ChaosClients implements AutoCloseable {
    /** Reconnect, heartbeat and ack policy; the defaults are herald.js's. */
    static final class Policy {
        long baseMs = 1000;
        long maxMs = 30_000;
        double jitter = 0.5;
        long heartbeatMs = 25_000;
        long heartbeatTimeoutMs = 10_000;
        long ackDelayMs = 50;
        int ackBatch = 100;
    }

    private final List<String> nodes;
    private final Policy policy;
    private final Tokens tokens;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    final List<Client> clients = new ArrayList<>();
    final Map<String, LongAdder> closeCodes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    final LongAdder connectFailures = new LongAdder();
    /** Replies to requests sent with {@link Client#request}, by id prefix: round trip times. */
    volatile Histogram requestLatency = new Histogram();
    volatile boolean stopping;

    /** {@code nodes}: "host:port" of each node, in load balancer order. */
    ChaosClients(List<String> nodes, String secret, Policy policy, int threads) {
        this.nodes = nodes;
        this.policy = policy;
        this.tokens = new Tokens(secret, 24 * 3600);
        this.group = NetIo.group(threads, "chaos-client");
        this.bootstrap = new Bootstrap().group(group).channel(NetIo.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    Client add(long user, int node, String channel) {
        Client c = new Client(user, node, channel);
        clients.add(c);
        return c;
    }

    /** Opens every client's first connection, at most {@code maxInFlight} handshakes at once; returns how many opened. */
    int connectAll(int maxInFlight, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int started = 0;
        for (Client c : clients) {
            while (started - openCount() >= maxInFlight && System.currentTimeMillis() < deadline) {
                Thread.sleep(2);
            }
            c.dial();
            started++;
        }
        while (openCount() < clients.size() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return openCount();
    }

    int openCount() {
        int n = 0;
        for (Client c : clients) {
            if (c.isOpen()) {
                n++;
            }
        }
        return n;
    }

    /** Users with a connection open now. */
    Set<Long> openUsers() {
        Set<Long> s = new HashSet<>();
        for (Client c : clients) {
            if (c.isOpen()) {
                s.add(c.user);
            }
        }
        return s;
    }

    private static void count(Map<String, LongAdder> m, String key) {
        m.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One notification id as one client saw it. */
    static final class Seen {
        final long seq;
        final long firstNanos;
        final int generation;
        boolean ackConfirmed;
        int times = 1;

        Seen(long seq, long firstNanos, int generation) {
            this.seq = seq;
            this.firstNanos = firstNanos;
            this.generation = generation;
        }
    }

    /** One user's client. Its state is guarded by itself (connections come and go on several loops). */
    final class Client {
        final long user;
        final String channel;
        volatile int node;
        volatile Channel ch;
        volatile boolean open;
        volatile boolean stayAway;
        int generation;
        int attempt;
        /** [open, close] nanos of each connection; close 0 while open. */
        final List<long[]> connections = new ArrayList<>();
        final List<Integer> connectionNodes = new ArrayList<>();
        // inbox
        final Map<Long, Seen> byId = new HashMap<>();
        final Map<Long, Long> seqFirstNanos = new HashMap<>();
        long dupSameConnection;
        /** For repeats on one connection: ms from the connection's open to the first copy, and to the repeat. */
        final List<long[]> dupSameConnectionTimes = new ArrayList<>();
        long dupAfterReconnectUnacked;
        long dupAfterAckConfirmed;
        long ackRefused;
        long ackFrames;
        private List<Long> ackBatch = new ArrayList<>();
        private ScheduledFuture<?> ackTimer;
        private final Map<String, List<Long>> ackInFlight = new HashMap<>();
        private long requestCounter;
        private final Map<String, Long> requests = new HashMap<>();
        // channel
        long lastOffset;
        String epoch;
        boolean resuming;
        long subscribedNanos;
        final Set<Long> channelSeqs = new HashSet<>();
        final List<Long> recoveredFalseNanos = new ArrayList<>();
        long resumes;
        long resumesRecovered;
        long channelDupSeq;
        long channelDroppedOld;
        long channelGaps;
        long subscribeErrors;

        Client(long user, int node, String channel) {
            this.user = user;
            this.node = node;
            this.channel = channel;
        }

        boolean isOpen() {
            return open;
        }

        /** Opens a connection to the current node. */
        void dial() {
            String target = nodes.get(node);
            URI uri = URI.create("ws://" + target + "/ws?token=" + tokens.mint(user));
            Handler h = new Handler(this, uri);
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel sc) {
                    sc.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16), h);
                }
            });
            int i = target.lastIndexOf(':');
            b.connect(target.substring(0, i), Integer.parseInt(target.substring(i + 1))).addListener(f -> {
                if (!f.isSuccess()) {
                    connectFailures.increment();
                    dropped(null, "connect failed");
                }
            });
        }

        /** The connection went away (or never came): reconnect with backoff to the next node. */
        void dropped(Handler h, String why) {
            synchronized (this) {
                if (h != null && h.opened) {
                    long[] last = connections.get(connections.size() - 1);
                    last[1] = System.nanoTime();
                }
                open = false;
                ch = null;
                if (ackTimer != null) {
                    ackTimer.cancel(false);
                    ackTimer = null;
                }
                ackBatch = new ArrayList<>(); // unacked ones come again on the next open
                ackInFlight.clear();
                requests.clear();
                resuming = false;
            }
            if (stopping || stayAway) {
                return;
            }
            long delay = new Backoff(policy.baseMs, policy.maxMs, policy.jitter)
                    .delayMs(attempt, ThreadLocalRandom.current().nextDouble());
            attempt++;
            node = (node + 1) % nodes.size();
            group.next().schedule(this::dial, delay, TimeUnit.MILLISECONDS);
        }

        void opened(Handler h, Channel c) {
            synchronized (this) {
                generation++;
                connections.add(new long[] {System.nanoTime(), 0});
                connectionNodes.add(node);
                attempt = 0;
                ch = c;
                open = true;
                if (channel != null) {
                    sendSubscribe(c);
                }
            }
            if (policy.heartbeatMs > 0) {
                h.heartbeat = c.eventLoop().scheduleAtFixedRate(() -> h.beat(c), policy.heartbeatMs,
                        policy.heartbeatMs, TimeUnit.MILLISECONDS);
            }
        }

        private void sendSubscribe(Channel c) {
            String since = lastOffset > 0 || epoch != null
                    ? ",\"since\":" + lastOffset + (epoch == null ? "" : ",\"epoch\":\"" + epoch + "\"") : "";
            resuming = !since.isEmpty();
            if (resuming) {
                resumes++;
            }
            c.writeAndFlush(new TextWebSocketFrame("{\"type\":\"subscribe\",\"id\":\"s" + (++requestCounter)
                    + "\",\"data\":{\"channel\":\"" + channel + "\"" + since + "}}"));
        }

        /** Leaves and rejoins the channel with {@code since}: a resume without a reconnect. */
        void resume() {
            synchronized (this) {
                Channel c = ch;
                if (c == null || channel == null || resuming) {
                    return;
                }
                c.write(new TextWebSocketFrame("{\"type\":\"unsubscribe\",\"data\":{\"channel\":\"" + channel + "\"}}"));
                sendSubscribe(c);
            }
        }

        /** Sends a frame with a fresh id and times its reply into {@link #requestLatency}. */
        boolean request(String type, String data) {
            synchronized (this) {
                Channel c = ch;
                if (c == null || !open) {
                    return false;
                }
                String id = "r" + (++requestCounter);
                requests.put(id, System.nanoTime());
                c.writeAndFlush(new TextWebSocketFrame("{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"data\":" + data + "}"));
                return true;
            }
        }

        int pendingRequests() {
            synchronized (this) {
                return requests.size();
            }
        }

        void onFrame(Handler h, Channel c, String text) {
            JsonNode f;
            try {
                f = Worker.JSON.readTree(text);
            } catch (Exception e) {
                count(errorCodes, "client could not parse a frame");
                return;
            }
            String type = f.path("type").asText();
            long now = System.nanoTime();
            String id = f.path("id").asText(null);
            synchronized (this) {
                if (id != null && id.startsWith("r")) {
                    Long sent = requests.remove(id);
                    if (sent != null) {
                        requestLatency.record(now - sent);
                    }
                    return;
                }
                if (f.has("channel") && f.has("offset") && !"ack".equals(type)) {
                    publication(f, now);
                    return;
                }
                switch (type) {
                    case "notification" -> notification(c, f.path("data"), now);
                    case "ack" -> ackReply(id, f.path("data"), now);
                    case "error" -> {
                        count(errorCodes, f.path("data").path("code").asText("?"));
                        if (id != null && ackInFlight.containsKey(id)) {
                            ackRefused += ackInFlight.remove(id).size();
                        } else if (id != null && id.startsWith("s")) {
                            subscribeErrors++;
                            resuming = false;
                        }
                    }
                    default -> { }
                }
            }
        }

        private void notification(Channel c, JsonNode rec, long now) {
            long nid = rec.path("id").asLong(0);
            if (nid == 0) {
                return; // a live push without an inbox id
            }
            JsonNode data = rec.path("data");
            if (data.isTextual()) {
                try {
                    data = Worker.JSON.readTree(data.asText());
                } catch (Exception e) {
                    data = Worker.JSON.createObjectNode();
                }
            }
            long seq = data.path("_s").asLong(0);
            Seen s = byId.get(nid);
            if (s == null) {
                byId.put(nid, new Seen(seq, now, generation));
                seqFirstNanos.putIfAbsent(seq, now);
            } else {
                s.times++;
                if (s.generation == generation) {
                    dupSameConnection++;
                    long opened = connections.get(connections.size() - 1)[0];
                    if (dupSameConnectionTimes.size() < 5) {
                        dupSameConnectionTimes.add(new long[] {nid, (s.firstNanos - opened) / 1_000_000, (now - opened) / 1_000_000});
                    }
                } else if (s.ackConfirmed) {
                    dupAfterAckConfirmed++;
                } else {
                    dupAfterReconnectUnacked++;
                }
            }
            ackBatch.add(nid);
            if (ackBatch.size() >= policy.ackBatch) {
                flushAcks(c);
            } else if (ackTimer == null) {
                ackTimer = c.eventLoop().schedule(() -> {
                    synchronized (this) {
                        ackTimer = null;
                        if (ch == c) {
                            flushAcks(c);
                        }
                    }
                }, policy.ackDelayMs, TimeUnit.MILLISECONDS);
            }
        }

        private void flushAcks(Channel c) {
            if (ackBatch.isEmpty()) {
                return;
            }
            List<Long> ids = ackBatch;
            ackBatch = new ArrayList<>();
            String id = "a" + (++requestCounter);
            ackInFlight.put(id, ids);
            StringBuilder sb = new StringBuilder("{\"type\":\"ack\",\"id\":\"").append(id).append("\",\"data\":{\"notification_ids\":[");
            for (int i = 0; i < ids.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(ids.get(i));
            }
            ackFrames++;
            c.writeAndFlush(new TextWebSocketFrame(sb.append("]}}").toString()));
        }

        private void ackReply(String id, JsonNode d, long now) {
            String kind = d.path("type").asText();
            if ("ack".equals(kind) && id != null) {
                List<Long> ids = ackInFlight.remove(id);
                if (ids != null) {
                    for (Long n : ids) {
                        Seen s = byId.get(n);
                        if (s != null) {
                            s.ackConfirmed = true;
                        }
                    }
                }
            } else if ("subscribe".equals(kind)) {
                String newEpoch = d.path("epoch").asText(null);
                long offset = d.path("offset").asLong();
                if (resuming) {
                    if (d.path("recovered").asBoolean(false)) {
                        resumesRecovered++;
                    } else {
                        recoveredFalseNanos.add(now);
                        lastOffset = offset;
                    }
                } else {
                    lastOffset = offset;
                    if (subscribedNanos == 0) {
                        subscribedNanos = now;
                    }
                }
                epoch = newEpoch;
                resuming = false;
            }
        }

        private void publication(JsonNode f, long now) {
            long offset = f.path("offset").asLong();
            if (offset <= lastOffset) {
                channelDroppedOld++;
                return;
            }
            if (resuming && subscribedNanos > 0 && offset != lastOffset + 1) {
                return; // in flight before the unsubscribe; the replay brings it
            }
            if (!resuming && lastOffset > 0 && offset > lastOffset + 1) {
                channelGaps++;
                Channel c = ch;
                if (c != null) {
                    c.write(new TextWebSocketFrame("{\"type\":\"unsubscribe\",\"data\":{\"channel\":\"" + channel + "\"}}"));
                    sendSubscribe(c);
                }
                return;
            }
            lastOffset = offset;
            long seq = f.path("data").path("_s").asLong(0);
            if (seq > 0 && !channelSeqs.add(seq)) {
                channelDupSeq++;
            }
        }
    }

    /** The pipeline end of one connection attempt. */
    final class Handler extends SimpleChannelInboundHandler<Object> {
        final Client client;
        private WebSocketClientHandshaker handshaker;
        boolean opened;
        volatile long lastFrameNanos = System.nanoTime();
        ScheduledFuture<?> heartbeat;
        private boolean reported;

        Handler(Client client, URI uri) {
            this.client = client;
            this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
                    EmptyHttpHeaders.INSTANCE, 1 << 22);
        }

        void beat(Channel c) {
            if (System.nanoTime() - lastFrameNanos > TimeUnit.MILLISECONDS.toNanos(policy.heartbeatMs + policy.heartbeatTimeoutMs)) {
                count(closeCodes, "client: heartbeat timeout");
                c.close();
                return;
            }
            c.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ping\"}"));
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            handshaker.handshake(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            if (!reported) {
                reported = true;
                if (opened) {
                    count(closeCodes, "connection ended");
                }
                client.dropped(this, "inactive");
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            lastFrameNanos = System.nanoTime();
            if (handshaker != null && !handshaker.isHandshakeComplete()) {
                FullHttpResponse res = (FullHttpResponse) msg;
                try {
                    handshaker.finishHandshake(ctx.channel(), res);
                } catch (Exception e) {
                    count(closeCodes, "upgrade refused: HTTP " + res.status().code());
                    ctx.close();
                }
                return;
            }
            if (!(msg instanceof WebSocketFrame)) {
                return;
            }
            if (msg instanceof TextWebSocketFrame t) {
                String text = t.text();
                if (!opened) {
                    if (text.contains("\"type\":\"init\"")) {
                        opened = true;
                        handshaker = null;
                        client.opened(this, ctx.channel());
                    }
                    return;
                }
                client.onFrame(this, ctx.channel(), text);
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                count(closeCodes, close.statusCode() + " " + close.reasonText());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Stops reconnecting and closes every connection. */
    @Override
    public void close() {
        stopping = true;
        for (Client c : clients) {
            Channel ch = c.ch;
            if (ch != null) {
                ch.close();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
