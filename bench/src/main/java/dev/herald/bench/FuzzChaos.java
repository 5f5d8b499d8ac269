package dev.herald.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Random and mutated input from many connections while well-behaved clients measure their round
 * trips, in three phases of {@code --phase} each: quiet, fuzzing, quiet again.
 * <ul>
 *   <li>WebSocket fuzzers: valid frames of every type, the same with fields of the wrong type,
 *       deep nesting, huge numbers, invalid UTF-8, fragmented messages (with pings between the
 *       fragments, and fragmentation errors), oversized and binary frames, flipped bytes. A frame
 *       that is a JSON object with a valid {@code id} must get exactly one reply with that id,
 *       or its connection must close with a documented code (docs/protocol.md). A closed fuzzer
 *       reconnects. At the end every open fuzzer sends a {@code ping}: one that does not answer
 *       within 10 s is stuck.</li>
 *   <li>HTTP fuzzers: every endpoint of docs/api.md (read at run time), documented and other
 *       methods, odd path ids, random query strings (bad escapes, odd dates, huge numbers), random
 *       credentials and random bodies. Any 5xx other than 503, or no answer at all, is a finding.</li>
 * </ul>
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Random and mutated WebSocket frames and HTTP requests while well-behaved clients measure latency.")
class FuzzChaos extends ChaosRun {
    static final Set<Integer> DOCUMENTED_CLOSE = Set.of(1000, 1001, 1002, 1007, 1008, 1009, 1011, 1012, 4001, 4002);

    @Option(names = "--fuzzers", description = "WebSocket fuzzing connections (default ${DEFAULT-VALUE})")
    int fuzzers = 100;

    @Option(names = "--frame-rate", description = "frames per second per fuzzing connection (default ${DEFAULT-VALUE})")
    double frameRate = 10;

    @Option(names = "--http-rate", description = "fuzzed HTTP requests per second (default ${DEFAULT-VALUE})")
    double httpRate = 100;

    @Option(names = "--http-threads", description = "threads sending fuzzed HTTP requests (default ${DEFAULT-VALUE})")
    int httpThreads = 8;

    @Option(names = "--clients", description = "well-behaved clients measuring round trips (default ${DEFAULT-VALUE})")
    int clients = 500;

    @Option(names = "--request-rate", description = "requests per second per well-behaved client, ping and presence (default ${DEFAULT-VALUE})")
    double requestRate = 1;

    @Option(names = "--phase", description = "length of each phase: quiet, fuzzing, quiet (default ${DEFAULT-VALUE})")
    String phase = "30s";

    @Option(names = "--warmup", description = "well-behaved requests before the first measured phase (JIT) (default ${DEFAULT-VALUE})")
    String warmup = "20s";

    @Option(names = "--api-doc", description = "where the endpoint list is read from (default ${DEFAULT-VALUE})")
    Path apiDoc = Path.of("docs/api.md");

    FuzzChaos() {
        nodeCount = 1;
    }

    @Override
    String name() {
        return "fuzz";
    }

    // ---- WebSocket fuzzing ----

    final LongAdder framesSent = new LongAdder();
    final LongAdder trackedSent = new LongAdder();
    final LongAdder trackedAnswered = new LongAdder();
    final LongAdder extraReplies = new LongAdder();
    final LongAdder pendingAtDocumentedClose = new LongAdder();
    final LongAdder pendingAtOtherClose = new LongAdder();
    final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    /** Samples of what looked wrong, up to 10 per kind. */
    final Map<String, List<String>> findings = new ConcurrentHashMap<>();
    volatile boolean fuzzing;

    private static void count(Map<String, LongAdder> m, String k) {
        m.computeIfAbsent(k, x -> new LongAdder()).increment();
    }

