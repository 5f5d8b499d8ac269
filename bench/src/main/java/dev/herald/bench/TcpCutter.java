package dev.herald.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder in front of a server (the run's own PostgreSQL) that can cut the link
 * the way a network fault does, while the server itself keeps running:
 * <ul>
 *   <li>{@code RESET}: every open connection is reset (SO_LINGER 0) and new ones are accepted and
 *       reset at once, as a firewall rejecting the traffic;</li>
 *   <li>{@code BLACKHOLE}: bytes stop flowing both ways on open connections and new connections are
 *       accepted but never reach the server, as a silent network partition; on healing, the
 *       connections that lost bytes are reset (a TCP stream cannot resume after a gap).</li>
 * </ul>
 * {@link #heal()} forwards new connections again. Thread per direction: a database pool has tens of
 * connections.
 */
final class TcpCutter implements AutoCloseable {
    enum Mode { RESET, BLACKHOLE }

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile Mode cut;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    private final class Link {
        final Socket client;
        final Socket server;
        volatile boolean damaged;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void reset() {
            abort(client);
            abort(server);
            links.remove(this);
        }
    }

    TcpCutter(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        daemon("cutter-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Cuts every link in {@code mode}; new connections fare the same until {@link #heal()}. */
    void cut(Mode mode) {
        cut = mode;
        for (Link l : links) {
            if (mode == Mode.RESET) {
                l.reset();
            } else {
                l.damaged = true;
            }
        }
    }

    /** Forwards again; links damaged by a blackhole are reset. */
    void heal() {
        cut = null;
        for (Link l : links) {
            if (l.damaged) {
                l.reset();
            }
        }
    }

    int openLinks() {
        return links.size();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Mode mode = cut;
            if (mode == Mode.RESET) {
                refused.incrementAndGet();
                abort(client);
                continue;
            }
            if (mode == Mode.BLACKHOLE) {
                // accepted, never forwarded: the client waits for an answer that does not come
                Link l = new Link(client, new Socket());
                l.damaged = true;
                links.add(l);
                daemon("cutter-sink", () -> drain(client));
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                Link l = new Link(client, server);
                links.add(l);
                daemon("cutter-up", () -> pump(l, client, server));
                daemon("cutter-down", () -> pump(l, server, client));
            } catch (IOException e) {
                abort(client); // the server is down: so is the link
            }
        }
    }

    private void pump(Link l, Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (l.damaged) {
                    continue; // lost in the partition
                }
                out.write(buf, 0, n);
                out.flush();
            }
            // orderly end from one side: pass it on
            to.shutdownOutput();
        } catch (IOException e) {
            l.reset();
        }
    }

    private static void drain(Socket s) {
        byte[] buf = new byte[4096];
        try (InputStream in = s.getInputStream()) {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // reset on heal
        }
    }

    private static void abort(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
                s.close();
            }
        } catch (IOException ignored) {
            // gone already
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        links.forEach(Link::reset);
    }
}
