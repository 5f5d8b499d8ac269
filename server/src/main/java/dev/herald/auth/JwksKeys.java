package dev.herald.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RS256/ES256 keys of an identity provider's JWKS ({@code auth.jwks-url}), so that tokens minted
 * by Keycloak, Auth0, Okta … can be checked by their {@code kid}.
 *
 * <p>Tokens are verified on Netty event loops, which must never wait on the network, so a lookup
 * never fetches: it answers from the keys in memory. A token naming a {@code kid} not among them is
 * refused at once, and a refresh is scheduled on this class's own thread — immediately if the last
 * fetch began at least {@link #MIN_REFRESH_INTERVAL} ago, otherwise when that interval is over — and
 * never more than one is pending, whatever the traffic, so anonymous clients sending made-up
 * {@code kid}s cannot make Herald hammer the identity provider. A failed fetch keeps the keys
 * already known. At most {@link #MAX_KEYS} keys and {@link #MAX_BODY_BYTES} of JWKS are read.
 *
 * <p>Thread-safe: the key map is replaced whole (a volatile reference to an immutable map), fetches
 * run on one daemon thread.
 */
public final class JwksKeys implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
    /** The shortest time between the starts of two fetches. */
    public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(5);
    /** Keys kept from one JWKS; later ones are ignored (and logged). */
    static final int MAX_KEYS = 100;
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final HttpClient http;
    private final ScheduledExecutorService fetcher;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final AtomicLong lastFetchStart;
    private volatile Map<String, Entry> keys = Map.of();
    private volatile boolean everFetched;

    private record Entry(JWSAlgorithm alg, JWSVerifier verifier) {}

    /** Fetches the key set once, synchronously (call it off the event loops); an outage is logged, not thrown. */
    public static JwksKeys load(URI url) {
        return load(url, MIN_REFRESH_INTERVAL);
    }

    /** {@link #load(URI)} with another interval between fetches (tests shorten it). */
    static JwksKeys load(URI url, Duration minRefreshInterval) {
        JwksKeys keys = new JwksKeys(url, minRefreshInterval, System::nanoTime);
        keys.fetch();
        return keys;
    }

    JwksKeys(URI url, Duration minRefreshInterval, LongSupplier nanoTime) {
        this.url = Objects.requireNonNull(url);
        this.intervalNanos = minRefreshInterval.toNanos();
        this.nanoTime = nanoTime;
        this.lastFetchStart = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.fetcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-jwks");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The verifier of the key {@code kid} names, for {@code alg}; refuses with a client-facing
     * reason (and schedules a refresh) when the key is not known.
     */
    JWSVerifier verifier(String kid, JWSAlgorithm alg) throws TokenException {
        if (kid == null) {
            throw new TokenException("token_invalid", "the token has no kid header naming a key of the JWKS");
        }
        Entry entry = keys.get(kid);
        if (entry == null) {
            requestRefresh();
            if (!everFetched) {
                throw new TokenException("token_keys_unavailable", "the identity provider's key set could not be"
                        + " fetched yet; try again in a few seconds");
            }
            throw new TokenException("token_key_unknown", "the token's kid '" + printable(kid) + "' is not in the"
                    + " identity provider's key set; it is being refreshed, try again in a few seconds");
        }
        if (!entry.alg().equals(alg)) {
            throw new TokenException("token_invalid", "the key '" + printable(kid) + "' signs " + entry.alg() + ", not " + alg);
        }
        return entry.verifier();
    }

    /** Schedules one refresh, unless one is pending; it starts no sooner than the interval after the last one. */
    void requestRefresh() {
        if (!refreshPending.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(0, lastFetchStart.get() + intervalNanos - nanoTime.getAsLong());
        try {
            fetcher.schedule(() -> {
                try {
                    fetch();
                } finally {
                    refreshPending.set(false);
                }
            }, wait, TimeUnit.NANOSECONDS);
        } catch (RuntimeException closed) {
            refreshPending.set(false);
        }
    }

    /** Fetches and installs the key set; on any failure logs it and keeps the keys known. */
    private void fetch() {
        lastFetchStart.set(nanoTime.getAsLong());
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
            HttpResponse<InputStream> reply = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = reply.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (reply.statusCode() != 200) {
                throw new IOException("HTTP " + reply.statusCode());
            }
            if (body.length > MAX_BODY_BYTES) {
                throw new IOException("larger than " + MAX_BODY_BYTES + " bytes");
            }
            keys = parse(JWKSet.parse(new String(body, StandardCharsets.UTF_8)));
            everFetched = true;
            log.info("jwks: {} signing keys from {}", keys.size(), url);
        } catch (IOException | ParseException | RuntimeException e) {
            log.warn("jwks: cannot fetch {} ({}); {}", url, e, everFetched ? "keeping the " + keys.size() + " keys known"
                    : "RS256/ES256 tokens are refused until a fetch succeeds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** RSA keys for RS256, P-256 EC keys for ES256; keys without kid, for encryption or of other kinds are skipped. */
    private Map<String, Entry> parse(JWKSet set) {
        Map<String, Entry> out = new HashMap<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk.getKeyID() == null || (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))) {
                continue;
            }
            if (out.size() == MAX_KEYS) {
                log.warn("jwks: {} holds more than {} keys; the rest are ignored", url, MAX_KEYS);
                break;
            }
            try {
                if (jwk instanceof RSAKey rsa && allows(jwk, JWSAlgorithm.RS256)) {
                    out.putIfAbsent(jwk.getKeyID(), new Entry(JWSAlgorithm.RS256, new RSASSAVerifier(rsa)));
                } else if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && allows(jwk, JWSAlgorithm.ES256)) {
                    out.putIfAbsent(jwk.getKeyID(), new Entry(JWSAlgorithm.ES256, new ECDSAVerifier(ec)));
                }
            } catch (JOSEException e) {
                log.warn("jwks: key '{}' of {} is unusable ({})", jwk.getKeyID(), url, e.getMessage());
            }
        }
        return Map.copyOf(out);
    }

    private static boolean allows(JWK jwk, JWSAlgorithm alg) {
        return jwk.getAlgorithm() == null || alg.equals(jwk.getAlgorithm());
    }

    private static String printable(String kid) {
        String cut = kid.length() > 64 ? kid.substring(0, 64) + "…" : kid;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    /** How many keys are known (for tests and logs). */
    int size() {
        return keys.size();
    }

    @Override
    public void close() {
        fetcher.shutdownNow();
    }
}
