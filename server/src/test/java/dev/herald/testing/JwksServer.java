package dev.herald.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on a loopback port standing in for an identity provider: it serves the public
 * parts of the keys it is given as a JWKS at {@code /jwks.json} and counts the requests. Thread-safe.
 */
public final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    private final List<JWK> keys = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    public JwksServer(JWK... initial) {
        keys.addAll(List.of(initial));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks.json", exchange -> {
            requests.incrementAndGet();
            byte[] body = new JWKSet(List.copyOf(keys)).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    /** Publishes one more key (its public part). */
    public void add(JWK key) {
        keys.add(key);
    }

    /** How many times the JWKS was asked for. */
    public int requests() {
        return requests.get();
    }

    /** Stops serving: the port refuses connections from now on, like an identity provider that is down. */
    @Override
    public void close() {
        server.stop(0);
    }
}
