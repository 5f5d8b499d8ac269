package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node with {@code auth.jwks-url}: WebSocket connects with tokens signed by an identity provider's keys. */
class JwksUpgradeTest {
    static JwksServer idp;
    static TestServer server;
    static RSAKey rsa;
    static ECKey ec;

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("kc-rsa").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("kc-ec").generate();
        idp = new JwksServer(rsa, ec);
        server = TestServer.start(Map.of("auth.jwks-url", idp.url().toString(), "auth.issuer", "https://idp.example.com"));
    }

    @AfterAll
    static void stop() {
        server.close();
        idp.close();
    }

    private static String token(JWK key, long userId) throws Exception {
        boolean isRsa = key instanceof RSAKey;
        JWSSigner signer = isRsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(Long.toString(userId)).issuer("https://idp.example.com")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(isRsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                .keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static RawSocket.HttpReply upgrade(String token) {
        try (RawSocket s = RawSocket.open(server.port())) {
            return s.upgrade("/ws?token=" + token, Map.of());
        }
    }

    @Test
    void rs256AndEs256TokensOfTheIdentityProvider_connect() throws Exception {
        try (WsClient c = server.connectQuiet(token(rsa, 701))) {
            assertThat(c.answersPing()).isTrue();
        }
        try (WsClient c = server.connectQuiet(token(ec, 702))) {
            assertThat(c.answersPing()).isTrue();
        }
        try (WsClient c = server.connectQuiet(server.token(703))) {
            assertThat(c.answersPing()).as("HS256 beside the JWKS").isTrue();
        }
    }

    @Test
    void keyPublishedAfterStart_isRefusedWith401First_thenAcceptedAfterTheBackgroundRefresh() throws Exception {
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("kc-rotated").generate();
        idp.add(rotated);
        String token = token(rotated, 704);
        RawSocket.HttpReply first = upgrade(token);
        assertThat(first.status()).as(first.body()).isEqualTo(401);
        assertThat(first.json().at("/data/errors/token").asText()).isEqualTo("token_key_unknown");
        Await.until("the refreshed key set", () -> upgrade(token).status() == 101, Duration.ofSeconds(15));
        try (WsClient c = server.connectQuiet(token)) {
            assertThat(c.answersPing()).isTrue();
        }
    }

    @Test
    void tokenSignedByAnotherKeyWithAKnownKid_isRefused() throws Exception {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("kc-rsa").generate();
        RawSocket.HttpReply r = upgrade(token(impostor, 705));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/data/errors/token").asText()).isEqualTo("token_invalid");
    }
}
