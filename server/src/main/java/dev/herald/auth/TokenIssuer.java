package dev.herald.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Mints HS256 user tokens. Herald never issues tokens to clients in production: only the CLI
 * {@code token} command, demo mode and tests use this.
 */
public final class TokenIssuer {
    private final MACSigner signer;
    private final Clock clock;
    private final Optional<String> issuer;
    private final Optional<String> audience;

    public TokenIssuer(byte[] secret, Clock clock) {
        this(secret, clock, Optional.empty(), Optional.empty());
    }

    /** Tokens that name {@code issuer} as {@code iss} and {@code audience} as {@code aud}, when present. */
    public TokenIssuer(byte[] secret, Clock clock, Optional<String> issuer, Optional<String> audience) {
        this.clock = Objects.requireNonNull(clock);
        this.issuer = Objects.requireNonNull(issuer);
        this.audience = Objects.requireNonNull(audience);
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the JWT secret must have at least 32 bytes", e);
        }
    }

    public String issue(long userId, boolean admin, List<String> channels, Duration ttl) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(Long.toString(userId))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        issuer.ifPresent(claims::issuer);
        audience.ifPresent(claims::audience);
        if (admin) {
            claims.claim("roles", List.of("admin"));
        }
        if (!channels.isEmpty()) {
            claims.claim("channels", channels);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }
}
