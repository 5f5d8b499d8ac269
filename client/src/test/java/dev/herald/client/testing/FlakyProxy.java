package dev.herald.client.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a test server that misbehaves on cue, one scripted {@link Action} per
 * accepted connection (then it forwards): to test what a client does when an answer is lost or the
 * server is briefly unavailable.
 */
public final class FlakyProxy implements AutoCloseable {
    /** What the proxy does with one connection. */
    public sealed interface Action permits Forward, DropAnswer, Reply {}

    /** Passes bytes both ways. */
    public record Forward() implements Action {}

    /**
     * Passes the request to the server, waits for the first bytes of its answer (so the server did
     * the work), then closes the client's connection without passing the answer on.
     */
    public record DropAnswer() implements Action {}

    /**
     * Reads the request, answers it itself with an envelope of {@code status} (and a
     * {@code Retry-After} header when not null) and closes; the server sees nothing.
     *
     * @param status     the HTTP status
     * @param retryAfter the header's value, or null
     */
    public record Reply(int status, String retryAfter) implements Action {}

    private final ServerSocket listener;
    private final int targetPort;
    private final Queue<Action> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private FlakyProxy(int targetPort) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "flaky-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param targetPort the port on 127.0.0.1 to forward to
     * @return a proxy listening on a free loopback port
     */
    public static FlakyProxy start(int targetPort) throws IOException {
        return new FlakyProxy(targetPort);
    }

    /** @param next what to do with the next connections, in order; after them it forwards */
    public void script(Action... next) {
        script.addAll(List.of(next));
    }

    /** @return connections accepted so far */
    public int connections() {
        return connections.get();
    }

    /** @return the proxy's port on 127.0.0.1 */
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(FlakyProxy::quietly);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                open.add(client);
                Action action = script.poll();
                Thread t = new Thread(() -> serve(client, action == null ? new Forward() : action), "flaky-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client, Action action) {
        try {
            if (action instanceof Reply r) {
                readRequest(client.getInputStream());
                byte[] body = ("{\"code\":" + r.status() + ",\"message\":\"proxy says " + r.status() + "\",\"data\":null}")
                        .getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 " + r.status() + " Flaky\r\nContent-Type: application/json; charset=utf-8\r\n"
                        + (r.retryAfter() == null ? "" : "Retry-After: " + r.retryAfter() + "\r\n")
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
                OutputStream out = client.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                client.shutdownOutput();
                client.getInputStream().readAllBytes(); // until the client closes
                return;
            }
            Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(server);
            Thread up = new Thread(() -> pipe(client, server), "flaky-proxy-up");
            up.setDaemon(true);
            up.start();
            if (action instanceof DropAnswer) {
                int first = server.getInputStream().read(); // the server answered: the work is done
                if (first >= 0) {
                    client.setSoLinger(true, 0); // reset, as a dying middlebox would
                }
                quietly(client);
                quietly(server);
            } else {
                pipe(server, client);
            }
        } catch (IOException e) {
            quietly(client);
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            quietly(from);
            quietly(to);
        }
    }

    /** Reads one request: the head, then Content-Length bytes of body. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.skipNBytes(length);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
