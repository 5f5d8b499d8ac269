package dev.herald.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies user tokens: HS256 with the shared secret, and RS256/ES256 when a public key is
 * configured. Unsigned ({@code alg: none}) tokens, other algorithms, bad signatures, a missing or
 * non-numeric {@code sub} and expired tokens are refused. Thread-safe.
 */
public final class TokenVerifier {
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
                JWK jwk = JWK.parseFromPEMEncodedObjects(publicKeyPem.get());
                if (jwk instanceof RSAKey rsa) {
                    this.asymmetric = Optional.of(new RSASSAVerifier(rsa));
                    this.asymmetricFamily = JWSAlgorithm.Family.RSA;
                } else if (jwk instanceof ECKey ec) {
                    this.asymmetric = Optional.of(new ECDSAVerifier(ec));
                    this.asymmetricFamily = JWSAlgorithm.Family.EC;
                } else {
                    throw new IllegalArgumentException("auth.jwt-public-key: expected an RSA or EC public key");
                }
            } else {
                this.asymmetric = Optional.empty();
                this.asymmetricFamily = null;
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("auth.jwt-public-key: " + e.getMessage(), e);
        }
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
