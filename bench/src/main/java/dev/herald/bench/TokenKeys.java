package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A fresh key pair for RS256 (RSA 2048) or ES256 (EC P-256) tokens: the server gets the public key
 * as a PEM file ({@code auth.jwt-public-key}, env {@code HERALD_AUTH_JWT_PUBLIC_KEY}), the load
 * generator's workers the private key to mint with.
 */
record TokenKeys(String alg, String privateKeyBase64, String publicKeyPem) {
    static final List<String> ALGORITHMS = List.of("HS256", "RS256", "ES256");

    /** {@code alg} upper-cased, or an error naming the ones the bench knows. */
    static String algorithm(String alg) {
        String a = alg == null ? "" : alg.trim().toUpperCase(Locale.ROOT);
        if (!ALGORITHMS.contains(a)) {
            throw new IllegalArgumentException("unknown token algorithm '" + alg + "': one of " + String.join(", ", ALGORITHMS));
        }
        return a;
    }

    static TokenKeys generate(String alg) {
        String a = algorithm(alg);
        try {
            KeyPairGenerator g;
            if (a.equals("RS256")) {
                g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
            } else if (a.equals("ES256")) {
                g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                throw new IllegalArgumentException("HS256 uses the shared secret, not a key pair");
            }
            KeyPair pair = g.generateKeyPair();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            return new TokenKeys(a, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()), pem);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a " + a + " key pair", e);
        }
    }

    /** Writes the public key to a new temporary PEM file (deleted when the bench exits). */
    Path writePublicKey() throws IOException {
        Path file = Files.createTempFile("herald-bench-" + alg.toLowerCase(Locale.ROOT) + "-", ".pem");
        file.toFile().deleteOnExit();
        Files.writeString(file, publicKeyPem);
        return file;
    }
}
