package dev.herald.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.testing.Await;
import dev.herald.testing.JwksServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link JwksKeys} through {@link TokenVerifier}, against a real HTTP server serving a JWKS. */
class JwksKeysTest {
    static final byte[] SECRET = "jwks-test-secret-jwks-test-secret-jwks".getBytes(StandardCharsets.UTF_8);
    static final Duration SKEW = Duration.ofSeconds(30);
    static RSAKey rsa;
    static RSAKey rsa2;
    static ECKey ec;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    private static TokenVerifier verifier(JwksKeys keys, Optional<String> issuer, Optional<String> audience) {
        return new TokenVerifier(SECRET, Optional.empty(), SKEW, Clock.systemUTC(), issuer, audience, Optional.of(keys));
    }

    private static TokenVerifier verifier(JwksKeys keys) {
        return verifier(keys, Optional.empty(), Optional.empty());
    }

    private static String token(JWK key, long userId, UnaryOperator<JWTClaimsSet.Builder> claims) throws Exception {
        boolean isRsa = key instanceof RSAKey;
        JWSAlgorithm alg = isRsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        JWSSigner signer = isRsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(Long.toString(userId))
                .expirationTime(Date.from(Instant.now().plusSeconds(3600)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims.apply(b).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String token(JWK key, long userId) throws Exception {
        return token(key, userId, UnaryOperator.identity());
    }

    private static String refusal(TokenVerifier v, String token) {
        TokenException e = catchThrowableOfType(TokenException.class, () -> v.verify(token));
        assertThat(e).as("refused").isNotNull();
        return e.code();
    }

    @Test
    void rs256AndEs256TokensNamingAKeyOfTheJwks_areAccepted() throws Exception {
        try (JwksServer idp = new JwksServer(rsa, ec); JwksKeys keys = JwksKeys.load(idp.url())) {
            TokenVerifier v = verifier(keys);
            assertThat(v.verify(token(rsa, 41)).userId()).isEqualTo(41);
            assertThat(v.verify(token(ec, 42)).userId()).isEqualTo(42);
            assertThat(idp.requests()).isEqualTo(1);
        }
    }

    @Test
    void unknownKid_isRefusedNow_andOneRefreshMakesAKeyAddedMeanwhileValid() throws Exception {
        try (JwksServer idp = new JwksServer(rsa); JwksKeys keys = JwksKeys.load(idp.url(), Duration.ofMillis(200))) {
            TokenVerifier v = verifier(keys);
            idp.add(rsa2);
            String token = token(rsa2, 43);
            assertThat(refusal(v, token)).isEqualTo("token_key_unknown");
            Await.until("the refresh", () -> idp.requests() == 2);
            Await.until("the new key", () -> keys.size() == 2);
            assertThat(v.verify(token).userId()).isEqualTo(43);
            Thread.sleep(400);
            assertThat(idp.requests()).isEqualTo(2);
        }
    }

    @Test
    void manyTokensWithUnknownKids_causeAtMostOneFetchPerInterval() throws Exception {
        Duration interval = Duration.ofSeconds(2);
        RSAKey unknown = new RSAKeyGenerator(2048).generate();
        List<String> madeUp = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            madeUp.add(token(new RSAKey.Builder(unknown).keyID("made-up-" + i).build(), 44));
        }
        try (JwksServer idp = new JwksServer(rsa); JwksKeys keys = JwksKeys.load(idp.url(), interval)) {
            TokenVerifier v = verifier(keys);
            long start = System.nanoTime();
            for (String token : madeUp) {
                assertThat(refusal(v, token)).isEqualTo("token_key_unknown");
            }
            if (Duration.ofNanos(System.nanoTime() - start).compareTo(interval) < 0) {
                assertThat(idp.requests()).as("before the interval is over").isEqualTo(1);
            }
            Await.until("the one deferred refresh", () -> idp.requests() == 2, Duration.ofSeconds(5));
            for (String token : madeUp) {
                refusal(v, token);
            }
            Thread.sleep(1000);
            assertThat(idp.requests()).as("one interval after the refresh has not passed").isEqualTo(2);
            Await.until("the next refresh", () -> idp.requests() == 3, Duration.ofSeconds(5));
            Thread.sleep(2500);
            assertThat(idp.requests()).as("no traffic, no fetch").isEqualTo(3);
            assertThat(v.verify(token(rsa, 45)).userId()).isEqualTo(45);
        }
    }

    @Test
    void jwksServerDownAfterTheFirstFetch_keepsKnownKeysWorking() throws Exception {
        JwksServer idp = new JwksServer(rsa, ec);
        try (JwksKeys keys = JwksKeys.load(idp.url(), Duration.ofMillis(100))) {
            idp.close();
            TokenVerifier v = verifier(keys);
            assertThat(refusal(v, token(rsa2, 46))).isEqualTo("token_key_unknown");
            Thread.sleep(500); // the failed refresh ran
            assertThat(v.verify(token(rsa, 47)).userId()).isEqualTo(47);
            assertThat(v.verify(token(ec, 48)).userId()).isEqualTo(48);
            assertThat(keys.size()).isEqualTo(2);
        }
    }

    @Test
    void unreachableAtStart_refusesWithAClearReason_untilAFetchSucceeds() throws Exception {
        JwksServer down = new JwksServer(rsa);
        URI url = down.url();
        down.close();
        try (JwksKeys keys = JwksKeys.load(url, Duration.ofMillis(100))) {
            TokenVerifier v = verifier(keys);
            TokenException e = catchThrowableOfType(TokenException.class, () -> v.verify(token(rsa, 49)));
            assertThat(e.code()).isEqualTo("token_keys_unavailable");
            assertThat(e.getMessage()).contains("could not be fetched");
        }
    }

    @Test
    void wrongSignatureExpiredNotYetValidWrongIssuerOrAudience_areRefused() throws Exception {
        try (JwksServer idp = new JwksServer(rsa, ec); JwksKeys keys = JwksKeys.load(idp.url())) {
            TokenVerifier v = verifier(keys, Optional.of("https://idp.example.com"), Optional.of("herald"));
            UnaryOperator<JWTClaimsSet.Builder> good = b -> b.issuer("https://idp.example.com").audience("herald");
            assertThat(v.verify(token(ec, 50, good)).userId()).isEqualTo(50);
            RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            assertThat(refusal(v, token(impostor, 50, good))).isEqualTo("token_invalid");
            ECKey ecImpostor = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            assertThat(refusal(v, token(ecImpostor, 50, good))).isEqualTo("token_invalid");
            assertThat(refusal(v, token(rsa, 50, b -> good.apply(b)
                    .expirationTime(Date.from(Instant.now().minusSeconds(120)))))).isEqualTo("token_expired");
            assertThat(refusal(v, token(rsa, 50, b -> good.apply(b)
                    .notBeforeTime(Date.from(Instant.now().plusSeconds(120)))))).isEqualTo("token_not_yet_valid");
            assertThat(v.verify(token(rsa, 50, b -> good.apply(b)
                    .notBeforeTime(Date.from(Instant.now().plusSeconds(10))))).userId()).as("within the skew").isEqualTo(50);
            assertThat(refusal(v, token(rsa, 50, b -> b.issuer("https://evil.example.com").audience("herald"))))
                    .isEqualTo("token_wrong_issuer");
            assertThat(refusal(v, token(rsa, 50, b -> b.issuer("https://idp.example.com").audience("other"))))
                    .isEqualTo("token_wrong_audience");
        }
    }

    @Test
    void aTokenCheckedAgainstTheJwks_isNotRemembered_soAWithdrawnKeyStopsItAtOnce() throws Exception {
        try (JwksServer idp = new JwksServer(rsa); JwksKeys keys = JwksKeys.load(idp.url())) {
            TokenVerifier v = verifier(keys, Optional.empty(), Optional.empty());
            assertThat(v.verify(token(rsa, 7)).userId()).isEqualTo(7);
            assertThat(v.rememberedCount()).isZero();
        }
    }

    @Test
    void keyOfOneAlgorithm_cannotVerifyTheOther_andTokensWithoutKidAreRefused() throws Exception {
        try (JwksServer idp = new JwksServer(rsa, ec); JwksKeys keys = JwksKeys.load(idp.url())) {
            TokenVerifier v = verifier(keys);
            ECKey namedLikeTheRsaKey = new ECKeyGenerator(Curve.P_256).keyID("rsa-1").generate();
            assertThat(refusal(v, token(namedLikeTheRsaKey, 51))).isEqualTo("token_invalid");
            SignedJWT noKid = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder().subject("51")
                    .expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
            noKid.sign(new RSASSASigner(rsa));
            assertThat(refusal(v, noKid.serialize())).isEqualTo("token_invalid");
            assertThat(idp.requests()).isEqualTo(1);
        }
    }
}
