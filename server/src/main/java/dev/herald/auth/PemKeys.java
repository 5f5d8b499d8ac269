package dev.herald.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM public keys for {@code auth.jwt-public-key}, read with the JDK alone (kept apart from
 * {@link TokenVerifier} so that class stays about checking tokens). Stateless, thread-safe.
 */
final class PemKeys {
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemKeys() {}

    /**
     * Reads an RSA or EC public key from PEM text: a {@code PUBLIC KEY} block (what {@code openssl
     * pkey -pubout} writes) or a {@code CERTIFICATE}. Uses the JDK only (nimbus's own PEM parser
     * needs BouncyCastle's bcpkix, which Herald does not ship).
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    static PublicKey parse(String pem) {
        Matcher m = PEM_BLOCK.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("expected a PEM block -----BEGIN PUBLIC KEY----- (openssl pkey -pubout)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not valid base64");
        }
        try {
            if (m.group(1).equals("CERTIFICATE")) {
                return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            }
            for (String algorithm : new String[] {"RSA", "EC"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                } catch (InvalidKeySpecException notThisOne) {
                    // try the next algorithm
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM block cannot be read (" + e.getMessage() + ")");
        }
        throw new IllegalArgumentException("the PEM block is not an RSA or EC public key");
    }
}
