package dev.herald.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.limits.LruMap;
import dev.herald.protocol.Values;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
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
 * Verifies user tokens: HS256 with the shared secret, and RS256/ES256 when a public key or a JWKS
 * ({@link JwksKeys}, by the token's {@code kid}) is configured. Unsigned ({@code alg: none}) tokens, other algorithms, bad signatures, a missing or
 * non-numeric {@code sub} (or one above {@link Values#MAX_ID}), expired tokens and tokens before
 * their {@code nbf} (both with the clock skew) are refused, and so are tokens whose {@code iss} or
 * {@code aud} does not match the configured issuer or audience, when those are set. Thread-safe.
 *
 * <p>A token that passed is remembered (up to {@value #REMEMBERED} of them, the least recently used
 * forgotten first; none longer than {@value #REMEMBERED_LENGTH} characters), so the same token again
 * — a reconnect, a page reload, a reconnect storm against a running node — costs a map look-up and
 * the expiry check instead of the signature and the claims. Only tokens checked with the node's own
 * keys are remembered: a token checked against a JWKS is checked again each time, so a key the
 * identity provider withdraws stops its tokens at once.
 */
public final class TokenVerifier {
    static final int REMEMBERED = 50_000;
    static final int REMEMBERED_LENGTH = 1_024;

    private final JWSVerifier hmac;
    private final Hs256Check hs256;
    private final Optional<JWSVerifier> asymmetric;
    private final JWSAlgorithm.Family asymmetricFamily;
    private final Duration clockSkew;
    private final Clock clock;
    private final Optional<String> issuer;
    private final Optional<String> audience;
    private final Optional<JwksKeys> jwks;
    /** Tokens that passed, with what they name; guarded by itself. */
    private final LruMap<String, Principal> remembered = new LruMap<>(REMEMBERED);

    public TokenVerifier(byte[] secret, Optional<String> publicKeyPem, Duration clockSkew, Clock clock) {
        this(secret, publicKeyPem, clockSkew, clock, Optional.empty(), Optional.empty(), Optional.empty(), true);
    }

    /**
     * @param issuer   when present, a token's {@code iss} must equal it
     * @param audience when present, a token's {@code aud} (a string or a list) must contain it
     */
    public TokenVerifier(byte[] secret, Optional<String> publicKeyPem, Duration clockSkew, Clock clock,
                         Optional<String> issuer, Optional<String> audience) {
        this(secret, publicKeyPem, clockSkew, clock, issuer, audience, Optional.empty(), true);
    }

    /** @param jwks when present, RS256/ES256 tokens are checked with the key of the JWKS their {@code kid} names */
    public TokenVerifier(byte[] secret, Optional<String> publicKeyPem, Duration clockSkew, Clock clock,
                         Optional<String> issuer, Optional<String> audience, Optional<JwksKeys> jwks) {
        this(secret, publicKeyPem, clockSkew, clock, issuer, audience, jwks, true);
    }

    /** {@code fastHs256} false checks every token the general way (tests compare the two). */
    TokenVerifier(byte[] secret, Optional<String> publicKeyPem, Duration clockSkew, Clock clock, boolean fastHs256) {
        this(secret, publicKeyPem, clockSkew, clock, Optional.empty(), Optional.empty(), Optional.empty(), fastHs256);
    }

    TokenVerifier(byte[] secret, Optional<String> publicKeyPem, Duration clockSkew, Clock clock,
                  Optional<String> issuer, Optional<String> audience, Optional<JwksKeys> jwks, boolean fastHs256) {
        this.hs256 = fastHs256 && secret.length >= 32 ? new Hs256Check(secret) : null;
        this.clockSkew = Objects.requireNonNull(clockSkew);
        this.clock = Objects.requireNonNull(clock);
        this.issuer = Objects.requireNonNull(issuer);
        this.audience = Objects.requireNonNull(audience);
        this.jwks = Objects.requireNonNull(jwks);
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
     * Reads an RSA or EC public key from PEM text ({@code PUBLIC KEY} or {@code CERTIFICATE}).
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static PublicKey parsePublicKey(String pem) {
        return PemKeys.parse(pem);
    }

    /** Returns the principal a valid token names, or throws with a client-facing reason. */
    public Principal verify(String token) throws TokenException {
        if (token == null || token.isBlank()) {
            throw new TokenException("token_missing", "a token is required");
        }
        Principal known;
        synchronized (remembered) {
            known = remembered.get(token);
        }
        if (known != null) {
            if (!known.expiresAt().plus(clockSkew).isBefore(clock.instant())) {
                return known; // nbf passed when it was checked, and time only moves on
            }
            synchronized (remembered) {
                remembered.remove(token);
            }
            throw new TokenException("token_expired", "the token has expired");
        }
        if (hs256 != null) {
            Principal fast = fastPrincipal(hs256.check(token));
            if (fast != null) {
                return remember(token, fast);
            }
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
        JWSVerifier verifier = verifierFor(alg, jwt.getHeader().getKeyID());
        boolean ownKey = verifier == hmac || (asymmetric.isPresent() && verifier == asymmetric.get());
        try {
            if (!jwt.verify(verifier)) {
                throw new TokenException("token_invalid", "the token signature does not match");
            }
        } catch (JOSEException e) {
            throw new TokenException("token_invalid", "the token signature cannot be checked");
        }
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        Principal p = principal(claims.getSubject(), exp == null ? null : exp.toInstant(), nbf == null ? null : nbf.toInstant(),
                claims.getIssuer(), Objects.requireNonNullElse(claims.getAudience(), List.of()),
                stringList(claims, "roles"), stringList(claims, "channels"));
        return ownKey ? remember(token, p) : p;
    }

    private Principal remember(String token, Principal p) {
        if (token.length() <= REMEMBERED_LENGTH) {
            synchronized (remembered) {
                remembered.put(token, p);
            }
        }
        return p;
    }

    /** How many tokens are remembered (tests). */
    int rememberedCount() {
        synchronized (remembered) {
            return remembered.size();
        }
    }

    /**
     * The principal of verified claims read by {@link Hs256Check} ({@link FastClaims} decided their
     * types), or a {@link TokenException} for a signature that does not match.
     */
    private Principal fastPrincipal(Hs256Check.Checked checked) throws TokenException {
        if (checked == null) {
            return null;
        }
        if (!checked.signatureMatches()) {
            throw new TokenException("token_invalid", "the token signature does not match");
        }
        FastClaims c = checked.claims();
        return principal(c.sub(), c.exp() == null ? null : Instant.ofEpochSecond(c.exp()),
                c.nbf() == null ? null : Instant.ofEpochSecond(c.nbf()), c.iss(), c.aud(), c.roles(), c.channels());
    }

    private JWSVerifier verifierFor(JWSAlgorithm alg, String kid) throws TokenException {
        if (JWSAlgorithm.HS256.equals(alg) && hmac != null) {
            return hmac;
        }
        if (jwks.isPresent() && (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg))) {
            return jwks.get().verifier(kid, alg);
        }
        if (asymmetric.isPresent()
                && ((asymmetricFamily == JWSAlgorithm.Family.RSA && JWSAlgorithm.RS256.equals(alg))
                || (asymmetricFamily == JWSAlgorithm.Family.EC && JWSAlgorithm.ES256.equals(alg)))) {
            return asymmetric.get();
        }
        throw new TokenException("token_invalid", "tokens signed with " + alg + " are not accepted");
    }

    /** Checks the claims both paths read, in one place, and builds the principal. */
    private Principal principal(String subject, Instant expiresAt, Instant notBefore, String iss, List<String> aud,
                                List<String> roles, List<String> channels) throws TokenException {
        long userId;
        try {
            userId = Long.parseLong(Objects.requireNonNullElse(subject, ""));
        } catch (NumberFormatException e) {
            throw new TokenException("token_invalid", "the token's sub must be a positive user id");
        }
        if (!Values.isId(userId)) {
            throw new TokenException("token_invalid", "the token's sub must be a positive user id no larger than "
                    + Values.MAX_ID);
        }
        if (expiresAt == null) {
            throw new TokenException("token_invalid", "the token has no exp claim");
        }
        Instant now = clock.instant();
        if (expiresAt.plus(clockSkew).isBefore(now)) {
            throw new TokenException("token_expired", "the token has expired");
        }
        if (notBefore != null && notBefore.minus(clockSkew).isAfter(now)) {
            throw new TokenException("token_not_yet_valid", "the token is not valid before its nbf time " + notBefore);
        }
        if (issuer.isPresent() && !issuer.get().equals(iss)) {
            throw new TokenException("token_wrong_issuer", "the token's iss must be '" + issuer.get() + "'");
        }
        if (audience.isPresent() && !aud.contains(audience.get())) {
            throw new TokenException("token_wrong_audience", "the token's aud must include '" + audience.get() + "'");
        }
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
