package dev.herald.testing;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;

/** PEM text of keys, as an operator would configure them. */
public final class Pem {
    private Pem() {}

    /** A public key as {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo, the openssl default). */
    public static String publicKey(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