    private void finding(String kind, String f) {
        List<String> l = findings.computeIfAbsent(kind, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
        if (l.size() < 10) {
            l.add(f.length() > 20_000 ? f.substring(0, 20_000) + "…" : f);
        }
    }

    /** One planned message: the frames that carry it, the id to expect a reply for (or null), and its kind. */
    record Plan(List<WebSocketFrame> frames, String trackedId, String kind, String sample, String full) {
        Plan(List<WebSocketFrame> frames, String trackedId, String kind, String sample) {
            this(frames, trackedId, kind, sample, null);
        }
    }

    /** One fuzzing connection (reconnects after a close while fuzzing goes on). */
    final class Fuzzer {
        final int index;
        final long user;
        final SplittableRandom random;
        volatile Channel ch;
        volatile boolean open;
        final Map<String, Long> pending = new ConcurrentHashMap<>();
        final Set<String> answered = ConcurrentHashMap.newKeySet();
        final Map<String, String> samples = new ConcurrentHashMap<>();
        long counter;
        ScheduledFuture<?> ticker;
        volatile String lastSample;
        volatile boolean finalAnswered;

        Fuzzer(int index, long seed) {
            this.index = index;
            this.user = 1_000_000 + index;
            this.random = new SplittableRandom(seed);
        }

        void dial(EventLoopGroup group, Bootstrap bootstrap, String host, int port, Tokens tokens) {
            URI uri = URI.create("ws://" + host + ":" + port + "/ws?token=" + tokens.mint(user));
            WebSocketClientHandshaker hs = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null,
                    false, EmptyHttpHeaders.INSTANCE, 1 << 22);
            Fuzzer self = this;
            bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel sc) {
                    sc.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                            new SimpleChannelInboundHandler<Object>() {
                                String closeCode;

                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    hs.handshake(ctx.channel());
                                }

                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                    if (!hs.isHandshakeComplete()) {
                                        FullHttpResponse res = (FullHttpResponse) msg;
                                        try {
                                            hs.finishHandshake(ctx.channel(), res);
                                        } catch (Exception e) {
                                            count(closes, "upgrade refused HTTP " + res.status().code());
                                            ctx.close();
                                        }
                                        return;
                                    }
                                    if (msg instanceof TextWebSocketFrame t) {
                                        String text = t.text();
                                        if (!open && text.contains("\"type\":\"init\"")) {
                                            open = true;
                                            ch = ctx.channel();
                                            long period = (long) Math.max(1, 1000 / frameRate);
                                            ticker = ctx.channel().eventLoop().scheduleAtFixedRate(() -> tick(ctx.channel()),
                                                    period, period, TimeUnit.MILLISECONDS);
                                            return;
                                        }
                                        onText(text);
                                    } else if (msg instanceof PingWebSocketFrame p) {
                                        ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
                                    } else if (msg instanceof CloseWebSocketFrame c) {
                                        closeCode = Integer.toString(c.statusCode());
                                        count(closes, c.statusCode() + " " + c.reasonText());
                                        if (!DOCUMENTED_CLOSE.contains(c.statusCode()) || c.statusCode() == 1011) {
                                            finding("undocumented close or 1011", "WebSocket close " + c.statusCode() + " " + c.reasonText() + " after: " + lastSample);
                                        }
                                        ctx.close();
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    if (ticker != null) {
                                        ticker.cancel(false);
                                    }
                                    boolean wasOpen = open;
                                    open = false;
                                    ch = null;
                                    if (wasOpen && closeCode == null) {
                                        count(closes, "TCP closed without a close frame");
                                        finding("TCP closed without a close frame", "after: " + lastSample);
                                    }
                                    int n = pending.size();
                                    if (closeCode != null && DOCUMENTED_CLOSE.contains(Integer.parseInt(closeCode))) {
                                        pendingAtDocumentedClose.add(n);
                                    } else {
                                        pendingAtOtherClose.add(n);
                                    }
                                    pending.clear();
                                    samples.clear();
                                    if (fuzzing) {
                                        ctx.channel().eventLoop().schedule(() -> dial(group, bootstrap, host, port, tokens), 200,
                                                TimeUnit.MILLISECONDS);
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                }
            }).connect(host, port).addListener(f -> {
                if (!f.isSuccess()) {
                    count(closes, "connect failed");
                    if (fuzzing) {
                        group.next().schedule(() -> dial(group, bootstrap, host, port, tokens), 500, TimeUnit.MILLISECONDS);
                    }
                }
            });
        }

        void onText(String text) {
            try {
                var f = Worker.JSON.readTree(text);
                String id = f.hasNonNull("id") ? f.get("id").asText() : null;
                if ("error".equals(f.path("type").asText())) {
                    count(errorCodes, f.path("data").path("code").asText("?"));
                    if ("internal".equals(f.path("data").path("code").asText())) {
                        finding("error internal", "after: " + lastSample);
                    }
                }
                if (id == null) {
                    return;
                }
                if (id.equals("final")) {
                    finalAnswered = true;
                    return;
                }
                samples.remove(id);
                if (pending.remove(id) != null) {
                    answered.add(id);
                    trackedAnswered.increment();
                } else if (answered.contains(id)) {
                    extraReplies.increment();
                    finding("second reply for an id", id + ": " + text);
                }
            } catch (Exception e) {
                count(errorCodes, "client: unparsable server frame");
            }
        }

