package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An event-stream ({@code /sse}) client on a plain socket, reading the bytes as they arrive and
 * parsing them the way the WHATWG spec says (lines, {@code field: value}, a blank line dispatches),
 * so the test sees exactly what went on the wire: each event's {@code event}, {@code data} and
 * {@code id} lines, and the comment lines between them. A refused request's status and JSON body
 * are kept instead.
 */
public final class SseClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One dispatched event: its fields as sent (null when absent) and the raw lines it was made of. */
    public record Event(String event, String data, String id, List<String> lines) {
        public JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String type() {
            return event;
        }
    }

    private final Socket socket;
    private final int status;
    private final Map<String, String> headers;
    private final String body;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<Event> kept = new ArrayList<>();
    private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean ended;

    private static final Object EOF = new Object();

    private SseClient(Socket socket, int status, Map<String, String> headers, String body, BufferedReader in) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.body = body;
        if (status == 200) {
            Thread reader = new Thread(() -> read(in), "sse-client");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** {@code GET pathAndQuery} with {@code extraHeaders}; the answer's head is read before this returns. */
    public static SseClient open(int port, String pathAndQuery, Map<String, String> extraHeaders) {
        return open(port, pathAndQuery, extraHeaders, 0);
    }

    /** As {@link #open}, with a small receive buffer (bytes; 0 = system default). */
    public static SseClient open(int port, String pathAndQuery, Map<String, String> extraHeaders, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(0);
            StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n");
            extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            if (receiveBuffer > 0) {
                return new SseClient(s, -1, Map.of(), null, null); // never reads
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String statusLine = in.readLine();
            if (statusLine == null) {
                throw new IOException("no answer");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            String body = null;
            if (status != 200) {
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                char[] chars = new char[length];
                int n = 0;
                while (n < length) {
                    int r = in.read(chars, n, length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                body = new String(chars, 0, n);
            }
            return new SseClient(s, status, headers, body, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(BufferedReader in) {
        List<String> lines = new ArrayList<>();
        String event = null;
        String id = null;
        StringBuilder data = null;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        inbox.add(new Event(event, data.toString(), id, List.copyOf(lines)));
                    }
                    lines.clear();
                    event = null;
                    id = null;
                    data = null;
                    continue;
                }
                lines.add(line);
                if (line.startsWith(":")) {
                    comments.add(line);
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> event = value;
                    case "id" -> id = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            ended = true;
            inbox.add(EOF);
        }
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The refusal's JSON envelope. */
    public JsonNode body() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> comments() {
        return comments;
    }

    /** The next event in arrival order (kept ones first), or null when the stream ended. */
    public Event next(Duration wait) {
        if (!kept.isEmpty()) {
            return kept.remove(0);
        }
        try {
            Object o = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (o == EOF) {
                inbox.add(EOF);
                return null;
            }
            return (Event) o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first event matching {@code which}; the others it skips are kept for {@link #next}. */
    public Event await(String what, Predicate<Event> which) {
        for (int i = 0; i < kept.size(); i++) {
            if (which.test(kept.get(i))) {
                return kept.remove(i);
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object o;
            try {
                o = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (o == null || o == EOF) {
                if (o == EOF) {
                    inbox.add(EOF);
                }
                throw new AssertionError("no " + what + " within " + TIMEOUT + (o == EOF ? " (the stream ended)" : "")
                        + "; kept: " + kept.stream().map(Event::lines).toList());
            }
            Event e = (Event) o;
            if (which.test(e)) {
                return e;
            }
            kept.add(e);
        }
    }

    public Event awaitType(String type) {
        return await("event " + type, e -> type.equals(e.event()));
    }

    /** Nothing more arrives (besides comments) within {@code wait}; kept events count. */
    public void expectNoEvent(Duration wait, Predicate<Event> which) {
        kept.stream().filter(which).findFirst().ifPresent(e -> {
            throw new AssertionError("unexpected " + e.lines());
        });
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Event e = next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (e != null && which.test(e)) {
                throw new AssertionError("unexpected " + e.lines());
            }
            if (e != null) {
                kept.add(e);
            } else if (ended) {
                return;
            }
        }
    }

    /** Whether the server ended the stream within {@code wait}. */
    public boolean awaitEnd(Duration wait) {
        Await.until("the stream ends", () -> ended, wait);
        return ended;
    }

    /** For a client that never reads: whether the server closed the socket (a read gets EOF or a reset). */
    public boolean closedByServer(Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            byte[] buf = new byte[1 << 16];
            while (true) {
                if (socket.getInputStream().read(buf) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
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
