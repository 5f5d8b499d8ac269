package dev.herald.pusher;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pusher's signatures: a channel subscription's {@code auth} ({@code key:hex HMAC-SHA256(secret,
 * "socket_id:channel[:channel_data]")}) and the HTTP API's request signing ({@code auth_signature} =
 * hex HMAC-SHA256(secret, "METHOD\nPATH\nsorted query without auth_signature"), with
 * {@code auth_timestamp} within {@value #MAX_SKEW_SECONDS} s and {@code body_md5} for bodies).
 * Comparisons take constant time; no message here quotes a secret or a signature.
 */
public final class PusherSignature {
    public static final long MAX_SKEW_SECONDS = 600;

    private PusherSignature() {}

    /** Lower-case hex HMAC-SHA256 of {@code text} under {@code secret}. */
    public static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    public static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is unavailable", e);
        }
    }

    /** Constant-time comparison of two strings' UTF-8 bytes. */
    public static boolean same(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code auth} ({@code key:signature}) signs a subscription of {@code socketId} to
     * {@code channel}, with {@code channelData} (presence) or null.
     */
    public static boolean channelAuthValid(String key, String secret, String auth, String socketId, String channel,
                                           String channelData) {
        if (auth == null) {
            return false;
        }
        int colon = auth.indexOf(':');
        if (colon < 0 || !same(auth.substring(0, colon), key)) {
            return false;
        }
        String signed = socketId + ":" + channel + (channelData == null ? "" : ":" + channelData);
        return same(auth.substring(colon + 1), hmac(secret, signed));
    }

    /**
     * Checks an HTTP API request's signature; returns null when it is valid, otherwise why not (for a
     * 401). {@code query} is the decoded query string; {@code nowSeconds} the Unix time.
     */
    public static String requestProblem(String key, String secret, String method, String path,
                                        Map<String, List<String>> query, byte[] body, long nowSeconds) {
        String authKey = single(query, "auth_key");
        String timestamp = single(query, "auth_timestamp");
        String version = single(query, "auth_version");
        String signature = single(query, "auth_signature");
        if (authKey == null || timestamp == null || signature == null || version == null) {
            return "auth_key, auth_timestamp, auth_version and auth_signature are required";
        }
        if (!"1.0".equals(version)) {
            return "auth_version must be 1.0";
        }
        if (!same(authKey, key)) {
            return "unknown auth_key";
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return "auth_timestamp must be a Unix time in seconds";
        }
        if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) {
            return "Timestamp expired: auth_timestamp must be within " + MAX_SKEW_SECONDS + " s of the server's time ("
                    + nowSeconds + ")";
        }
        if (body != null && body.length > 0) {
            String md5 = single(query, "body_md5");
            if (md5 == null || !same(md5.toLowerCase(java.util.Locale.ROOT), md5(body))) {
                return "body_md5 does not match the body";
            }
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!e.getKey().equals("auth_signature") && !e.getValue().isEmpty()) {
                sorted.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue().get(0));
            }
        }
        StringBuilder q = new StringBuilder();
        sorted.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(k).append('=').append(v));
        String expected = hmac(secret, method + "\n" + path + "\n" + q);
        if (!same(signature.toLowerCase(java.util.Locale.ROOT), expected)) {
            return "Invalid signature: you should have sent HmacSHA256Hex(\"" + method + "\\n" + path + "\\n" + q
                    + "\", your_secret_key)";
        }
        return null;
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
