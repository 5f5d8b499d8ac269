package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain TCP client that speaks just enough HTTP/1.1 and WebSocket (RFC 6455) to do what a real
 * client library will not: read the body of a refused upgrade, send malformed or huge frames, never
 * read (slow consumer), or go silent without a close frame (half-open TCP). Nothing is answered
 * automatically: server pings stay unanswered unless the test calls {@link #sendPong}.
 */
public final class RawSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** An HTTP response: status, lower-cased header names, body as text. */
    public record HttpReply(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** One WebSocket frame as received (unmasked payload). */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(payload);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        /** The status code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection to {@code 127.0.0.1:port}. */
    public static RawSocket open(int port) {
        return open(port, 0);
    }

    /** Opens a connection with a small receive buffer (bytes; 0 = system default), for slow-consumer tests. */
    public static RawSocket open(int port, int receiveBufferBytes) {
        try {
            Socket s = new Socket();
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            return new RawSocket(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a WebSocket upgrade for {@code pathAndQuery} and reads the response head (and body unless 101). */
    public HttpReply upgrade(String pathAndQuery, Map<String, String> headers) {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", "127.0.0.1");
        all.put("Upgrade", "websocket");
        all.put("Connection", "Upgrade");
        all.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(key));
        all.put("Sec-WebSocket-Version", "13");
        all.putAll(headers);
        return request("GET", pathAndQuery, all, null);
    }

    /** Opens a socket and completes a WebSocket handshake; fails unless the server answers 101. */
    public static RawSocket connectWs(int port, String pathAndQuery) {
        return connectWs(port, pathAndQuery, 0);
    }

    public static RawSocket connectWs(int port, String pathAndQuery, int receiveBufferBytes) {
        RawSocket s = open(port, receiveBufferBytes);
        HttpReply r = s.upgrade(pathAndQuery, Map.of());
        if (r.status() != 101) {
            s.close();
            throw new AssertionError("upgrade refused: " + r.status() + " " + r.body());
        }
        return s;
    }

    /** Sends one HTTP/1.1 request; reads the status line, headers and (unless 101) the body. */
    public HttpReply request(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        try {
            StringBuilder head = new StringBuilder().append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
            boolean hasHost = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("host"));
            if (!hasHost) {
                head.append("Host: 127.0.0.1\r\n");
            }
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return readResponse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one HTTP response from the socket. */
    public HttpReply readResponse() throws IOException {
        String status = readLine();
        if (status == null) {
            throw new EOFException("the server closed the connection without a response");
        }
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (code == 101) {
            return new HttpReply(code, headers, "");
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        return new HttpReply(code, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Encodes one masked client frame. */
    public static byte[] encodeFrame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        int len = payload.length;
        if (len < 126) {
            f.write(0x80 | len);
        } else if (len < 65536) {
            f.write(0x80 | 126);
            f.write(len >>> 8);
            f.write(len);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) len >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.write(mask, 0, 4);
        byte[] masked = new byte[len];
        for (int i = 0; i < len; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        f.write(masked, 0, len);
        return f.toByteArray();
    }

    /** Writes bytes as they are (several encoded frames at once, for a burst). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendFrame(int opcode, boolean fin, byte[] payload) {
        try {
            writeRaw(encodeFrame(opcode, fin, payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void sendText(String text) {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendPong(byte[] payload) {
        sendFrame(PONG, true, payload);
    }

    public void sendClose(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        sendFrame(CLOSE, true, p);
    }

    /** The next frame, or null when the server closed the TCP connection (EOF or reset). */
    public Frame readFrame(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int b0 = in.read();
            if (b0 == -1) {
                return null;
            }
            int b1 = readByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (readByte() << 8) | readByte();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | readByte();
                }
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) len);
            if (payload.length != len) {
                return null;
            }
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
            }
            return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            return null; // connection reset: the server is gone
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b == -1) {
            throw new EOFException();
        }
        return b;
    }

    /** The next text frame as JSON, skipping pings and pongs (left unanswered). */
    public JsonNode readJson(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (f == null) {
                throw new AssertionError("the server closed the connection");
            }
            if (f.opcode() == TEXT) {
                return f.json();
            }
            if (f.opcode() == CLOSE) {
                throw new AssertionError("the server closed with " + f.closeCode() + " " + f.closeReason());
            }
        }
    }

    /** The next text frame of {@code type}, discarding other frames (and leaving pings unanswered). */
    public JsonNode awaitType(String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode f = readJson(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (type.equals(f.path("type").asText())) {
                return f;
            }
        }
    }

    /**
     * Reads (and discards text, pings, pongs) until a close frame arrives; returns it, or null when
     * the TCP connection ended without one.
     */
    public Frame awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = readFrame(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (f == null || f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /** True when the server has ended the TCP connection within {@code timeout} (reads and drops anything). */
    public boolean awaitEof(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[65536];
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    if (in.read(sink) == -1) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
