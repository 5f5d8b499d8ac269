package dev.herald.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Date;

/**
 * Mints user tokens (claims {@code sub}, {@code exp}): HS256 with the server's secret, or RS256 /
 * ES256 with a private key whose public half the server was given ({@link TokenKeys}).
 */
public final class Tokens {
    private final JWSSigner signer;
    private final JWSAlgorithm alg;
    private final long expiresAtMillis;

    /** HS256 with {@code secret}. */
    public Tokens(String secret, long ttlSeconds) {
        this(macSigner(secret), JWSAlgorithm.HS256, ttlSeconds);
    }

    private Tokens(JWSSigner signer, JWSAlgorithm alg, long ttlSeconds) {
        this.signer = signer;
        this.alg = alg;
        this.expiresAtMillis = System.currentTimeMillis() + ttlSeconds * 1000;
    }

    /**
     * Tokens of {@code alg}: HS256 signs with {@code secret}; RS256 and ES256 with
     * {@code privateKeyPkcs8} (base64 of the PKCS#8 encoding, as {@link TokenKeys#privateKeyBase64()}).
     */
    public static Tokens of(String alg, String secret, String privateKeyPkcs8, long ttlSeconds) {
        try {
            return switch (TokenKeys.algorithm(alg)) {
                case "HS256" -> new Tokens(secret, ttlSeconds);
                case "RS256" -> new Tokens(new RSASSASigner(privateKey("RSA", privateKeyPkcs8)), JWSAlgorithm.RS256, ttlSeconds);
                case "ES256" -> new Tokens(new ECDSASigner((ECPrivateKey) privateKey("EC", privateKeyPkcs8)),
                        JWSAlgorithm.ES256, ttlSeconds);
                default -> throw new IllegalArgumentException(alg);
            };
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign " + alg + ": " + e.getMessage(), e);
        }
    }

    public String mint(long userId) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(Long.toString(userId))
                .expirationTime(new Date(expiresAtMillis))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static MACSigner macSigner(String secret) {
        try {
            return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the JWT secret must be at least 32 bytes", e);
        }
    }

    private static PrivateKey privateKey(String family, String pkcs8Base64) {
        if (pkcs8Base64 == null || pkcs8Base64.isEmpty()) {
            throw new IllegalArgumentException("no private key to sign " + family + " tokens with");
        }
        try {
            return KeyFactory.getInstance(family).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8Base64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a " + family + " private key: " + e.getMessage(), e);
        }
    }
}
