package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How much of a connection's CPU goes into checking its token: nimbus-jose-jwt as Herald uses it
 * (parse, claims, MACVerifier) against a lean HS256 path (cached header, a per-thread Mac, Jackson
 * for the claims). Evidence for a server-side suggestion, not a scenario.
 */
@Command(name = "jwt-cost", mixinStandardHelpOptions = true,
        description = "Microbenchmark: HS256 verification with nimbus (as Herald does) vs a lean path.")
final class JwtCost implements Callable<Integer> {
    @Option(names = "--iterations", description = "default ${DEFAULT-VALUE}")
    int iterations = 200_000;

    private static final String SECRET = "0123456789abcdef0123456789abcdef-bench";

    @Override
    public Integer call() throws Exception {
        Tokens tokens = new Tokens(SECRET, 3600);
        String[] sample = new String[1024];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = tokens.mint(1 + i);
        }
        MACVerifier verifier = new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8));
        Lean lean = new Lean(SECRET.getBytes(StandardCharsets.UTF_8));
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                SignedJWT jwt = SignedJWT.parse(sample[i & 1023]);
                JWTClaimsSet claims = jwt.getJWTClaimsSet();
                if (!jwt.verify(verifier)) {
                    throw new IllegalStateException("bad signature");
                }
                sink += Long.parseLong(claims.getSubject()) + claims.getExpirationTime().getTime();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                sink += lean.verify(sample[i & 1023]);
            }
            long t2 = System.nanoTime();
            System.out.printf("round %d: nimbus %.2f µs/token, lean %.2f µs/token%n", round,
                    (t1 - t0) / 1e3 / iterations, (t2 - t1) / 1e3 / iterations);
        }
        System.out.println("(checksum " + sink + ")");
        return 0;
    }

    /** HS256 only: header segments seen before are trusted by identity of their text. */
    static final class Lean {
        private final byte[] key;
        private final Map<String, Boolean> headers = new ConcurrentHashMap<>();
        private final ThreadLocal<Mac> mac;

        Lean(byte[] key) {
            this.key = key;
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(this.key, "HmacSHA256"));
                    return m;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        long verify(String token) throws Exception {
            int a = token.indexOf('.');
            int b = token.indexOf('.', a + 1);
            String header = token.substring(0, a);
            Boolean ok = headers.get(header);
            if (ok == null) {
                JsonNode h = Worker.JSON.readTree(Base64.getUrlDecoder().decode(header));
                ok = "HS256".equals(h.path("alg").asText());
                if (headers.size() < 64) {
                    headers.put(header, ok);
                }
            }
            if (!ok) {
                throw new IllegalArgumentException("alg");
            }
            Mac m = mac.get();
            byte[] expected = m.doFinal(token.substring(0, b).getBytes(StandardCharsets.US_ASCII));
            byte[] given = Base64.getUrlDecoder().decode(token.substring(b + 1));
            if (!MessageDigest.isEqual(expected, given)) {
                throw new IllegalArgumentException("signature");
            }
            JsonNode claims = Worker.JSON.readTree(Base64.getUrlDecoder().decode(token.substring(a + 1, b)));
            return Long.parseLong(claims.path("sub").asText()) + claims.path("exp").asLong();
        }
    }
}
