package dev.herald.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.testing.Pem;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
    static final byte[] SECRET = "verifier-test-secret-verifier-test-secret".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Duration SKEW = Duration.ofSeconds(30);

    static RSAKey rsa;
    static ECKey ec;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).generate();
        ec = new ECKeyGenerator(Curve.P_256).generate();
    }

    private static String pem(PublicKey key) {
        return Pem.publicKey(key);
    }

    private static TokenVerifier hmacOnly() {
        return new TokenVerifier(SECRET, Optional.empty(), SKEW, CLOCK);
    }

    private static JWTClaimsSet.Builder claims(String sub, Duration ttl) {
        return new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plus(ttl)));
    }

    private static String sign(JWSAlgorithm alg, JWSSigner signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(JWSAlgorithm.HS256, new MACSigner(SECRET), claims);
    }

    private static TokenException refusal(TokenVerifier v, String token) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> v.verify(token));
        assertThat(e).as("token should be refused").isNotNull();
        return e;
    }

    @Test
    void validHs256_givesTheUser() throws Exception {
        Principal p = hmacOnly().verify(hs256(claims("42", Duration.ofHours(1)).build()));
        assertThat(p.kind()).isEqualTo(Principal.Kind.USER);
        assertThat(p.userId()).isEqualTo(42);
        assertThat(p.channels()).isEmpty();
        assertThat(p.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(p.admin()).isFalse();
        assertThat(p.hasUser()).isTrue();
    }

    @Test
    void tokenIssuer_mintsWhatTheVerifierAccepts() throws Exception {
        TokenIssuer issuer = new TokenIssuer(SECRET, CLOCK);
        Principal p = hmacOnly().verify(issuer.issue(7, true, List.of("private-a", "private-team-*"), Duration.ofMinutes(5)));
        assertThat(p.userId()).isEqualTo(7);
        assertThat(p.kind()).isEqualTo(Principal.Kind.ADMIN);
        assertThat(p.channels()).containsExactly("private-a", "private-team-*");
    }

    @Test
    void rolesAndChannelsClaims_areRead() throws Exception {
        Principal admin = hmacOnly().verify(hs256(claims("1", Duration.ofHours(1))
                .claim("roles", List.of("editor", "admin")).claim("channels", List.of("private-x")).build()));
        assertThat(admin.kind()).isEqualTo(Principal.Kind.ADMIN);
        assertThat(admin.channels()).containsExactly("private-x");
        Principal user = hmacOnly().verify(hs256(claims("1", Duration.ofHours(1)).claim("roles", List.of("editor")).build()));
        assertThat(user.kind()).isEqualTo(Principal.Kind.USER);
    }

    @Test
    void malformedRolesOrChannels_areRefused() throws Exception {
        assertThat(refusal(hmacOnly(), hs256(claims("1", Duration.ofHours(1)).claim("roles", "admin").build())).code())
                .isEqualTo("token_invalid");
        assertThat(refusal(hmacOnly(), hs256(claims("1", Duration.ofHours(1)).claim("channels", List.of(1, 2)).build())).getMessage())
                .contains("channels");
    }

    @Test
    void expiredToken_isRefusedAsExpired() throws Exception {
        TokenException e = refusal(hmacOnly(), hs256(claims("1", Duration.ofMinutes(-5)).build()));
        assertThat(e.code()).isEqualTo("token_expired");
    }

    @Test
    void expiredWithinClockSkew_isStillAccepted() throws Exception {
        assertThat(hmacOnly().verify(hs256(claims("1", Duration.ofSeconds(-10)).build())).userId()).isEqualTo(1);
    }

    @Test
    void tokenWithoutExp_isRefused() throws Exception {
        String token = hs256(new JWTClaimsSet.Builder().subject("1").build());
        assertThat(refusal(hmacOnly(), token).getMessage()).contains("exp");
    }

    @Test
    void tamperedPayload_isRefused() throws Exception {
        String[] parts = hs256(claims("5", Duration.ofHours(1)).build()).split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("1", Duration.ofHours(1)).claim("roles", List.of("admin")).build().toString()
                        .getBytes(StandardCharsets.UTF_8));
        TokenException e = refusal(hmacOnly(), parts[0] + "." + forged + "." + parts[2]);
        assertThat(e.code()).isEqualTo("token_invalid");
        assertThat(e.getMessage()).contains("signature");
    }

    @Test
    void tamperedSignature_isRefused() throws Exception {
        String token = hs256(claims("5", Duration.ofHours(1)).build());
        char last = token.charAt(token.length() - 2);
        String broken = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertThat(refusal(hmacOnly(), broken).code()).isEqualTo("token_invalid");
    }

    @Test
    void algNone_isRefused() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"1\",\"exp\":" + NOW.plusSeconds(3600).getEpochSecond()
                + ",\"roles\":[\"admin\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(refusal(hmacOnly(), header + "." + payload + ".").code()).isEqualTo("token_invalid");
        assertThat(refusal(hmacOnly(), header + "." + payload + ".c2ln").code()).isEqualTo("token_invalid");
    }

    @Test
    void wrongKey_isRefused() throws Exception {
        String token = sign(JWSAlgorithm.HS256, new MACSigner("another-secret-another-secret-another-secret"),
                claims("1", Duration.ofHours(1)).build());
        assertThat(refusal(hmacOnly(), token).code()).isEqualTo("token_invalid");
    }

    @Test
    void otherHmacAlgorithms_areRefused() throws Exception {
        byte[] longSecret = (new String(SECRET, StandardCharsets.UTF_8) + "-padding-for-hs512-needs-64-bytes-of-key")
                .getBytes(StandardCharsets.UTF_8);
        TokenVerifier v = new TokenVerifier(longSecret, Optional.empty(), SKEW, CLOCK);
        String hs512 = sign(JWSAlgorithm.HS512, new MACSigner(longSecret), claims("1", Duration.ofHours(1)).build());
        assertThat(refusal(v, hs512).getMessage()).contains("HS512");
    }

    @Test
    void badSubject_isRefused() throws Exception {
        for (String sub : new String[] {"abc", "0", "-3", "1.5", "99999999999999999999", ""}) {
            assertThat(refusal(hmacOnly(), hs256(claims(sub, Duration.ofHours(1)).build())).getMessage())
                    .as("sub %s", sub).contains("sub");
        }
        assertThat(refusal(hmacOnly(), hs256(new JWTClaimsSet.Builder()
                .expirationTime(Date.from(NOW.plusSeconds(60))).build())).getMessage()).contains("sub");
    }

    @Test
    void subjectAboveTheLargestJavaScriptSafeInteger_isRefusedNamingSub() throws Exception {
        assertThat(hmacOnly().verify(hs256(claims("9007199254740991", Duration.ofHours(1)).build())).userId())
                .isEqualTo(9007199254740991L);
        for (String sub : new String[] {"9007199254740992", "9223372036854775807"}) {
            TokenException e = refusal(hmacOnly(), hs256(claims(sub, Duration.ofHours(1)).build()));
            assertThat(e.code()).as("sub %s", sub).isEqualTo("token_invalid");
            assertThat(e.getMessage()).as("sub %s", sub).contains("sub").contains("9007199254740991");
        }
    }

    @Test
    void notBeforeInTheFuture_isRefusedUntilThenLessTheClockSkew() throws Exception {
        TokenException e = refusal(hmacOnly(), hs256(claims("1", Duration.ofHours(1))
                .notBeforeTime(Date.from(NOW.plusSeconds(120))).build()));
        assertThat(e.code()).isEqualTo("token_not_yet_valid");
        assertThat(e.getMessage()).contains("nbf");
        assertThat(hmacOnly().verify(hs256(claims("1", Duration.ofHours(1))
                .notBeforeTime(Date.from(NOW.plusSeconds(20))).build())).userId()).as("within the skew").isEqualTo(1);
        assertThat(hmacOnly().verify(hs256(claims("1", Duration.ofHours(1))
                .notBeforeTime(Date.from(NOW.minusSeconds(60))).build())).userId()).as("already valid").isEqualTo(1);
    }

    @Test
    void notBeforeInTheFuture_isRefusedForAsymmetricTokensToo() throws Exception {
        TokenVerifier v = new TokenVerifier(SECRET, Optional.of(pem(rsa.toPublicKey())), SKEW, CLOCK);
        String token = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), claims("3", Duration.ofHours(1))
                .notBeforeTime(Date.from(NOW.plusSeconds(600))).build());
        assertThat(refusal(v, token).code()).isEqualTo("token_not_yet_valid");
    }

    private static TokenVerifier expecting(String issuer, String audience) {
        return new TokenVerifier(SECRET, Optional.empty(), SKEW, CLOCK, Optional.ofNullable(issuer), Optional.ofNullable(audience));
    }

    @Test
    void configuredIssuer_mustMatchTheIssClaim() throws Exception {
        TokenVerifier v = expecting("https://app.example.com", null);
        assertThat(v.verify(hs256(claims("1", Duration.ofHours(1)).issuer("https://app.example.com").build())).userId())
                .isEqualTo(1);
        assertThat(refusal(v, hs256(claims("1", Duration.ofHours(1)).build())).code()).isEqualTo("token_wrong_issuer");
        TokenException other = refusal(v, hs256(claims("1", Duration.ofHours(1)).issuer("https://evil.example").build()));
        assertThat(other.code()).isEqualTo("token_wrong_issuer");
        assertThat(other.getMessage()).contains("iss");
        assertThat(hmacOnly().verify(hs256(claims("1", Duration.ofHours(1)).issuer("anyone").build())).userId())
                .as("no issuer configured: iss is not checked").isEqualTo(1);
    }

    @Test
    void configuredAudience_mustBeAmongTheAudClaim() throws Exception {
        TokenVerifier v = expecting(null, "herald");
        assertThat(v.verify(hs256(claims("1", Duration.ofHours(1)).audience("herald").build())).userId()).isEqualTo(1);
        assertThat(v.verify(hs256(claims("1", Duration.ofHours(1)).audience(List.of("billing", "herald")).build())).userId())
                .isEqualTo(1);
        assertThat(refusal(v, hs256(claims("1", Duration.ofHours(1)).build())).code()).isEqualTo("token_wrong_audience");
        TokenException other = refusal(v, hs256(claims("1", Duration.ofHours(1)).audience(List.of("billing")).build()));
        assertThat(other.code()).isEqualTo("token_wrong_audience");
        assertThat(other.getMessage()).contains("aud");
    }

    @Test
    void tokenIssuer_withIssuerAndAudience_mintsWhatSuchAVerifierAccepts() throws Exception {
        TokenIssuer issuer = new TokenIssuer(SECRET, CLOCK, Optional.of("herald-cli"), Optional.of("herald"));
        assertThat(expecting("herald-cli", "herald").verify(issuer.issue(9, false, List.of(), Duration.ofMinutes(5))).userId())
                .isEqualTo(9);
    }

    @Test
    void missingOrGarbageToken_isRefused() {
        assertThat(refusal(hmacOnly(), null).code()).isEqualTo("token_missing");
        assertThat(refusal(hmacOnly(), " ").code()).isEqualTo("token_missing");
        assertThat(refusal(hmacOnly(), "a.b.c").code()).isEqualTo("token_invalid");
        assertThat(refusal(hmacOnly(), "not-a-jwt").code()).isEqualTo("token_invalid");
        assertThat(refusal(hmacOnly(), "eyJ9.eyJ9.").code()).isEqualTo("token_invalid");
    }

    @Test
    void rs256_withConfiguredPublicKey_isAccepted() throws Exception {
        TokenVerifier v = new TokenVerifier(SECRET, Optional.of(pem(rsa.toPublicKey())), SKEW, CLOCK);
        String token = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa),
                claims("9", Duration.ofHours(1)).claim("roles", List.of("admin")).build());
        Principal p = v.verify(token);
        assertThat(p.userId()).isEqualTo(9);
        assertThat(p.kind()).isEqualTo(Principal.Kind.ADMIN);
        assertThat(v.verify(hs256(claims("3", Duration.ofHours(1)).build())).userId())
                .as("HS256 keeps working beside a public key").isEqualTo(3);
    }

    @Test
    void es256_withConfiguredPublicKey_isAccepted() throws Exception {
        TokenVerifier v = new TokenVerifier(new byte[0], Optional.of(pem(ec.toPublicKey())), SKEW, CLOCK);
        String token = sign(JWSAlgorithm.ES256, new ECDSASigner(ec), claims("11", Duration.ofHours(1)).build());
        assertThat(v.verify(token).userId()).isEqualTo(11);
        assertThat(refusal(v, hs256(claims("3", Duration.ofHours(1)).build())).code())
                .as("no secret configured: HS256 is refused").isEqualTo("token_invalid");
    }

    @Test
    void asymmetricTokenSignedWithAnotherKey_isRefused() throws Exception {
        TokenVerifier v = new TokenVerifier(SECRET, Optional.of(pem(rsa.toPublicKey())), SKEW, CLOCK);
        RSAKey other = new RSAKeyGenerator(2048).generate();
        String token = sign(JWSAlgorithm.RS256, new RSASSASigner(other), claims("9", Duration.ofHours(1)).build());
        assertThat(refusal(v, token).code()).isEqualTo("token_invalid");
    }

    @Test
    void algorithmNotMatchingTheConfiguredKey_isRefused() throws Exception {
        TokenVerifier rsaVerifier = new TokenVerifier(SECRET, Optional.of(pem(rsa.toPublicKey())), SKEW, CLOCK);
        String es256 = sign(JWSAlgorithm.ES256, new ECDSASigner(ec), claims("1", Duration.ofHours(1)).build());
        assertThat(refusal(rsaVerifier, es256).getMessage()).contains("ES256");
        String ps256 = sign(JWSAlgorithm.PS256, new RSASSASigner(rsa), claims("1", Duration.ofHours(1)).build());
        assertThat(refusal(rsaVerifier, ps256).getMessage()).contains("PS256");
        String rs256 = sign(JWSAlgorithm.RS256, new RSASSASigner(rsa), claims("1", Duration.ofHours(1)).build());
        assertThat(refusal(hmacOnly(), rs256).getMessage()).as("no public key configured").contains("RS256");
    }

    @Test
    void hs256SignedWithThePublicKeyText_isRefused() throws Exception {
        String publicPem = pem(rsa.toPublicKey());
        TokenVerifier v = new TokenVerifier(SECRET, Optional.of(publicPem), SKEW, CLOCK);
        String confused = sign(JWSAlgorithm.HS256, new MACSigner(publicPem.getBytes(StandardCharsets.UTF_8)),
                claims("1", Duration.ofHours(1)).build());
        assertThat(refusal(v, confused).code()).isEqualTo("token_invalid");
    }

    @Test
    void expiredAsymmetricToken_isRefusedAsExpired() throws Exception {
        TokenVerifier v = new TokenVerifier(SECRET, Optional.of(pem(ec.toPublicKey())), SKEW, CLOCK);
        String token = sign(JWSAlgorithm.ES256, new ECDSASigner(ec), claims("1", Duration.ofHours(-1)).build());
        assertThat(refusal(v, token).code()).isEqualTo("token_expired");
    }

    @Test
    void credentials_mapApiKeysTokensAndGarbage() throws Exception {
        Credentials c = new Credentials(List.of("backend-key-1"), hmacOnly());
        assertThat(c.authenticate("Bearer backend-key-1")).isSameAs(Principal.BACKEND);
        assertThat(c.authenticate("bearer   backend-key-1 ")).isSameAs(Principal.BACKEND);
        assertThat(c.authenticate("Bearer " + hs256(claims("4", Duration.ofHours(1)).build())).userId()).isEqualTo(4);
        for (String bad : new String[] {null, "", "backend-key-1", "Basic dXNlcjpwdw==", "Bearer wrong-key", "Bearer "}) {
            TokenException e = catchThrowableOfType(TokenException.class, () -> c.authenticate(bad));
            assertThat(e).as("credential %s", bad).isNotNull();
        }
        assertThat(Principal.BACKEND.admin()).isTrue();
        assertThat(Principal.BACKEND.hasUser()).isFalse();
        assertThat(Map.of("k", Principal.BACKEND.expiresAt())).containsValue(Instant.MAX);
    }

    /** A compact token with exactly these header and claims texts, HMAC-signed with {@code key}. */
    private static String raw(String header, String claims, byte[] key) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aTokenThatPassed_isRemembered_butStillExpiresOnTime_andAnotherSignatureIsNotIt() throws Exception {
        dev.herald.testing.TestClock clock = new dev.herald.testing.TestClock();
        Instant start = clock.instant();
        TokenVerifier v = new TokenVerifier(SECRET, Optional.empty(), SKEW, clock);
        String claims = "{\"sub\":\"42\",\"exp\":" + start.plusSeconds(60).getEpochSecond() + "}";
        String token = raw("{\"alg\":\"HS256\"}", claims, SECRET);
        assertThat(v.verify(token).userId()).isEqualTo(42);
        assertThat(v.rememberedCount()).isEqualTo(1);
        assertThat(v.verify(token).userId()).as("again, from memory").isEqualTo(42);

        String forged = raw("{\"alg\":\"HS256\"}", claims, "another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8));
        assertThat(outcome(v, forged)).startsWith("refused token_invalid");
        assertThat(v.rememberedCount()).as("a refused token is not remembered").isEqualTo(1);

        clock.advance(Duration.ofSeconds(60).plus(SKEW).plusSeconds(1));
        assertThat(outcome(v, token)).isEqualTo("refused token_expired: the token has expired");
        assertThat(v.rememberedCount()).isZero();
    }

    private static String outcome(TokenVerifier v, String token) {
        try {
            return "accepted " + v.verify(token);
        } catch (TokenException e) {
            return "refused " + e.code() + ": " + e.getMessage();
        }
    }

    /**
     * The HS256 fast path and the general path give the same answer, token by token: the fast one
     * accepts nothing the general one refuses, and leaves every odd shape to it.
     */
    @Test
    void fastHs256Path_answersExactlyLikeTheGeneralPath() throws Exception {
        long exp = NOW.plusSeconds(3600).getEpochSecond();
        long past = NOW.minusSeconds(3600).getEpochSecond();
        String hs = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        List<String> headers = List.of(hs, "{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
                "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", "{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}",
                "{\"alg\":\"HS384\"}", "{\"alg\":\"none\"}", "{\"typ\":\"JWT\"}", "[1]", "not json");
        List<String> claimSets = List.of(
                "{\"sub\":\"42\",\"exp\":" + exp + "}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"roles\":[\"admin\"],\"channels\":[\"private-a*\"]}",
                "{\"sub\":\"42\",\"exp\":" + past + "}",
                "{\"sub\":\"42\",\"exp\":" + (NOW.getEpochSecond() - 10) + "}",
                "{\"sub\":42,\"exp\":" + exp + "}",
                "{\"sub\":\"abc\",\"exp\":" + exp + "}",
                "{\"sub\":\"0\",\"exp\":" + exp + "}",
                "{\"sub\":\"-3\",\"exp\":" + exp + "}",
                "{\"exp\":" + exp + "}",
                "{\"sub\":\"42\"}",
                "{\"sub\":\"42\",\"exp\":\"" + exp + "\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + ".5}",
                "{\"sub\":\"42\",\"exp\":null}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"roles\":\"admin\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"roles\":[1]}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"channels\":null}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"iat\":\"yesterday\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"nbf\":" + past + ",\"iss\":\"app\",\"jti\":\"j\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"aud\":5}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"aud\":[\"a\",\"b\"],\"custom\":{\"x\":[1,2]}}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"nbf\":" + exp + "}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"nbf\":" + (NOW.getEpochSecond() + 10) + "}",
                "{\"sub\":\"9007199254740992\",\"exp\":" + exp + "}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"iss\":\"herald-app\",\"aud\":\"herald\"}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"iss\":\"other\",\"aud\":[\"x\",\"herald\"]}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"iss\":\"herald-app\",\"aud\":[\"x\"]}",
                "{\"sub\":\"1\",\"sub\":\"42\",\"exp\":" + exp + "}",
                "{\"sub\":42,\"sub\":\"42\",\"exp\":" + exp + "}",
                "{\"sub\":\"42\",\"exp\":" + exp + "} {}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"aud\":null}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"iss\":null}",
                "{\"sub\":\"42\",\"exp\":123456789012345678901234567890}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"x\":[[{\"roles\":1}],null],\"y\":{\"sub\":2}}",
                "{\"sub\":\"42\",\"exp\":" + exp + ",\"aud\":[\"a\",null]}",
                "{\"sub\":\"4\\u0032\",\"exp\":" + exp + "}",
                "[\"sub\"]", "not json");
        assertSameAnswers(headers, claimSets, hmacOnly(), new TokenVerifier(SECRET, Optional.empty(), SKEW, CLOCK, false));
        Optional<String> iss = Optional.of("herald-app");
        Optional<String> aud = Optional.of("herald");
        assertSameAnswers(headers, claimSets, new TokenVerifier(SECRET, Optional.empty(), SKEW, CLOCK, iss, aud),
                new TokenVerifier(SECRET, Optional.empty(), SKEW, CLOCK, iss, aud, Optional.empty(), false));
    }

    private static void assertSameAnswers(List<String> headers, List<String> claimSets, TokenVerifier fast,
                                          TokenVerifier general) throws Exception {
        byte[] otherKey = "another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        for (String header : headers) {
            for (String claims : claimSets) {
                String token = raw(header, claims, SECRET);
                String tampered = raw(header, claims, otherKey);
                for (String t : List.of(token, tampered, token + "=", token + ".x", token.replace('.', ' '),
                        token.substring(0, token.lastIndexOf('.') + 1) + "é")) {
                    String expected = outcome(general, t);
                    assertThat(outcome(fast, t)).as("%s %s -> %s", header, claims, t).isEqualTo(expected);
                    accepted += expected.startsWith("accepted") ? 1 : 0;
                }
            }
        }
        assertThat(accepted).as("some of the tokens are valid").isGreaterThan(5);
    }
}
