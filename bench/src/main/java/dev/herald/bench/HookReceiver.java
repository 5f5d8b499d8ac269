package dev.herald.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.function.Consumer;

/**
 * The webhooks scenario's receiver: a small Netty HTTP/1.1 server on loopback that hands each
 * request's body to a callback and answers {@code 204} on the same keep-alive connection. Cheap per
 * request (no thread hand-off, no JSON tree) so that, on a machine shared with the node under test,
 * the receiver takes as little of the CPU as a real one on another machine would. {@link #stop}
 * closes the listening socket and every open connection: new connections are refused until
 * {@link #start} listens on the same port again.
 */
final class HookReceiver implements AutoCloseable {
    private final int port;
    private final Consumer<ByteBuf> onBody;
    private final EventLoopGroup group = NetIo.group(1, "hook-receiver");
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel listening;

    /** {@code onBody} runs on the receiver's event loop with the request body (valid during the call only). */
    HookReceiver(int port, Consumer<ByteBuf> onBody) {
        this.port = port;
        this.onBody = onBody;
    }

    synchronized void start() throws InterruptedException {
        listening = new ServerBootstrap().group(group).channel(NetIo.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        open.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        onBody.accept(req.content());
                                        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                                                HttpResponseStatus.NO_CONTENT);
                                        boolean keepAlive = HttpUtil.isKeepAlive(req);
                                        HttpUtil.setKeepAlive(res, keepAlive);
                                        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                                        if (keepAlive) {
                                            ctx.writeAndFlush(res);
                                        } else {
                                            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                                        }
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    /** Stops listening and closes every connection (the receiver is "down"). */
    synchronized void stop() throws InterruptedException {
        if (listening != null) {
            listening.close().sync();
            listening = null;
        }
        open.close().awaitUninterruptibly();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
