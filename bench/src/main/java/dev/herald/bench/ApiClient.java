package dev.herald.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small keep-alive HTTP/1.1 client for the server API: a fixed pool of connections, one request
 * in flight on each, and a queue for requests that find every connection busy (so an open-loop
 * sender never blocks; the queueing time is part of the measured latency).
 */
public final class ApiClient implements AutoCloseable {
    /** Status and body of one reply. */
    public record Response(int status, String body) {}

    private record Pending(String path, byte[] body, CompletableFuture<Response> future) {}

    private final String host;
    private final int port;
    private final String apiKey;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ArrayDeque<Slot> idle = new ArrayDeque<>();
    private final int size;
    private int maxQueued;

    public ApiClient(String host, int port, String apiKey, int connections, int threads) {
        this.host = host;
        this.port = port;
        this.apiKey = apiKey;
        this.size = connections;
        this.group = NetIo.group(threads, "api-client");
        this.bootstrap = new Bootstrap().group(group).channel(NetIo.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true);
        for (int i = 0; i < connections; i++) {
            Slot s = new Slot();
            s.connect();
            synchronized (this) {
                idle.push(s);
            }
        }
    }

    /** Sends {@code POST path} with a JSON body; the future completes with the reply or fails. */
    public CompletableFuture<Response> post(String path, byte[] body) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        Pending p = new Pending(path, body, f);
        Slot s;
        synchronized (this) {
            s = idle.poll();
            if (s == null) {
                queue.add(p);
                maxQueued = Math.max(maxQueued, queue.size());
                return f;
            }
        }
        s.send(p);
        return f;
    }

    public CompletableFuture<Response> post(String path, String json) {
        return post(path, json.getBytes(StandardCharsets.UTF_8));
    }

    /** A blocking GET, for setup and checks. */
    public Response get(String path) throws Exception {
        CompletableFuture<Response> f = new CompletableFuture<>();
        Slot s;
        synchronized (this) {
            s = idle.poll();
        }
        if (s == null) {
            throw new IllegalStateException("no idle API connection for a GET");
        }
        s.send(new Pending(path, null, f));
        return f.get(10, TimeUnit.SECONDS);
    }

    public synchronized int maxQueued() {
        return maxQueued;
    }

    public synchronized void resetMaxQueued() {
        maxQueued = 0;
    }

    private void release(Slot s) {
        Pending next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                idle.push(s);
                return;
            }
        }
        s.send(next);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One pooled connection (re-added to a new channel's pipeline when it reconnects). */
    @io.netty.channel.ChannelHandler.Sharable
    private final class Slot extends SimpleChannelInboundHandler<FullHttpResponse> {
        private Channel channel;
        private Pending current;

        void connect() {
            channel = newChannel().syncUninterruptibly().channel();
        }

        private io.netty.channel.ChannelFuture newChannel() {
            return bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), Slot.this);
                }
            }).connect(host, port);
        }

        void send(Pending p) {
            current = p;
            if (channel == null || !channel.isActive()) {
                // reconnect without blocking: this may run on an event loop
                newChannel().addListener((io.netty.channel.ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        channel = f.channel();
                        write(p);
                    } else {
                        fail(f.cause());
                    }
                });
                return;
            }
            write(p);
        }

        private void write(Pending p) {
            FullHttpRequest req;
            if (p.body() == null) {
                req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, p.path());
            } else {
                req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, p.path(),
                        Unpooled.wrappedBuffer(p.body()));
                req.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            }
            req.headers().set(HttpHeaderNames.HOST, host + ":" + port);
            req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, p.body() == null ? 0 : p.body().length);
            req.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
            channel.writeAndFlush(req).addListener(w -> {
                if (!w.isSuccess()) {
                    fail(w.cause());
                }
            });
        }

        private void fail(Throwable cause) {
            Pending p = current;
            current = null;
            if (p != null) {
                p.future().completeExceptionally(cause);
                release(this);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            Pending p = current;
            current = null;
            if (p != null) {
                p.future().complete(new Response(res.status().code(), res.content().toString(StandardCharsets.UTF_8)));
                release(this);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() != channel) {
                return;
            }
            fail(new IllegalStateException("API connection closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }
    }
}
