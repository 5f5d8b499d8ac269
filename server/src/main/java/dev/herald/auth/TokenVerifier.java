package dev.herald.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies user tokens: HS256 with the shared secret, and RS256/ES256 when a public key is
 * configured. Unsigned ({@code alg: none}) tokens, other algorithms, bad signatures, a missing or
 * non-numeric {@code sub} and expired tokens are refused. Thread-safe.
 */
public final class TokenVerifier {
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN (PUBLIC KEY|CERTIFICATE)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final JWSVerifier hmac;
    private final Optional<JWSVerifier> asymmetric;
    private final JWSAlgorithm.Family asymmetricFamily;
    private final Duration clockSkew;
    private final Clock clock;

    public TokenVerifier(byte[] secret, Optional<String> publicKeyPem, Duration clockSkew, Clock clock) {
        this.clockSkew = Objects.requireNonNull(clockSkew);
        this.clock = Objects.requireNonNull(clock);
        try {
            this.hmac = secret.length >= 32 ? new MACVerifier(secret) : null;
            if (publicKeyPem.isPresent()) {
                PublicKey key = parsePublicKey(publicKeyPem.get());
                if (key instanceof RSAPublicKey rsa) {
                    this.asymmetric = Optional.of(new RSASSAVerifier(rsa));
                    this.asymmetricFamily = JWSAlgorithm.Family.RSA;
                } else {
                    this.asymmetric = Optional.of(new ECDSAVerifier((ECPublicKey) key));
                    this.asymmetricFamily = JWSAlgorithm.Family.EC;
                }
            } else {
                this.asymmetric = Optional.empty();
                this.asymmetricFamily = null;
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("auth.jwt-public-key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an RSA or EC public key from PEM text: a {@code PUBLIC KEY} block (what {@code openssl
     * pkey -pubout} writes) or a {@code CERTIFICATE}. Uses the JDK only (nimbus's own PEM parser
     * needs BouncyCastle's bcpkix, which Herald does not ship).
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static PublicKey parsePublicKey(String pem) {
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

    /** Returns the principal a valid token names, or throws with a client-facing reason. */
    public Principal verify(String token) throws TokenException {
        if (token == null || token.isBlank()) {
            throw new TokenException("token_missing", "a token is required");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new TokenException("token_invalid", "the token is not a signed JWT");
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        JWSVerifier verifier = verifierFor(alg);
        try {
            if (!jwt.verify(verifier)) {
                throw new TokenException("token_invalid", "the token signature does not match");
            }
        } catch (JOSEException e) {
            throw new TokenException("token_invalid", "the token signature cannot be checked");
        }
        return principal(claims);
    }

    private JWSVerifier verifierFor(JWSAlgorithm alg) throws TokenException {
        if (JWSAlgorithm.HS256.equals(alg) && hmac != null) {
            return hmac;
        }
        if (asymmetric.isPresent()
                && ((asymmetricFamily == JWSAlgorithm.Family.RSA && JWSAlgorithm.RS256.equals(alg))
                || (asymmetricFamily == JWSAlgorithm.Family.EC && JWSAlgorithm.ES256.equals(alg)))) {
            return asymmetric.get();
        }
        throw new TokenException("token_invalid", "tokens signed with " + alg + " are not accepted");
    }

    private Principal principal(JWTClaimsSet claims) throws TokenException {
        long userId;
        try {
            userId = Long.parseLong(Objects.requireNonNullElse(claims.getSubject(), ""));
        } catch (NumberFormatException e) {
            throw new TokenException("token_invalid", "the token's sub must be a positive user id");
        }
        if (userId <= 0) {
            throw new TokenException("token_invalid", "the token's sub must be a positive user id");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenException("token_invalid", "the token has no exp claim");
        }
        Instant expiresAt = exp.toInstant();
        if (expiresAt.plus(clockSkew).isBefore(clock.instant())) {
            throw new TokenException("token_expired", "the token has expired");
        }
        List<String> roles = stringList(claims, "roles");
        List<String> channels = stringList(claims, "channels");
        Principal.Kind kind = roles.contains("admin") ? Principal.Kind.ADMIN : Principal.Kind.USER;
        return new Principal(kind, userId, channels, expiresAt);
    }

    private static List<String> stringList(JWTClaimsSet claims, String name) throws TokenException {
        Object value = claims.getClaim(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new TokenException("token_invalid", "the token's " + name + " claim must be a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new TokenException("token_invalid", "the token's " + name + " claim must be a list of strings");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }
}
