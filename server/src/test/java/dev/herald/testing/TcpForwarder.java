package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback TCP forwarder in front of a server (a database, Redis) for fault tests: {@link #cut()}
 * pulls the plug (closes the listener and every open connection, as a crashed or unreachable
 * server looks to a client), and an optional delay holds every chunk for a fixed time in each
 * direction, in order (a slow network). Listens on and connects to 127.0.0.1 only.
 */
public final class TcpForwarder implements AutoCloseable {
    private record Chunk(long dueNanos, byte[] bytes) {}

    private static final Chunk END = new Chunk(0, new byte[0]);

    private final ServerSocket listener;
    private final int targetPort;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private boolean isCut;

    /** Forwards without delay. */
    public TcpForwarder(int targetPort) {
        this(targetPort, 0);
    }

    /** Forwards with {@code delayMillis} added in each direction. */
    public TcpForwarder(int targetPort, long delayMillis) {
        this.targetPort = targetPort;
        this.delayNanos = delayMillis * 1_000_000L;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("tcp-forwarder-accept", this::acceptLoop);
    }

    /** The local port to connect to instead of the server's. */
    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                if (!register(client, server)) {
                    return;
                }
                forward(client, server);
                forward(server, client);
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    /** A reader queues what arrives with the time it is due; a writer sends it then. */
    private void forward(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon("tcp-forwarder-read", () -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException ignored) {
                // closed
            } finally {
                queue.add(END);
            }
        });
        daemon("tcp-forwarder-write", () -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk c = queue.take(); c != END; c = queue.take()) {
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    /**
     * Keeps a new pair of sockets for {@link #cut()}, or closes it when the cut came while the pair
     * was being connected (it was accepted before the listener closed, so the cut's sweep would
     * miss it and the client would keep a working link through a "dead" server).
     */
    private synchronized boolean register(Socket client, Socket server) {
        if (isCut) {
            closeQuietly(client);
            closeQuietly(server);
            return false;
        }
        sockets.add(client);
        sockets.add(server);
        return true;
    }

    /** Connections accepted so far (each one a client's connect). */
    public int accepted() {
        return accepted.get();
    }

    /** Refuses new connections and drops every open one, including one being connected now. */
    public synchronized void cut() {
        isCut = true;
        closeQuietly(listener);
        sockets.forEach(TcpForwarder::closeQuietly);
    }

    @Override
    public void close() {
        cut();
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
