package dev.herald.webhooks;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pusher's webhook signature: {@code X-Pusher-Key} names the app, {@code X-Pusher-Signature} is the
 * hex HMAC-SHA256 of the raw request body keyed with the app secret (as Pusher's server SDKs'
 * {@code webhook(...).isValid()} check it).
 */
final class PusherWebhookSignature {
    static final String KEY_HEADER = "X-Pusher-Key";
    static final String HEADER = "X-Pusher-Signature";

    private PusherWebhookSignature() {}

    static String hex(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
