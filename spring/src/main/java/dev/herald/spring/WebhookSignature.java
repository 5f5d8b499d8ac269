package dev.herald.spring;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a {@code Herald-Signature} header ({@code t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">}): some {@code v1} must match and {@code t} must be within the tolerance of
 * this machine's clock.
 */
final class WebhookSignature {
    private final byte[] secret;
    private final Duration tolerance;
    private final Clock clock;

    WebhookSignature(String secret, Duration tolerance, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** @return whether {@code header} signs {@code body} with the secret, recently enough */
    boolean verify(String header, byte[] body) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String t = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                t = value;
            } else if (key.equals("v1")) {
                try {
                    signatures.add(HexFormat.of().parseHex(value.toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException notHex) {
                    // an unreadable v1 matches nothing
                }
            }
        }
        if (t == null || signatures.isEmpty()) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(t);
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(t, body);
        for (byte[] candidate : signatures) {
            if (MessageDigest.isEqual(expected, candidate)) {
                return true;
            }
        }
        return false;
    }

    private byte[] hmac(String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(t.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
