package dev.herald.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the signature of a webhook request from Herald. Each request carries
 *
 * <pre>Herald-Signature: t=1733480000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd</pre>
 *
 * where {@code t} is the Unix time (seconds) of signing and each {@code v1} is the lower-case hex
 * HMAC-SHA256, keyed with the webhook secret, of {@code "<t>.<raw body>"} (the body's bytes exactly
 * as received). While a secret is being rotated the header holds one {@code v1} per secret; a
 * request is genuine when any of them matches.
 *
 * <pre>{@code
 * if (!Webhooks.verify(secret, request.getHeader(Webhooks.HEADER), rawBody)) {
 *     return 400; // not from Herald, altered, or replayed later than the tolerance
 * }
 * }</pre>
 *
 * <p>Semantics: {@code verify} answers {@code false} for every request that must be refused — no or
 * malformed header, no {@code v1} that matches, {@code t} further than the tolerance from now (either
 * way) — and never throws for anything in the request. It throws only for a programming error: a
 * null or empty secret, a null body, a negative tolerance. Signatures are compared in constant
 * time. Verify the raw body before parsing it: re-serialized JSON does not match.
 */
public final class Webhooks {
    /** The name of the signature header. */
    public static final String HEADER = "Herald-Signature";
    /** How far {@code t} may be from now by default: five minutes. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final int MAX_HEADER = 4096;
    private static final HexFormat HEX = HexFormat.of();

    private Webhooks() {}

    /**
     * Verifies with the {@linkplain #DEFAULT_TOLERANCE default tolerance} against the current time.
     *
     * @param secret the webhook secret
     * @param header the {@code Herald-Signature} header's value (null when absent: false)
     * @param body   the raw request body
     * @return whether the request is genuine and recent
     */
    public static boolean verify(String secret, String header, byte[] body) {
        return verify(secret, header, body, DEFAULT_TOLERANCE, Instant.now());
    }

    /**
     * As {@link #verify(String, String, byte[])} for a body already read as UTF-8 text (it is
     * encoded back to UTF-8; prefer the bytes when you have them).
     *
     * @param secret the webhook secret
     * @param header the {@code Herald-Signature} header's value (null when absent: false)
     * @param body   the raw request body as text
     * @return whether the request is genuine and recent
     */
    public static boolean verify(String secret, String header, String body) {
        Objects.requireNonNull(body, "body");
        return verify(secret, header, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Verifies with an explicit tolerance and time.
     *
     * @param secret    the webhook secret
     * @param header    the {@code Herald-Signature} header's value (null when absent: false)
     * @param body      the raw request body
     * @param tolerance how far {@code t} may be from {@code now}, in the past or the future
     * @param now       the time to check {@code t} against (normally {@code Instant.now()})
     * @return whether the request is genuine and {@code t} within the tolerance
     */
    public static boolean verify(String secret, String header, byte[] body, Duration tolerance, Instant now) {
        requireSecret(secret);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(tolerance, "tolerance");
        Objects.requireNonNull(now, "now");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative");
        }
        if (header == null || header.length() > MAX_HEADER) {
            return false;
        }
        Long t = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (key.equals("t")) {
                if (t != null || !value.matches("[0-9]{1,12}")) {
                    return false;
                }
                t = Long.parseLong(value);
            } else if (key.equals("v1")) {
                if (!value.matches("[0-9a-fA-F]{64}")) {
                    return false;
                }
                signatures.add(HEX.parseHex(value));
            }
            // other schemes (v0, a future v2) are ignored, as rotation of the scheme needs
        }
        if (t == null || signatures.isEmpty()) {
            return false;
        }
        long skew = Math.abs(now.getEpochSecond() - t);
        if (skew > tolerance.getSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, t, body);
        boolean match = false;
        for (byte[] s : signatures) {
            match |= MessageDigest.isEqual(expected, s); // constant time; look at every one
        }
        return match;
    }

    /**
     * The header value Herald sends for {@code body} signed at {@code timestamp} — for tests of your
     * webhook endpoint (Herald signs its own requests).
     *
     * @param secret    the webhook secret
     * @param timestamp Unix seconds
     * @param body      the raw body
     * @return {@code t=<timestamp>,v1=<hex>}
     */
    public static String sign(String secret, long timestamp, byte[] body) {
        requireSecret(secret);
        Objects.requireNonNull(body, "body");
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp must not be negative");
        }
        return "t=" + timestamp + ",v1=" + HEX.formatHex(hmac(secret, timestamp, body));
    }

    private static byte[] hmac(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static void requireSecret(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
    }
}
