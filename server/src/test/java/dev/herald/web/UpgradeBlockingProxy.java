package dev.herald.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy in front of a node that will not carry WebSockets, like some corporate proxies:
 * a request with {@code Upgrade: websocket} is answered {@code 403} and closed; every other
 * connection is passed through byte for byte (the event stream included, unbuffered). It reads
 * only the first request head of a connection; browsers open WebSockets on connections of their own.
 */
final class UpgradeBlockingProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile int refusedUpgrades;

    UpgradeBlockingProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accept = new Thread(this::accept, "upgrade-blocking-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many WebSocket upgrades it refused so far. */
    int refusedUpgrades() {
        return refusedUpgrades;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "upgrade-blocking-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (text.contains("\nupgrade: websocket")) {
                refusedUpgrades++;
                client.getOutputStream().write(("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 26\r\nConnection: close\r\n\r\nWebSockets are not allowed").getBytes(StandardCharsets.US_ASCII));
                client.close();
                return;
            }
            Socket server = new Socket();
            open.add(server);
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
            server.getOutputStream().write(head);
            Thread back = new Thread(() -> pipe(server, client), "upgrade-blocking-proxy-back");
            back.setDaemon(true);
            back.start();
            pipe(client, server);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** The request head up to and including its blank line. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request head ended");
            }
            out.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return out.toByteArray();
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(UpgradeBlockingProxy::closeQuietly);
    }
}
