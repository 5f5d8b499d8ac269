package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.testing.RawSocket;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import dev.herald.testing.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node with {@code auth.issuer} and {@code auth.audience} set: tokens must carry the matching
 * {@code iss} and {@code aud}, must not be used before {@code nbf}, and must name a user id a
 * browser can hold; each refusal is a 401 whose {@code data.errors.token} says why, on the HTTP API
 * and on the WebSocket upgrade alike.
 */
class TokenClaimsTest {
    private static final String ISSUER = "https://app.example.com";
    private static final String AUDIENCE = "herald";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("auth.issuer", ISSUER, "auth.audience", AUDIENCE));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .issuer(ISSUER).audience(AUDIENCE);
    }

    private static String sign(JWTClaimsSet.Builder claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        jwt.sign(new MACSigner(TestServer.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** The HTTP API's and the upgrade's answer to {@code token}: both 401 with {@code code}; returns the HTTP message. */
    private static String refusedEverywhere(String token, String code) {
        Response http = server.call("GET", "/admin/system/notifications/unread-count", token, null);
        assertThat(http.status()).as(http.body()).isEqualTo(401);
        assertThat(http.json().at("/data/errors/token").asText()).as(http.body()).isEqualTo(code);
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply ws = s.upgrade("/ws?token=" + token, Map.of());
            assertThat(ws.status()).as(ws.body()).isEqualTo(401);
            assertThat(ws.json().at("/data/errors/token").asText()).as(ws.body()).isEqualTo(code);
        }
        return http.json().get("message").asText();
    }

    @Test
    void matchingIssuerAndAudience_areAccepted_andTheNodesOwnTokensCarryThem() throws Exception {
        assertThat(server.call("GET", "/admin/system/notifications/unread-count", sign(claims("71")), null).status())
                .isEqualTo(200);
        try (WsClient ws = server.connect(72)) {
            assertThat(ws.request("ping", Map.of()).get("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void wrongOrMissingIssuer_isRefused() throws Exception {
        assertThat(refusedEverywhere(sign(claims("73").issuer("https://evil.example")), "token_wrong_issuer")).contains("iss");
        assertThat(refusedEverywhere(sign(claims("73").issuer(null)), "token_wrong_issuer")).contains(ISSUER);
    }

    @Test
    void wrongOrMissingAudience_isRefused() throws Exception {
        assertThat(refusedEverywhere(sign(claims("74").audience("billing")), "token_wrong_audience")).contains("aud");
        refusedEverywhere(sign(claims("74").audience((String) null)), "token_wrong_audience");
    }

    @Test
    void notBeforeInTheFuture_isRefused() throws Exception {
        String early = sign(claims("75").notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))));
        assertThat(refusedEverywhere(early, "token_not_yet_valid")).contains("nbf");
    }

    @Test
    void subjectAboveTheLargestSafeInteger_isRefusedNamingSub() throws Exception {
        for (String sub : new String[] {"9007199254740992", "9223372036854775807"}) {
            assertThat(refusedEverywhere(sign(claims(sub)), "token_invalid")).contains("sub").contains("9007199254740991");
        }
        Response ok = server.call("GET", "/admin/system/notifications/unread-count", sign(claims("9007199254740991")), null);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        JsonNode init;
        try (WsClient ws = WsClient.open(server.wsUrl(sign(claims("9007199254740991"))))) {
            init = ws.awaitType("init");
        }
        assertThat(init.at("/data/user_id").asLong()).isEqualTo(9007199254740991L);
    }
}
