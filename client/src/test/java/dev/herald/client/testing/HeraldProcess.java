package dev.herald.client.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real Herald server for tests: starts {@code server/target/herald.jar serve} as a child process
 * on a free loopback port with an API key, an HS256 JWT secret and the embedded H2 database in a
 * fresh temporary data directory, waits until {@code /health/ready} answers 200, and stops it (and
 * deletes the directory) on {@link #close()}.
 *
 * <pre>{@code
 * static HeraldProcess herald;
 * @BeforeAll static void start() throws Exception { herald = HeraldProcess.start(); }
 * @AfterAll static void stop() { herald.close(); }
 * }</pre>
 *
 * <p>The jar is found through the system property {@code herald.jar} (the client's surefire
 * configuration sets it), else the environment variable {@code HERALD_JAR}, else
 * {@code ../server/target/herald.jar} or {@code server/target/herald.jar} from the working
 * directory. Published in the client's test-jar ({@code dev.herald:herald-client:tests}) so other
 * modules (the Spring Boot starter) can reuse it.
 */
public final class HeraldProcess implements AutoCloseable {
    /** The API key the server accepts ({@code HERALD_API_KEYS}). */
    public static final String API_KEY = "test-api-key-0123456789";
    /** The HS256 secret the server verifies user tokens with ({@code HERALD_JWT_SECRET}, 32+ bytes). */
    public static final String JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";

    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private HeraldProcess(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts a server with the default settings; see {@link #start(Map)}. */
    public static HeraldProcess start() throws IOException, InterruptedException {
        return start(Map.of());
    }

    /**
     * Starts a server and waits until it is ready.
     *
     * @param env extra {@code HERALD_*} settings (e.g. {@code HERALD_AUTH_ALLOW_BIND=true}); they
     *            override the defaults
     * @return the running server
     * @throws IllegalStateException when it exits or is not ready within a minute (with its log's tail)
     */
    public static HeraldProcess start(Map<String, String> env) throws IOException, InterruptedException {
        Path jar = jar();
        Path dataDir = Files.createTempDirectory("herald-client-test");
        Path log = dataDir.resolve("server.log");
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("HERALD_"));
        e.put("HERALD_PORT", Integer.toString(port));
        e.put("HERALD_HOST", "127.0.0.1");
        e.put("HERALD_DATA_DIR", dataDir.resolve("data").toString());
        e.put("HERALD_API_KEYS", API_KEY);
        e.put("HERALD_JWT_SECRET", JWT_SECRET);
        e.put("HERALD_DEMO", "false");
        e.putAll(env);
        pb.directory(dataDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        HeraldProcess server = new HeraldProcess(pb.start(), port, dataDir, log);
        try {
            server.awaitReady();
        } catch (IllegalStateException | InterruptedException ex) {
            server.close();
            throw ex;
        }
        return server;
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** @return the server's port on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return a user token for {@code userId}, valid for an hour */
    public String userToken(long userId) {
        return token(userId, false, Duration.ofHours(1));
    }

    /** @return an admin token ({@code roles: ["admin"]}) for {@code userId}, valid for an hour */
    public String adminToken(long userId) {
        return token(userId, true, Duration.ofHours(1));
    }

    /**
     * An HS256 JWT signed with {@link #JWT_SECRET} (computed here with {@code javax.crypto}).
     *
     * @param userId the {@code sub}
     * @param admin  whether to add {@code roles: ["admin"]}
     * @param ttl    from now to {@code exp} (negative for an expired token)
     * @return the compact token
     */
    public static String token(long userId, boolean admin, Duration ttl) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long exp = Instant.now().plus(ttl).getEpochSecond();
        String claims = "{\"sub\":\"" + userId + "\",\"exp\":" + exp + (admin ? ",\"roles\":[\"admin\"]" : "") + "}";
        String signingInput = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** @return the server's output so far (for failure messages) */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException ex) {
            return "(no log: " + ex + ")";
        }
    }

    /** Stops the server (SIGTERM, then kill after 15 s) and deletes its data directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("herald exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) baseUrl().resolve("/health/ready").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
                if (status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("herald not ready within " + READY_WITHIN + ":\n" + tail());
    }

    private String tail() {
        String all = log();
        return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    }

    private static Path jar() {
        List<String> candidates = new ArrayList<>();
        String prop = System.getProperty("herald.jar");
        if (prop != null) {
            candidates.add(prop);
        }
        String env = System.getenv("HERALD_JAR");
        if (env != null) {
            candidates.add(env);
        }
        candidates.add("../server/target/herald.jar");
        candidates.add("server/target/herald.jar");
        for (String c : candidates) {
            Path p = Path.of(c).toAbsolutePath().normalize();
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no Herald server jar in " + candidates
                + "; build it: ./mvnw -pl server package -DskipTests");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
