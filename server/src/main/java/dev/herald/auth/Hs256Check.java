package dev.herald.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The connect path's common case without the general JOSE machinery: a compact HS256 token with a
 * plain header. Each distinct header segment is parsed once (a handful exist in practice: the
 * cache is bounded), the signature is computed with a per-thread keyed {@link Mac} and compared in
 * constant time, and the claims are read by {@link FastClaims} without building a tree.
 *
 * <p>It only ever <em>accepts</em> what the full check would accept, and answers {@code null}
 * whenever it cannot decide — another algorithm, unusual header parameters (e.g. {@code crit},
 * {@code b64}), characters outside base64url, claims it does not read — so that
 * {@link TokenVerifier}'s full check gives the answer.
 */
final class Hs256Check {
    private static final int MAX_HEADERS = 64;
    private static final Set<String> PLAIN_HEADER_FIELDS = Set.of("alg", "typ", "kid", "cty");
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private final ConcurrentHashMap<String, Boolean> plainHs256Headers = new ConcurrentHashMap<>();
    private final ThreadLocal<Mac> macs;

    Hs256Check(byte[] secret) {
        SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        macs.get(); // fail at start-up, not on the first connection
    }

    /** A plain HS256 token's claims, and whether its signature matches. */
    record Checked(FastClaims claims, boolean signatureMatches) {}

    /** The claims and signature verdict of a plain HS256 token; null when this check cannot decide. */
    Checked check(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0 || !base64url(token)) {
            return null;
        }
        if (!plainHs256(token.substring(0, first))) {
            return null;
        }
        FastClaims claims;
        try {
            claims = FastClaims.read(BASE64URL.decode(token.substring(first + 1, second)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (claims == null) {
            return null;
        }
        byte[] given;
        try {
            given = BASE64URL.decode(token.substring(second + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] expected = macs.get().doFinal(token.substring(0, second).getBytes(StandardCharsets.US_ASCII));
        return new Checked(claims, MessageDigest.isEqual(expected, given));
    }

    private boolean plainHs256(String headerSegment) {
        Boolean plain = plainHs256Headers.get(headerSegment);
        if (plain == null) {
            JsonNode header = json(headerSegment);
            plain = header != null && header.isObject() && "HS256".equals(header.path("alg").textValue());
            if (plain) {
                for (var names = header.fieldNames(); names.hasNext(); ) {
                    plain &= PLAIN_HEADER_FIELDS.contains(names.next());
                }
            }
            if (plainHs256Headers.size() < MAX_HEADERS) {
                plainHs256Headers.put(headerSegment, plain);
            }
        }
        return plain;
    }

    private static JsonNode json(String segment) {
        try {
            return Json.MAPPER.readTree(BASE64URL.decode(segment));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Only base64url characters and the two dots (padding is not part of a JWS compact form). */
    private static boolean base64url(String token) {
        for (int i = 0; i < token.length(); i++) {
            char ch = token.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '_' || ch == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
