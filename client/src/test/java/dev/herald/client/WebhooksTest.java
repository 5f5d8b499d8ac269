package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link Webhooks#verify} against signatures computed here independently: {@code javax.crypto.Mac}
 * over {@code "<t>.<body>"}, hex by hand.
 */
class WebhooksTest {
    static final String SECRET = "whsec_test_secret";
    static final byte[] BODY = "{\"event\":\"notification.read\",\"id\":42,\"title\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);
    static final long T = 1_733_480_000L;
    static final Instant NOW = Instant.ofEpochSecond(T + 10);

    static String hmacHex(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] h = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (byte b : h) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    static String header(String secret, long t, byte[] body) throws Exception {
        return "t=" + t + ",v1=" + hmacHex(secret, t + "." + new String(body, StandardCharsets.UTF_8));
    }

    static boolean verify(String secret, String header, byte[] body) {
        return Webhooks.verify(secret, header, body, Webhooks.DEFAULT_TOLERANCE, NOW);
    }

    @Test
    void knownVectors() throws Exception {
        // RFC 4231 test case 2 checks the independent route itself
        assertThat(hmacHex("Jefe", "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // computed outside Java (Python's hmac module)
        String header = "t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163";
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(Webhooks.sign("secret", 1_700_000_000L, body)).isEqualTo(header);
        assertThat(Webhooks.verify("secret", header, body, Duration.ofMinutes(5), Instant.ofEpochSecond(1_700_000_100L))).isTrue();
    }

    @Test
    void aValidSignatureVerifies() throws Exception {
        assertThat(verify(SECRET, header(SECRET, T, BODY), BODY)).isTrue();
        // also with the current clock and the text form of the body
        long now = Instant.now().getEpochSecond();
        assertThat(Webhooks.verify(SECRET, header(SECRET, now, BODY), new String(BODY, StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void theWrongSecretFails() throws Exception {
        assertThat(verify("another-secret", header(SECRET, T, BODY), BODY)).isFalse();
    }

    @Test
    void aTamperedBodyFails() throws Exception {
        byte[] tampered = "{\"event\":\"notification.read\",\"id\":43,\"title\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(verify(SECRET, header(SECRET, T, BODY), tampered)).isFalse();
        // and a tampered timestamp with the old signature
        String h = header(SECRET, T, BODY).replace("t=" + T, "t=" + (T + 1));
        assertThat(verify(SECRET, h, BODY)).isFalse();
    }

    @Test
    void aTimestampOutsideTheToleranceFailsEitherWay() throws Exception {
        Instant t = Instant.ofEpochSecond(T);
        String h = header(SECRET, T, BODY);
        assertThat(Webhooks.verify(SECRET, h, BODY, Duration.ofMinutes(5), t.plusSeconds(300))).isTrue();
        assertThat(Webhooks.verify(SECRET, h, BODY, Duration.ofMinutes(5), t.plusSeconds(301))).isFalse();
        assertThat(Webhooks.verify(SECRET, h, BODY, Duration.ofMinutes(5), t.minusSeconds(301))).isFalse();
        assertThat(Webhooks.verify(SECRET, h, BODY, Duration.ofHours(1), t.plusSeconds(3000))).isTrue();
        // the default tolerance with the real clock: a signature from ten minutes ago is stale
        long tenMinutesAgo = Instant.now().minusSeconds(600).getEpochSecond();
        assertThat(Webhooks.verify(SECRET, header(SECRET, tenMinutesAgo, BODY), BODY)).isFalse();
    }

    @Test
    void anyOfSeveralV1ValuesMayMatch() throws Exception {
        String oldSig = hmacHex("old-secret", T + "." + new String(BODY, StandardCharsets.UTF_8));
        String newSig = hmacHex(SECRET, T + "." + new String(BODY, StandardCharsets.UTF_8));
        assertThat(verify(SECRET, "t=" + T + ",v1=" + oldSig + ",v1=" + newSig, BODY)).isTrue();
        assertThat(verify("old-secret", "t=" + T + ",v1=" + oldSig + ",v1=" + newSig, BODY)).isTrue();
        assertThat(verify("third-secret", "t=" + T + ",v1=" + oldSig + ",v1=" + newSig, BODY)).isFalse();
        // unknown schemes are ignored, upper-case hex and spaces after commas are accepted
        assertThat(verify(SECRET, "t=" + T + ", v0=abc, v1=" + newSig.toUpperCase(), BODY)).isTrue();
    }

    @Test
    void malformedHeadersAreFalseNotExceptions() throws Exception {
        String sig = hmacHex(SECRET, T + "." + new String(BODY, StandardCharsets.UTF_8));
        for (String h : new String[] {
                null, "", "garbage", "t=" + T, "v1=" + sig, "t=,v1=" + sig, "t=abc,v1=" + sig,
                "t=" + T + ",v1=" + sig.substring(1), "t=" + T + ",v1=" + sig + "zz", "t=" + T + ",v1=",
                "t=" + T + ",t=" + T + ",v1=" + sig, "t=-" + T + ",v1=" + sig, "t=" + T + ",v1=" + sig + ",",
                "t=" + T + ";v1=" + sig, "t=" + T + ",v1=" + "g".repeat(64), "t=" + T + "," + "v1=" + sig.replace('a', 'b').replace('0', '1') + "x".repeat(5000)}) {
            assertThat(verify(SECRET, h, BODY)).as(String.valueOf(h)).isFalse();
        }
    }

    @Test
    void programmingErrorsThrow() {
        assertThatThrownBy(() -> Webhooks.verify(null, "t=1,v1=00", BODY)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Webhooks.verify("", "t=1,v1=00", BODY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Webhooks.verify(SECRET, "t=1,v1=00", (byte[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Webhooks.verify(SECRET, "t=1,v1=00", BODY, Duration.ofSeconds(-1), NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
