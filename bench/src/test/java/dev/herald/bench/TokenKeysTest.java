package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The tokens the bench mints verify with the key the server is given: the secret, or the PEM file's public key. */
class TokenKeysTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";

    @Test
    void hs256_verifiesWithTheSecret() throws Exception {
        SignedJWT jwt = SignedJWT.parse(Tokens.of("hs256", SECRET, "", 60).mint(7));
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
        assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("7");
    }

    @Test
    void rs256_verifiesWithThePublicKeyFile() throws Exception {
        TokenKeys keys = TokenKeys.generate("RS256");
        PublicKey key = fromPem(Files.readString(keys.writePublicKey()), "RSA");
        assertSigned(Tokens.of("RS256", "", keys.privateKeyBase64(), 60).mint(8), "RS256", new RSASSAVerifier((RSAPublicKey) key));
        TokenKeys other = TokenKeys.generate("RS256");
        SignedJWT foreign = SignedJWT.parse(Tokens.of("RS256", "", other.privateKeyBase64(), 60).mint(8));
        assertThat(foreign.verify(new RSASSAVerifier((RSAPublicKey) key))).as("another pair's token").isFalse();
    }

    @Test
    void es256_verifiesWithThePublicKeyFile() throws Exception {
        TokenKeys keys = TokenKeys.generate("es256");
        PublicKey key = fromPem(Files.readString(keys.writePublicKey()), "EC");
        assertSigned(Tokens.of("ES256", "", keys.privateKeyBase64(), 60).mint(9), "ES256", new ECDSAVerifier((ECPublicKey) key));
    }

    @Test
    void anUnknownAlgorithm_isNamed() {
        assertThatThrownBy(() -> TokenKeys.algorithm("PS256")).hasMessageContaining("HS256, RS256, ES256");
        assertThatThrownBy(() -> TokenKeys.generate("HS256")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertSigned(String token, String alg, JWSVerifier verifier) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(alg);
        assertThat(jwt.verify(verifier)).isTrue();
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isNotNull();
    }

    private static PublicKey fromPem(String pem, String family) throws Exception {
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
    }
}
