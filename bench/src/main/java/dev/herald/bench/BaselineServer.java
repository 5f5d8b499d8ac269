package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The raw Netty baseline: the least a Netty WebSocket push server does, answering the same paths
 * the scenarios use (no tokens: the user is {@code ?user_id=}). {@code /ws} sends {@code init},
 * answers {@code subscribe} with {@code ack}; the API endpoints parse the JSON body, encode the
 * frame once, and write it to a {@link ChannelGroup}. No auth, heartbeat, limits or metrics: this
 * is the floor Herald is compared with.
 */
@Command(name = "baseline-server", mixinStandardHelpOptions = true,
        description = "Minimal raw Netty WebSocket push server (no auth) for baseline figures.")
final class BaselineServer implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<Long> USER = AttributeKey.valueOf("user");

    @Option(names = "--host", description = "bind address (default ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--threads", description = "event loop threads (0 = one per core, as Herald)")
    int threads;

    private final ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<Long, ChannelGroup> users = new ConcurrentHashMap<>();
    private final Map<String, ChannelGroup> channels = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> offsets = new ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        EventLoopGroup boss = NetIo.group(1, "boss");
        EventLoopGroup workers = NetIo.group(t, "io");
        Channel server = new ServerBootstrap().group(boss, workers).channel(NetIo.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpServerCodec())
                                .addLast("agg", new HttpObjectAggregator(1 << 20))
                                .addLast("handler", new Http());
                    }
                }).bind(host, port).sync().channel();
        System.out.println("baseline netty server on " + host + ":" + port);
        server.closeFuture().sync();
        return 0;
    }

    private final class Http extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            switch (uri.path()) {
                case "/ws" -> upgrade(ctx, req, uri);
                case "/health" -> reply(ctx, req, Map.of("connections", all.size()));
                case "/admin/websocket/broadcast" -> {
                    JsonNode b = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
                    ObjectNode frame = JSON.createObjectNode().put("type", b.path("type").asText("message"));
                    frame.set("data", b.path("data"));
                    int count = all.size();
                    all.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(frame))));
                    reply(ctx, req, Map.of("count", count));
                }
                case "/admin/websocket/send-to-user" -> {
                    JsonNode b = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
                    ObjectNode frame = JSON.createObjectNode().put("type", b.path("type").asText("message"));
                    frame.set("data", b.path("data"));
                    ChannelGroup g = users.get(b.path("user_id").asLong());
                    if (g != null) {
                        g.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(frame))));
                    }
                    reply(ctx, req, Map.of("sent", g != null && !g.isEmpty()));
                }
                case "/admin/websocket/send-to-channel" -> {
                    JsonNode b = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
                    String name = b.path("channel").asText();
                    ObjectNode frame = JSON.createObjectNode().put("type", b.path("type").asText("message"))
                            .put("channel", name)
                            .put("offset", offsets.computeIfAbsent(name, x -> new AtomicLong()).incrementAndGet());
                    frame.set("data", b.path("data"));
                    ChannelGroup g = channels.get(name);
                    if (g != null) {
                        g.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(frame))));
                    }
                    reply(ctx, req, Map.of("count", g == null ? 0 : g.size()));
                }
                default -> {
                    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(res);
                }
            }
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
            List<String> u = uri.parameters().get("user_id");
            long user = u == null ? 0 : Long.parseLong(u.get(0));
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory("ws://" + host + "/ws", null, false)
                    .newHandshaker(req);
            if (hs == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Channel ch = ctx.channel();
            hs.handshake(ch, req).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    ch.close();
                    return;
                }
                ch.pipeline().remove("handler");
                ch.pipeline().addLast("ws", new Ws());
                ch.attr(USER).set(user);
                all.add(ch);
                users.computeIfAbsent(user, x -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)).add(ch);
                ch.writeAndFlush(new TextWebSocketFrame("{\"type\":\"init\",\"data\":{\"client_id\":\"" + ch.id().asShortText()
                        + "\",\"user_id\":" + user + ",\"heartbeat_interval\":25,\"server_time\":" + System.currentTimeMillis() + "}}"));
            });
        }

        private void reply(ChannelHandlerContext ctx, FullHttpRequest req, Map<String, Object> data) throws Exception {
            byte[] body = JSON.writeValueAsBytes(Map.of("code", 200, "message", "success", "data", data));
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (keepAlive) {
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private final class Ws extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
            if (frame instanceof TextWebSocketFrame text) {
                JsonNode f = JSON.readTree(text.text());
                if ("subscribe".equals(f.path("type").asText())) {
                    String name = f.path("data").path("channel").asText();
                    channels.computeIfAbsent(name, x -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)).add(ctx.channel());
                    ObjectNode ack = JSON.createObjectNode().put("type", "ack");
                    ack.putObject("data").put("channel", name)
                            .put("offset", offsets.computeIfAbsent(name, x -> new AtomicLong()).get());
                    if (f.has("id")) {
                        ack.set("id", f.get("id"));
                    }
                    ByteBuf out = Unpooled.wrappedBuffer(JSON.writeValueAsBytes(ack));
                    ctx.writeAndFlush(new TextWebSocketFrame(out));
                } else if ("ping".equals(f.path("type").asText())) {
                    ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"pong\",\"data\":{\"timestamp\":"
                            + System.currentTimeMillis() + "}}"));
                }
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame) {
                ctx.writeAndFlush(frame.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Long user = ctx.channel().attr(USER).get();
            if (user != null) {
                ChannelGroup g = users.get(user);
                if (g != null && g.isEmpty()) {
                    users.remove(user, g);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
