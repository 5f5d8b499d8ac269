package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.SelfSigned;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhooks' HTTP client against real servers on loopback (Netty, HTTP/1.1, some over TLS with a
 * certificate keytool made for {@code localhost}): keep-alive reuse, a server that closes, a pooled
 * connection dropped without an answer, a server that never answers, a large answer, and TLS's
 * certificate and host name checks.
 */
class WebhookClientTest {
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json", "X-Test", "yes");

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private WebhookClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * A server on a free port; {@code answer(requestOnItsConnection (1, 2, …), request)} gives the
     * response, null to close the connection without one, or a {@link SilentResponse} to never answer.
     */
    private int server(SslContext tls, BiFunction<Integer, FullHttpRequest, FullHttpResponse> answer) throws Exception {
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        connections.incrementAndGet();
                        if (tls != null) {
                            c.pipeline().addLast(tls.newHandler(c.alloc()));
                        }
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    private int n;

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        received.add(req.uri() + " " + req.headers().get("X-Test") + " "
                                                + req.headers().get(HttpHeaderNames.HOST) + " "
                                                + req.content().toString(StandardCharsets.UTF_8));
                                        FullHttpResponse res = answer.apply(++n, req);
                                        if (res == null) {
                                            ctx.close();
                                        } else if (res instanceof SilentResponse) {
                                            res.release(); // hangs: no answer, connection kept open
                                        } else {
                                            ctx.writeAndFlush(res);
                                        }
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    private static FullHttpResponse status(int code) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return res;
    }

    private int post(String url, String body) throws Exception {
        return client.post(URI.create(url), HEADERS, body.getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
    }

    @Test
    void keepAlive_manyRequestsOneConnection_pathQueryHeadersAndBodyAsSent() throws Exception {
        int port = server(null, (n, req) -> status(n % 2 == 0 ? 500 : 204));
        client = new WebhookClient(Duration.ofSeconds(5));
        for (int i = 0; i < 20; i++) {
            assertThat(post("http://127.0.0.1:" + port + "/hook?x=1", "{\"n\":" + i + "}")).isEqualTo(i % 2 == 0 ? 204 : 500);
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(client.connectionsOpened()).isEqualTo(1);
        assertThat(received.get(0)).isEqualTo("/hook?x=1 yes 127.0.0.1:" + port + " {\"n\":0}");
        assertThat(received).hasSize(20);
    }

    @Test
    void aServerThatClosesAfterEachAnswer_aNewConnectionEachTime() throws Exception {
        int port = server(null, (n, req) -> {
            FullHttpResponse res = status(200);
            res.headers().set(HttpHeaderNames.CONNECTION, "close");
            return res;
        });
        client = new WebhookClient(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(post("http://127.0.0.1:" + port + "/", "{}")).isEqualTo(200);
        }
        assertThat(connections.get()).isEqualTo(3);
    }

    @Test
    void aPooledConnectionDroppedWithoutAnAnswer_theRequestGoesOnceMoreOnANewOne() throws Exception {
        // answers the first request of a connection, drops the connection at the second (as a server
        // whose keep-alive ran out just as the request came)
        int port = server(null, (n, req) -> n == 1 ? status(200) : null);
        client = new WebhookClient(Duration.ofSeconds(5));
        assertThat(post("http://127.0.0.1:" + port + "/", "{\"a\":1}")).isEqualTo(200);
        assertThat(post("http://127.0.0.1:" + port + "/", "{\"a\":2}")).isEqualTo(200);
        assertThat(received).extracting(r -> r.substring(r.lastIndexOf(' ') + 1))
                .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":2}");
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aNewConnectionDroppedWithoutAnAnswer_fails_notRetried() throws Exception {
        int port = server(null, (n, req) -> null);
        client = new WebhookClient(Duration.ofSeconds(5));
        assertThatThrownBy(() -> post("http://127.0.0.1:" + port + "/", "{}"))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("closed the connection");
        assertThat(received).hasSize(1);
    }

    @Test
    void aServerThatNeverAnswers_timesOut_andItsConnectionIsNotUsedAgain() throws Exception {
        // the first request of each connection hangs, the second is answered
        int port = server(null, (n, req) -> n == 1 ? new SilentResponse() : status(204));
        client = new WebhookClient(Duration.ofMillis(300));
        long t = System.nanoTime();
        assertThatThrownBy(() -> post("http://127.0.0.1:" + port + "/", "{}"))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t)).isBetween(250L, 5_000L);
        // a new connection, whose first request hangs too: the timed-out one was closed, not pooled
        assertThatThrownBy(() -> post("http://127.0.0.1:" + port + "/", "{}"))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void refused_fails_withTheConnectError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        client = new WebhookClient(Duration.ofSeconds(5));
        assertThatThrownBy(() -> post("http://127.0.0.1:" + port + "/", "{}")).isInstanceOf(ExecutionException.class);
    }

    @Test
    void aLargeAnswerIsReadAndDropped_theConnectionStillReused() throws Exception {
        byte[] big = new byte[3 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        int port = server(null, (n, req) -> {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(big));
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, big.length);
            return res;
        });
        client = new WebhookClient(Duration.ofSeconds(10));
        assertThat(post("http://127.0.0.1:" + port + "/", "{}")).isEqualTo(200);
        assertThat(post("http://127.0.0.1:" + port + "/", "{}")).isEqualTo(200);
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void https_trustedCertificateForTheHostName_ok_anotherNameOrAnUntrustedOne_refused() throws Exception {
        Path dir = Files.createTempDirectory("herald-hook-tls");
        SelfSigned cert = SelfSigned.make(dir, "receiver", "hook", "dns:localhost");
        SslContext serverTls = SslContextBuilder.forServer(cert.key(), cert.certificate()).build();
        int port = server(serverTls, (n, req) -> status(202));

        client = new WebhookClient(Duration.ofSeconds(5), SslContextBuilder.forClient().trustManager(cert.certificate()).build());
        assertThat(post("https://localhost:" + port + "/hook", "{\"tls\":true}")).isEqualTo(202);
        assertThat(received).containsExactly("/hook yes localhost:" + port + " {\"tls\":true}");
        // the certificate names localhost only: 127.0.0.1 is another host
        assertThatThrownBy(() -> post("https://127.0.0.1:" + port + "/hook", "{}")).isInstanceOf(ExecutionException.class)
                .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
        client.close();

        client = new WebhookClient(Duration.ofSeconds(5)); // the JVM's roots: a self-signed certificate is not in them
        assertThatThrownBy(() -> post("https://localhost:" + port + "/hook", "{}")).isInstanceOf(ExecutionException.class);
        assertThat(received).hasSize(1);
    }

    @Test
    void notHttp_refused() {
        client = new WebhookClient(Duration.ofSeconds(5));
        assertThatThrownBy(() -> post("ftp://127.0.0.1/x", "{}")).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    /** A response the test server's handler recognises and does not write: the request hangs. */
    private static final class SilentResponse extends DefaultFullHttpResponse {
        SilentResponse() {
            super(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        }
    }
}