        void tick(Channel c) {
            if (!fuzzing || !c.isActive()) {
                return;
            }
            Plan p = plan(this);
            lastSample = p.sample();
            count(kinds, p.kind());
            if (p.trackedId() != null) {
                pending.put(p.trackedId(), System.nanoTime());
                samples.put(p.trackedId(), p.full() != null ? p.full() : p.sample());
                trackedSent.increment();
            }
            for (WebSocketFrame f : p.frames()) {
                c.write(f);
            }
            c.flush();
            framesSent.increment();
        }
    }

    private static final String[] TYPES = {"ping", "heartbeat", "subscribe", "unsubscribe", "chat", "broadcast", "presence",
            "refresh", "sync", "ack", "read", "nope", ""};

    /** A random JSON value as text, of any type; {@code depth} bounds nesting. */
    static String value(SplittableRandom r, int depth) {
        switch (r.nextInt(depth <= 0 ? 9 : 12)) {
            case 0: return "null";
            case 1: return r.nextBoolean() ? "true" : "false";
            case 2: return pick(r, "0", "-1", "1", "2147483648", "9007199254740991", "9007199254740993", "9223372036854775807",
                    "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e308", "1e400", "-1e400", "1.5",
                    "0.000000000000000000000000000001", "123456789012345678901234567890123456789", "-0", "1E+2");
            case 3: return "\"" + pick(r, "", "x", "orders", "private-x", "chaos-1", "\\u0000", "a\\u0000b", "\\ud800", "\\udfff\\ud800",
                    "𝄞", "😀", "%00", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "\\\\", "\\\"",
                    "-999999999-01-01T00:00:00+18:00", "2024-02-30", "null", "1") + "\"";
            case 4: return "\"" + "x".repeat(r.nextInt(1, 5000)) + "\"";
            case 5: return Long.toString(r.nextLong());
            case 6: return Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(-20, 30)));
            case 7: return "\"" + randomString(r, r.nextInt(1, 40)) + "\"";
            case 8: return "[]";
            case 9: {
                StringBuilder sb = new StringBuilder("[");
                int n = r.nextInt(0, 6);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(value(r, depth - 1));
                }
                return sb.append(']').toString();
            }
            case 10: {
                StringBuilder sb = new StringBuilder("{");
                int n = r.nextInt(0, 5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append('"').append(pick(r, "channel", "since", "epoch", "user_ids", "ids",
                            "to_user_id", "content", "message", "token", "all", "notification_ids", "since_id", "x"))
                            .append("\":").append(value(r, depth - 1));
                }
                return sb.append('}').toString();
            }
            default: {
                StringBuilder sb = new StringBuilder("[");
                int n = r.nextInt(2, 1000);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(r.nextInt(1, 5000));
                }
                return sb.append(']').toString();
            }
        }
    }

    /** Random printable characters, JSON-escaped where needed. */
    static String randomString(SplittableRandom r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = (char) r.nextInt(0x20, 0x7f);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @SafeVarargs
    static <T> T pick(SplittableRandom r, T... options) {
        return options[r.nextInt(options.length)];
    }

    /** Valid data for a frame type. */
    private String validData(SplittableRandom r, String type) {
        return switch (type) {
            case "ping" -> "{}";
            case "heartbeat" -> "{\"timestamp\":" + System.currentTimeMillis() + "}";
            case "subscribe" -> "{\"channel\":\"fz-" + r.nextInt(20) + "\"" + (r.nextBoolean() ? ",\"since\":" + r.nextInt(50) : "") + "}";
            case "unsubscribe" -> "{\"channel\":\"fz-" + r.nextInt(20) + "\"}";
            case "chat" -> "{\"to_user_id\":" + (1 + r.nextInt(Math.max(1, clients))) + ",\"content\":\"hi\"}";
            case "broadcast" -> "{\"message\":\"m\"}";
            case "presence" -> "{\"user_ids\":[1,2,3]}";
            case "refresh" -> "{\"token\":\"" + (r.nextBoolean() ? "x.y.z" : new Tokens(secret, 3600).mint(1_000_000 + r.nextInt(fuzzers))) + "\"}";
            case "sync" -> "{\"since_id\":" + r.nextInt(1000) + "}";
            case "ack" -> "{\"notification_ids\":[" + (1 + r.nextInt(1000)) + "]}";
            case "read" -> r.nextBoolean() ? "{\"all\":true}" : "{\"ids\":[1,2]}";
            default -> "{}";
        };
    }

    /** The next message of a fuzzer. */
    Plan plan(Fuzzer fz) {
        SplittableRandom r = fz.random;
        String id = "f" + fz.index + "-" + (++fz.counter);
        String type = TYPES[r.nextInt(TYPES.length)];
        int k = r.nextInt(100);
        String text;
        String kind;
        boolean trackable = true;
        if (k < 20) {
            kind = "valid";
            text = "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"data\":" + validData(r, type) + "}";
        } else if (k < 45) {
            kind = "wrong types";
            String data = validData(r, type);
            if (r.nextBoolean()) {
                data = value(r, 3); // data itself of any type
            } else {
                data = data.replaceAll(":(\"[^\"]*\"|-?[0-9.eE+]+|true|false|\\[[^\\]]*\\])", ":" + Matcher.quoteReplacement(value(r, 2)));
            }
            String t = r.nextInt(5) == 0 ? value(r, 1) : "\"" + type + "\"";
            text = "{\"type\":" + t + ",\"id\":\"" + id + "\",\"data\":" + data + "}";
        } else if (k < 52) {
            kind = "huge numbers";
            text = "{\"type\":\"" + pick(r, "sync", "ack", "presence", "chat", "subscribe", "heartbeat") + "\",\"id\":\"" + id
                    + "\",\"data\":{\"" + pick(r, "since_id", "since", "to_user_id", "timestamp", "notification_ids", "user_ids")
                    + "\":" + pick(r, "1e400", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
                    "[1e400]", "[9223372036854775807]", "9007199254740993", "-0.0", "1E+999999999") + ",\"channel\":\"c\",\"content\":\"x\"}}";
        } else if (k < 57) {
            kind = "deep nesting";
            int depth = r.nextInt(2) == 0 ? r.nextInt(50, 400) : r.nextInt(1000, 30000);
            trackable = depth < 400;
            text = "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"data\":{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}}";
        } else if (k < 62) {
            kind = "odd ids";
            trackable = false;
            text = "{\"type\":\"ping\",\"id\":" + pick(r, "{}", "[]", "null", "true", "1.5", "1e400", "\"" + "i".repeat(200) + "\"",
                    "-1", "9223372036854775808") + ",\"data\":{}}";
        } else if (k < 68) {
            kind = "not an object / not JSON";
            trackable = false;
            text = pick(r, "[]", "\"str\"", "42", "null", "{", "{\"type\":", "{\"type\":\"ping\",\"id\":\"x\"", "", " ", "{}{}",
                    "{\"type\":\"ping\"}garbage", randomString(r, r.nextInt(1, 200)), "{\"type\":\"ping\",\"type\":\"sync\"}");
        } else if (k < 76) {
            kind = "fragmented";
            text = "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"data\":" + validData(r, type) + "}";
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            return new Plan(fragments(r, b, r.nextInt(4) == 0), id, kind, text);
        } else if (k < 80) {
            kind = "invalid UTF-8";
            byte[] bad = pick(r, new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                    new byte[] {(byte) 0xE2, (byte) 0x82});
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(("{\"type\":\"chat\",\"id\":\"" + id + "\",\"data\":{\"to_user_id\":1,\"content\":\"").getBytes(StandardCharsets.UTF_8));
            o.writeBytes(bad);
            o.writeBytes("\"}}".getBytes(StandardCharsets.UTF_8));
            byte[] b = o.toByteArray();
            List<WebSocketFrame> frames = r.nextBoolean() ? List.of(new TextWebSocketFrame(Unpooled.wrappedBuffer(b))) : fragments(r, b, false);
            return new Plan(frames, null, kind, "invalid UTF-8 " + java.util.HexFormat.of().formatHex(bad));
        } else if (k < 83) {
            kind = "oversized";
            int size = r.nextInt(3) == 0 ? 1_200_000 + r.nextInt(500_000) : 66_000 + r.nextInt(100_000);
            text = "{\"type\":\"chat\",\"id\":\"" + id + "\",\"data\":{\"to_user_id\":1,\"content\":\"" + "y".repeat(size) + "\"}}";
            trackable = false;
            return new Plan(List.of(new TextWebSocketFrame(text)), null, kind, "oversized " + text.length() + " bytes");
        } else if (k < 86) {
            kind = "binary";
            byte[] b = new byte[r.nextInt(1, 300)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) r.nextInt(256);
            }
            return new Plan(List.of(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b))), null, kind, "binary " + b.length);
        } else if (k < 89) {
            kind = "fragmentation errors";
            byte[] b = ("{\"type\":\"ping\",\"id\":\"" + id + "\",\"data\":{}}").getBytes(StandardCharsets.UTF_8);
            List<WebSocketFrame> frames = switch (r.nextInt(3)) {
                case 0 -> List.of(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(b)));
                case 1 -> List.of(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(b, 0, 5)),
                        new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(b)));
                default -> List.of(new TextWebSocketFrame(true, 4, Unpooled.wrappedBuffer(b))); // RSV bit without an extension
            };
            return new Plan(frames, null, kind, "fragmentation error");
        } else {
            kind = "flipped bytes";
            text = "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"data\":" + validData(r, type) + "}";
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int flips = r.nextInt(1, 4);
            for (int i = 0; i < flips; i++) {
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            return new Plan(List.of(new TextWebSocketFrame(Unpooled.wrappedBuffer(b))), null, kind,
                    new String(b, StandardCharsets.ISO_8859_1));
        }
        if (trackable && text.length() > 60_000) {
            trackable = false;
        }
        return new Plan(List.of(new TextWebSocketFrame(text)), trackable ? id : null, kind,
                text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + ")" : text, trackable ? text : null);
    }

    /** Splits a message into 2–6 fragments, optionally with a ping between two of them. */
    private static List<WebSocketFrame> fragments(SplittableRandom r, byte[] b, boolean pingBetween) {
        int n = Math.min(b.length, r.nextInt(2, 7));
        List<WebSocketFrame> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < n; i++) {
            int to = i == n - 1 ? b.length : from + Math.max(1, (b.length - from) / (n - i));
            ByteBuf part = Unpooled.copiedBuffer(b, from, to - from);
            boolean last = i == n - 1;
            out.add(i == 0 ? new TextWebSocketFrame(last, 0, part) : new ContinuationWebSocketFrame(last, 0, part));
            if (pingBetween && i == 0 && !last) {
                out.add(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
            }
            from = to;
        }
        return out;
    }

    // ---- HTTP fuzzing ----

    /** A documented endpoint: method, path (with {id}), documented query parameters and body fields. */
    record Endpoint(String method, String path, List<String> query, List<String> fields) {}

    /** Every `METHOD path` in docs/api.md, resolved against its section's base path. */
    static List<Endpoint> endpoints(Path doc) throws IOException {
        Pattern endpoint = Pattern.compile("`(GET|POST|DELETE|PUT|PATCH) ([^`\\s]+)[^`]*`");
        Pattern braces = Pattern.compile("\\{([a-z_?, :\\[\\]…]+)}");
        Pattern sectionBase = Pattern.compile("^##.*`(/[^`*…]+)");
        Map<String, Endpoint> out = new LinkedHashMap<>();
        String base = "";
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("#")) {
                Matcher m = sectionBase.matcher(line);
                base = m.find() ? m.group(1).replaceAll("/$", "") : "";
                continue;
            }
            Matcher m = endpoint.matcher(line);
            while (m.find()) {
                String raw = m.group(2);
                String path = raw.replaceAll("\\?.*", "");
                List<String> query = new ArrayList<>();
                if (raw.contains("?")) {
                    query.add(raw.substring(raw.indexOf('?') + 1).replaceAll("=.*", ""));
                }
                if (!path.startsWith("/")) {
                    path = base + "/" + path;
                } else if (!path.startsWith("/admin") && !path.startsWith("/health") && !path.startsWith("/metrics")
                        && !path.startsWith("/demo") && !base.isEmpty()) {
                    path = path.equals("/") ? base : base + path;
                }
                List<String> fields = new ArrayList<>();
                Matcher b = braces.matcher(line.substring(m.start()));
                while (b.find()) {
                    for (String f : b.group(1).split(",")) {
                        String name = f.replaceAll("[?:\\[\\]…]", "").trim();
                        if (name.matches("[a-z_]+")) {
                            fields.add(name);
                        }
                    }
                }
                // a GET's parameters are listed in the same row (`keyword, is_read, …`)
                if (m.group(1).equals("GET")) {
                    for (String cell : line.split("\\|")) {
                        if (cell.contains(",") && cell.matches(".*`[a-z_]+.*") && !cell.contains("{")) {
                            for (String q : cell.replaceAll("`", "").split(",")) {
                                String name = q.replaceAll("\\(.*", "").trim();
                                if (name.matches("[a-z_]+")) {
                                    query.add(name);
                                }
                            }
                        }
                    }
                }
                String key = m.group(1) + " " + path;
                Endpoint prev = out.get(key);
                if (prev != null) {
                    query.addAll(prev.query());
                    fields.addAll(prev.fields());
                }
                out.put(key, new Endpoint(m.group(1), path, List.copyOf(new LinkedHashSet<>(query)), List.copyOf(new LinkedHashSet<>(fields))));
            }
        }
        return new ArrayList<>(out.values());
    }

    final Map<String, LongAdder> httpStatuses = new ConcurrentHashMap<>();
    final Map<String, Map<String, Long>> httpByEndpoint = new ConcurrentHashMap<>();
    final LongAdder httpSent = new LongAdder();
    final Map<String, LongAdder> noAnswerWhy = new ConcurrentHashMap<>();
    /** A '%' not followed by two hex digits. */
    static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private static final String[] ODD_IDS = {"1", "0", "-1", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999", "abc", "%zz", "1.5", "%00", "1%2F2", "%", "1e3", "+1", "%C0%AF", "9007199254740993"};
    private static final String[] ODD_QUERY = {"1", "0", "-1", "abc", "%", "%zz", "%00", "%E0%80", "true", "false", "yes",
            "2024-01-31", "2024-02-30", "-999999999-01-01T00:00:00%2B18:00", "2024-01-31T10:00:00%2B08:00", "999999999999999999999",
            "1e400", "info", "task", "system", "%27%20OR%201%3D1", "x".repeat(200), "", "%u0041", "+", "%2B"};
    private static final String[] QUERY_NAMES = {"keyword", "is_read", "type", "category", "start_date", "end_date", "page",
            "page_size", "limit", "days", "user_id", "token"};

    /** One random request as raw bytes, and a short description. */
    private Map.Entry<byte[], String> httpRequest(SplittableRandom r, List<Endpoint> eps, String host) {
        Endpoint e = eps.get(r.nextInt(eps.size()));
        String method = r.nextInt(100) < 85 ? e.method() : pick(r, "GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD");
        String path = e.path().replace("{id}", pick(r, ODD_IDS));
        if (r.nextInt(20) == 0) {
            path += pick(r, "/", "/x", "%", "%zz", "/..", "//", "?");
        }
        StringBuilder q = new StringBuilder();
        int nq = r.nextInt(0, 4);
        for (int i = 0; i < nq; i++) {
            String name = !e.query().isEmpty() && r.nextBoolean() ? e.query().get(r.nextInt(e.query().size())) : pick(r, QUERY_NAMES);
            q.append(i == 0 ? "?" : "&").append(name).append('=').append(pick(r, ODD_QUERY));
        }
        String auth = switch (r.nextInt(20)) {
            case 0, 1 -> null;
            case 2 -> "Bearer ";
            case 3 -> "Bearer x.y.z";
            case 4 -> "Basic " + Base64.getEncoder().encodeToString("a:b".getBytes(StandardCharsets.UTF_8));
            case 5 -> "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ.";
            case 6, 7, 8 -> "Bearer " + new Tokens(secret, 3600).mint(1 + r.nextInt(Math.max(1, clients)));
            default -> "Bearer " + apiKey;
        };
        byte[] body = null;
        if (!method.equals("GET") || r.nextInt(10) == 0) {
            body = httpBody(r, e).getBytes(StandardCharsets.UTF_8);
            int k = r.nextInt(100);
            if (k < 6) {
                body = new byte[r.nextInt(1, 2000)];
                for (int i = 0; i < body.length; i++) {
                    body[i] = (byte) r.nextInt(256);
                }
            } else if (k < 10) {
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.writeBytes("{\"title\":\"".getBytes(StandardCharsets.UTF_8));
                o.writeBytes(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
                o.writeBytes("\",\"content\":\"x\",\"user_ids\":[1]}".getBytes(StandardCharsets.UTF_8));
                body = o.toByteArray();
            } else if (k < 12) {
                body = ("{\"user_ids\":[1],\"title\":\"t\",\"content\":\"" + "z".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            }
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(q).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\nConnection: close\r\n");
        if (auth != null) {
            head.append("Authorization: ").append(auth).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(r.nextInt(10) == 0 ? "text/plain" : "application/json").append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        String desc = method + " " + path + q + (auth == null ? " (no auth)" : "") + (body == null ? ""
                : " body " + new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8) + (body.length > 200 ? "…(" + body.length + ")" : ""));
        return Map.entry(out.toByteArray(), e.method() + " " + e.path() + "\u0000" + desc);
    }

    /** A body built from the endpoint's documented fields with random values, or a random JSON value. */
    private String httpBody(SplittableRandom r, Endpoint e) {
        int k = r.nextInt(100);
        if (k < 15) {
            return value(r, 3);
        }
        if (k < 20) {
            int depth = r.nextInt(100, 20_000);
            return "{\"data\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        }
        List<String> fields = new ArrayList<>(e.fields());
        if (fields.isEmpty() || r.nextInt(5) == 0) {
            fields.addAll(List.of("user_id", "user_ids", "ids", "title", "content", "channel", "type", "data", "level",
                    "category", "idempotency_key", "action_data", "resource_type", "action", "client_id", "message"));
        }
        StringBuilder sb = new StringBuilder("{");
        int n = r.nextInt(1, Math.max(2, fields.size() + 1));
        for (int i = 0; i < n; i++) {
            String f = fields.get(r.nextInt(fields.size()));
            String v = r.nextInt(3) == 0 ? value(r, 3) : plausible(r, f);
            sb.append(i == 0 ? "" : ",").append('"').append(f).append("\":").append(v);
        }
        return sb.append('}').toString();
    }

    private String plausible(SplittableRandom r, String field) {
        return switch (field) {
            case "user_id", "to_user_id", "recipient_id" -> pick(r, "1", "2", "0", "-5", "9007199254740991", "9007199254740992",
                    "9223372036854775807", "\"1\"", "1.0");
            case "user_ids", "ids", "notification_ids" -> pick(r, "[1,2]", "[]", "[0]", "[-1]", "[1,1,1]", "[\"1\"]",
                    "[9223372036854775807]", "[1.5]", "[null]");
            case "title", "content", "message" -> pick(r, "\"t\"", "\"\"", "\" \"", "\"a\\u0000b\"", "\"" + "t".repeat(300) + "\"",
                    "\"\\ud800\"", "\"😀\"");
            case "channel" -> pick(r, "\"orders\"", "\"\"", "\"private-x\"", "\"" + "c".repeat(300) + "\"", "\"a b\"", "\"chaos-1\"");
            case "type" -> pick(r, "\"info\"", "\"notification\"", "\"init\"", "\"ack\"", "\"x\"", "\"" + "t".repeat(70) + "\"", "\"a b\"");
            case "level" -> pick(r, "\"urgent\"", "\"normal\"", "\"x\"");
            case "category" -> pick(r, "\"system\"", "\"task\"", "\"x\"");
            case "data", "extra_data" -> pick(r, "{}", "{\"a\":1}", "[]", "\"s\"", "{\"a\":\"\\u0000\"}", "{\"n\":1e400}");
            case "idempotency_key" -> pick(r, "\"k\"", "\"\"", "\"" + "k".repeat(200) + "\"", "\"k" + r.nextInt(5) + "\"");
            case "start_date", "end_date" -> pick(r, "\"-999999999-01-01T00:00:00+18:00\"", "\"2024-01-31\"", "\"x\"");
            default -> value(r, 2);
        };
    }

    /** Sends one raw request on a new connection; the status, or -1 (no answer) / -2 (timeout). */
    private int sendRaw(String host, int port, byte[] request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may close early (e.g. 413 before the whole body): read what it said
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.write(c);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1);
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                return -1;
            }
            in.transferTo(OutputStream.nullOutputStream());
            return Integer.parseInt(status.substring(9, 12));
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            return -1;
        }
    }

    // ---- the run ----

    @Override
    Map<String, Object> run() throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> s = new LinkedHashMap<>();
        List<Endpoint> eps = endpoints(apiDoc);
        r.put("endpoints_from_doc", eps.stream().map(e -> e.method() + " " + e.path() + " query" + e.query() + " fields" + e.fields()).toList());
        System.out.printf("  %d endpoints read from %s%n", eps.size(), apiDoc);
        ServerUnderTest node = nodes.get(0);
        long phaseNanos = Scenario.parseDuration(phase);
        try (ChaosClients cs = new ChaosClients(nodeAddresses(), secret, policy(), clientThreads)) {
            for (int i = 0; i < clients; i++) {
                cs.add(i + 1, i % nodes.size(), null);
            }
            int open = cs.connectAll(connectInFlight, 180_000);
            System.out.printf("  %d/%d well-behaved clients connected%n", open, clients);
            // the well-behaved clients' requests, all phases
            AtomicLong reqSent = new AtomicLong();
            volatileStop = false;
            Thread requester = new Thread(() -> {
                long period = (long) (1e9 / requestRate);
                long next = System.nanoTime();
                int turn = 0;
                while (!volatileStop) {
                    for (ChaosClients.Client c : cs.clients) {
                        boolean ok = turn % 2 == 0 ? c.request("ping", "{}")
                                : c.request("presence", "{\"user_ids\":[" + c.user + "," + (c.user + 1) + "]}");
                        if (ok) {
                            reqSent.incrementAndGet();
                        }
                    }
                    turn++;
                    next += period;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            }, "well-behaved");
            Map<String, Object> phases = new LinkedHashMap<>();
            Map<String, Object> fuzz = Map.of();
            requester.start();
            Thread.sleep(Scenario.parseDuration(warmup) / 1_000_000);
            t0 = System.nanoTime();
            for (String name : List.of("quiet_before", "fuzzing", "quiet_after")) {
                Histogram h = new Histogram();
                cs.requestLatency = h;
                if (name.equals("fuzzing")) {
                    Runnable started = () -> cs.requestLatency = h;
                    Runnable stopped = () -> cs.requestLatency = new Histogram(); // the stuck check is not fuzzing
                    cs.requestLatency = new Histogram(); // until the fuzzers are connected and sending
                    fuzz = fuzzProcess ? fuzzInChild(node, phaseNanos, started, stopped)
                            : fuzzFor(eps, node.host(), node.port(), phaseNanos, started, stopped);
                } else {
                    Thread.sleep(phaseNanos / 1_000_000);
                }
                Map<String, Object> lat = h.summaryMillis();
                phases.put(name, lat);
                System.out.printf("  %s: well-behaved round trips p50 %s ms p99 %s ms (%d)%n", name, lat.get("p50_ms"),
                        lat.get("p99_ms"), h.count());
            }
            volatileStop = true;
            requester.join(10_000);
            Thread.sleep(2000);
            long unansweredWellBehaved = cs.clients.stream().mapToLong(ChaosClients.Client::pendingRequests).sum();
            int stillOpen = cs.openCount();
            Answer health = http(node, "GET", "/health", null);

            r.put("phases", phases);
            r.put("well_behaved", Map.of("clients", clients, "requests_sent", reqSent.get(), "unanswered_at_end", unansweredWellBehaved,
                    "open_at_end", stillOpen, "close_reasons", ChaosClients.snapshot(cs.closeCodes)));
            r.put("fuzz_in_own_process", fuzzProcess);
            r.putAll(fuzz);
            r.put("health_after", health.status());
            r.put("server_log_lines", logCounts());

            Map<?, ?> q1 = (Map<?, ?>) phases.get("quiet_before");
            Map<?, ?> f1 = (Map<?, ?>) phases.get("fuzzing");
            Map<?, ?> fe = (Map<?, ?>) fuzz.getOrDefault("fuzz_end", Map.of());
            Map<?, ?> hs = (Map<?, ?>) fuzz.getOrDefault("http_statuses", Map.of());
            Map<?, ?> cl = (Map<?, ?>) fuzz.getOrDefault("ws_closes", Map.of());
            Map<?, ?> ec = (Map<?, ?>) fuzz.getOrDefault("ws_error_codes", Map.of());
            long http5xx = hs.entrySet().stream().filter(e -> e.getKey().toString().startsWith("5") && !e.getKey().equals("503"))
                    .mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
            s.put("fuzzers", fuzzers);
            s.put("fuzz_in_own_process", fuzzProcess);
            s.put("ws_frames", fuzz.get("ws_frames_sent"));
            s.put("tracked_ids_answered", fuzz.get("ws_tracked_ids_answered") + "/" + fuzz.get("ws_tracked_ids_sent"));
            s.put("ids_pending_at_close (documented/other)", fuzz.get("ws_ids_pending_at_documented_close") + "/"
                    + fuzz.get("ws_ids_pending_at_other_close"));
            s.put("extra_replies", fuzz.get("ws_extra_replies"));
            s.put("stuck_connections", fe.get("stuck_connections"));
            s.put("unanswered_ids_on_open_connections", fe.get("unanswered_ids_on_open_connections"));
            s.put("undocumented_closes", cl.entrySet().stream()
                    .filter(e -> e.getKey().toString().matches("\\d+ .*")
                            && !DOCUMENTED_CLOSE.contains(Integer.parseInt(e.getKey().toString().split(" ")[0])))
                    .mapToLong(e -> ((Number) e.getValue()).longValue()).sum());
            s.put("internal_errors (frame/close 1011)", (ec.get("internal") == null ? 0 : ec.get("internal")) + "/"
                    + cl.entrySet().stream().filter(e -> e.getKey().toString().startsWith("1011"))
                    .mapToLong(e -> ((Number) e.getValue()).longValue()).sum());
            s.put("http_requests", fuzz.get("http_sent"));
            s.put("http_5xx_not_503", http5xx);
            long noAnswer = ((Number) (hs.get("no answer") == null ? 0 : hs.get("no answer"))).longValue()
                    + ((Number) (hs.get("timeout") == null ? 0 : hs.get("timeout"))).longValue();
            s.put("http_no_answer", noAnswer + " " + String.valueOf(fuzz.get("http_no_answer_why")).replace("=", ": "));
            s.put("wb_p50/p99_quiet_ms", q1.get("p50_ms") + "/" + q1.get("p99_ms"));
            s.put("wb_p50/p99_fuzzing_ms", f1.get("p50_ms") + "/" + f1.get("p99_ms"));
            Map<?, ?> q2 = (Map<?, ?>) phases.get("quiet_after");
            s.put("wb_p50/p99_after_ms", q2.get("p50_ms") + "/" + q2.get("p99_ms"));
            s.put("wb_unanswered/closed", unansweredWellBehaved + "/" + (clients - stillOpen));
            s.put("health_after", health.status());
        }
        r.put("summary", s);
        return r;
    }

    private volatile boolean volatileStop;

    @Option(names = "--fuzz-process", negatable = true, description = "fuzz from a JVM of its own, so the fuzzers' work "
            + "(frames of megabytes, GC) does not delay the well-behaved clients that measure (default ${DEFAULT-VALUE})")
    boolean fuzzProcess = true;

    /**
     * Fuzzes {@code host:port} for {@code phaseNanos} (WebSocket fuzzers and HTTP threads), then
     * checks for stuck connections; {@code started}/{@code stopped} run when the fuzzing starts and
     * stops. Returns every counter and the findings.
     */
    Map<String, Object> fuzzFor(List<Endpoint> eps, String host, int port, long phaseNanos, Runnable started,
                                Runnable stopped) throws InterruptedException {
        EventLoopGroup group = NetIo.group(clientThreads, "fuzz");
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NetIo.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        Tokens tokens = new Tokens(secret, 24 * 3600);
        List<Fuzzer> fz = new ArrayList<>();
        for (int i = 0; i < fuzzers; i++) {
            fz.add(new Fuzzer(i, seed * 1_000_003 + i));
        }
        fuzzing = true;
        for (Fuzzer f : fz) {
            f.dial(group, bootstrap, host, port, tokens);
        }
        long start = System.nanoTime();
        started.run();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < httpThreads; t++) {
            int ti = t;
            Thread th = new Thread(() -> httpLoop(eps, host, port, start + phaseNanos, ti), "http-fuzz-" + t);
            th.start();
            threads.add(th);
        }
        Thread.sleep(phaseNanos / 1_000_000);
        fuzzing = false;
        stopped.run();
        for (Thread th : threads) {
            th.join(30_000);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("fuzz_end", stuckCheck(fz));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        r.put("ws_frames_sent", framesSent.sum());
        r.put("ws_kinds", ChaosClients.snapshot(kinds));
        r.put("ws_tracked_ids_sent", trackedSent.sum());
        r.put("ws_tracked_ids_answered", trackedAnswered.sum());
        r.put("ws_extra_replies", extraReplies.sum());
        r.put("ws_ids_pending_at_documented_close", pendingAtDocumentedClose.sum());
        r.put("ws_ids_pending_at_other_close", pendingAtOtherClose.sum());
        r.put("ws_closes", ChaosClients.snapshot(closes));
        r.put("ws_error_codes", ChaosClients.snapshot(errorCodes));
        r.put("http_sent", httpSent.sum());
        r.put("http_no_answer_why", ChaosClients.snapshot(noAnswerWhy));
        r.put("http_statuses", new TreeMap<>(ChaosClients.snapshot(httpStatuses)));
        r.put("http_by_endpoint", new TreeMap<>(httpByEndpoint));
        r.put("findings", new TreeMap<>(findings));
        return r;
    }

    /** {@link #fuzzFor} in a child JVM ({@code chaos fuzz-load}); its lines say when it starts and stops. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> fuzzInChild(ServerUnderTest node, long phaseNanos, Runnable started, Runnable stopped)
            throws Exception {
        Path jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", jar.toString(), Bench.class.getName(), "chaos", "fuzz-load",
                "--target", node.host() + ":" + node.port(), "--secret", secret, "--key", apiKey,
                "--fuzzers", Integer.toString(fuzzers), "--frame-rate", Double.toString(frameRate),
                "--http-rate", Double.toString(httpRate), "--http-threads", Integer.toString(httpThreads),
                "--clients", Integer.toString(clients), "--phase", (phaseNanos / 1_000_000) + "ms",
                "--seed", Long.toString(seed), "--api-doc", apiDoc.toString(), "--client-threads", Integer.toString(clientThreads)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Object> out = Map.of();
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("FUZZING")) {
                    started.run();
                } else if (line.equals("STOPPED")) {
                    stopped.run();
                } else if (line.startsWith("{")) {
                    out = Worker.JSON.readValue(line, LinkedHashMap.class);
                }
            }
        }
        p.waitFor(60, TimeUnit.SECONDS);
        if (out.isEmpty()) {
            throw new IllegalStateException("the fuzzing process gave no result (exit " + p.exitValue() + ")");
        }
        return out;
    }

    /** The fuzzing half of {@code chaos fuzz}, in a process of its own (started by it). */
    @Command(name = "fuzz-load", hidden = true, description = "child of chaos fuzz: fuzzes a running node, prints JSON")
    static final class Load extends FuzzChaos {
        @Option(names = "--target", required = true, description = "host:port")
        String target;

        @Option(names = "--secret", required = true)
        String targetSecret;

        @Option(names = "--key", required = true)
        String targetKey;

        @Override
        public Integer call() throws Exception {
            secret = targetSecret;
            apiKey = targetKey;
            java.io.PrintStream out = System.out;
            System.setOut(System.err);
            int i = target.lastIndexOf(':');
            Map<String, Object> r = fuzzFor(endpoints(apiDoc), target.substring(0, i), Integer.parseInt(target.substring(i + 1)),
                    Scenario.parseDuration(phase), () -> {
                        out.println("FUZZING");
                        out.flush();
                    }, () -> {
                        out.println("STOPPED");
                        out.flush();
                    });
            out.println(Worker.JSON.writeValueAsString(r));
            out.flush();
            return 0;
        }
    }

    private void httpLoop(List<Endpoint> eps, String host, int port, long until, int thread) {
        SplittableRandom r = new SplittableRandom(seed * 7919 + thread);
        long period = (long) (1e9 * httpThreads / httpRate);
        long next = System.nanoTime();
        while (System.nanoTime() < until) {
            Map.Entry<byte[], String> req = httpRequest(r, eps, host + ":" + port);
            int status = sendRaw(host, port, req.getKey());
            httpSent.increment();
            String st = status == -1 ? "no answer" : status == -2 ? "timeout" : Integer.toString(status);
            String[] parts0 = req.getValue().split("\u0000", 2);
            if (status < 0) {
                String line = parts0[1].split(" body ")[0];
                String why = BAD_ESCAPE.matcher(line).find() ? "bad %-escape in the URL"
                        : req.getKey().length > 1_000_000 ? "body over 1 MiB" : "other";
                count(noAnswerWhy, why);
            }
            count(httpStatuses, st);
            String[] parts = req.getValue().split("\u0000", 2);
            httpByEndpoint.computeIfAbsent(parts[0], x -> new ConcurrentHashMap<>()).merge(st, 1L, Long::sum);
            if (status < 0 || status >= 500 && status != 503) {
                finding(status < 0 ? "HTTP no answer" : "HTTP 5xx other than 503", st + " for " + parts[1]);
            }
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    /** After fuzzing: every open fuzzer pings; silent ones within 10 s are stuck, and so are ids left unanswered. */
    private Map<String, Object> stuckCheck(List<Fuzzer> fz) throws InterruptedException {
        Thread.sleep(3000);
        int asked = 0;
        for (Fuzzer f : fz) {
            Channel c = f.ch;
            if (f.open && c != null) {
                asked++;
                c.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"final\",\"data\":{}}"));
            }
        }
        Thread.sleep(10_000);
        int stuck = 0;
        long unanswered = 0;
        List<String> samples = new ArrayList<>();
        for (Fuzzer f : fz) {
            if (f.open && !f.finalAnswered) {
                stuck++;
            }
            if (f.open) {
                long old = System.nanoTime() - 10_000_000_000L;
                for (Map.Entry<String, Long> e : f.pending.entrySet()) {
                    if (e.getValue() < old) {
                        unanswered++;
                        if (samples.size() < 10) {
                            String text = String.valueOf(f.samples.get(e.getKey()));
                            samples.add(e.getKey() + " (" + text.length() + " chars, nesting " + nesting(text) + "): "
                                    + (text.length() > 20_000 ? text.substring(0, 20_000) + "…" : text));
                        }
                    }
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open_fuzzers", asked);
        m.put("stuck_connections", stuck);
        m.put("unanswered_ids_on_open_connections", unanswered);
        m.put("unanswered_id_samples", samples);
        for (Fuzzer f : fz) {
            Channel c = f.ch;
            if (c != null) {
                c.close();
            }
        }
        return m;
    }

    /** The deepest nesting of brackets and braces outside strings. */
    static int nesting(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return max;
    }

    /** WARN/ERROR lines and stack traces in the nodes' logs. */
    private Map<String, Object> logCounts() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String id : nodeIds) {
            try {
                List<String> lines = Files.readAllLines(log("node-" + id));
                Map<String, Long> c = new HashMap<>();
                for (String l : lines) {
                    if (l.contains(" ERROR ")) {
                        c.merge("ERROR", 1L, Long::sum);
                    } else if (l.contains(" WARN ")) {
                        c.merge("WARN", 1L, Long::sum);
                    } else if (l.startsWith("\tat ")) {
                        c.merge("stack frames", 1L, Long::sum);
                    }
                }
                m.put(id, c);
            } catch (IOException e) {
                m.put(id, String.valueOf(e));
            }
        }
        return m;
    }
}
