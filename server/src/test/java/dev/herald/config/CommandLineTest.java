package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Main;
import dev.herald.auth.Principal;
import dev.herald.auth.TokenVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code token} command: prints only a JWT the server accepts. */
class CommandLineTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        return run(System.getenv(), args);
    }

    private Run run(Map<String, String> env, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = Main.commandLine(env);
            cli.setErr(new PrintWriter(System.err, true));
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void serve_onAPortAnotherProcessHolds_saysSoInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run r = run("serve", "--port", Integer.toString(taken.getLocalPort()), "--data-dir", dir.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(4);
            assertThat(r.err()).contains("already in use").contains("--port").doesNotContain("\tat ");
        }
    }

    @Test
    void aPublicKeyFileThatHoldsNoKey_isAConfigurationError() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
        Path config = dir.resolve("herald.properties");
        Files.writeString(config, "auth.jwt-secret=0123456789abcdef0123456789abcdef-secret\n"
                + "auth.jwt-public-key=" + pem + "\n");
        Run r = run("token", "--user", "1", "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("Invalid configuration:").doesNotContain("\tat ");
        assertThat(r.err().lines().filter(line -> line.startsWith("  - ")))
                .singleElement().satisfies(problem -> assertThat(problem).startsWith("  - auth.jwt-public-key"));
    }

    @Test
    void aMalformedJwksUrl_isAConfigurationError() throws Exception {
        Path config = dir.resolve("herald.properties");
        Files.writeString(config, "auth.jwks-url=idp.example.com/jwks\n");
        Run r = run("token", "--user", "1", "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("Invalid configuration:").doesNotContain("\tat ");
        assertThat(r.err().lines().filter(line -> line.startsWith("  - ")))
                .singleElement().satisfies(problem -> assertThat(problem).startsWith("  - auth.jwks-url"));
    }

    @Test
    void token_printsOnlyAJwtThatTheDemoKeyVerifies() throws Exception {
        Files.writeString(dir.resolve("demo-jwt-key"), "a-demo-servers-key-0123456789abcdef0123456789");
        Run r = run("token", "--user", "42", "--admin", "--ttl", "30m", "--channels", "private-a,private-team-*",
                "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String token = r.out().strip();
        assertThat(r.out().lines()).hasSize(1);
        assertThat(token.split("\\.")).hasSize(3);
        byte[] secret = Files.readString(dir.resolve("demo-jwt-key")).trim().getBytes(StandardCharsets.UTF_8);
        Principal p = new TokenVerifier(secret, Optional.empty(), Duration.ofSeconds(30), Clock.systemUTC()).verify(token);
        assertThat(p.userId()).isEqualTo(42);
        assertThat(p.kind()).isEqualTo(Principal.Kind.ADMIN);
        assertThat(p.channels()).containsExactly("private-a", "private-team-*");
        assertThat(p.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(29)), Instant.now().plus(Duration.ofMinutes(31)));
    }

    @Test
    void token_refusesABadUserOrTtl() {
        Run zero = run("token", "--user", "0", "--data-dir", dir.toString());
        assertThat(zero.exit()).isNotZero();
        assertThat(zero.err()).contains("--user");
        assertThat(zero.out()).isEmpty();
        Run ttl = run("token", "--user", "1", "--ttl", "5x", "--data-dir", dir.toString());
        assertThat(ttl.exit()).isNotZero();
        assertThat(ttl.err()).contains("--ttl");
        assertThat(run("token", "--data-dir", dir.toString()).exit()).as("--user is required").isNotZero();
    }

    @Test
    void config_printsEveryKeyWithItsValueAndOrigin_secretsMasked() throws Exception {
        Path config = dir.resolve("herald.properties");
        Files.writeString(config, "server.port=9000\ngateway.idle-timeout=90s\nauth.jwt-secret=file-secret-0123456789abcdef0123456789\n"
                + "db.url=jdbc:postgresql://herald:urlpass1@db:5432/herald?sslmode=require&password=urlpass2\n"
                + "db.password=dbpass-secret\n");
        Map<String, String> env = Map.of("HERALD_PORT", "9001", "HERALD_API_KEYS", "apikey-secret-1,apikey-secret-2",
                "HERALD_REDIS_URL", "redis://:redispass@redis:6379", "HERALD_GATEWAY_IDLE_TIMEOUT", "120s", "PATH", "/bin");
        Run r = run(env, "config", "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        var lines = r.out().lines().toList();
        assertThat(lines).hasSize(Keys.ALL.size());
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("server\\.port +=  ?9001  \\(env HERALD_PORT\\)"))
                .anySatisfy(l -> assertThat(l).matches("gateway\\.idle-timeout += 120s  \\(env HERALD_GATEWAY_IDLE_TIMEOUT\\)"))
                .anySatisfy(l -> assertThat(l).matches("data-dir += " + Pattern.quote(dir.toString()) + "  \\(command line\\)"))
                .anySatisfy(l -> assertThat(l).matches("auth\\.jwt-secret += \\*\\*\\*\\*  \\(file " + Pattern.quote(config.toString()) + "\\)"))
                .anySatisfy(l -> assertThat(l).matches("auth\\.api-keys += \\*\\*\\*\\*  \\(env HERALD_API_KEYS\\)"))
                .anySatisfy(l -> assertThat(l).matches("gateway\\.rate-limit += 60  \\(default\\)"))
                .anySatisfy(l -> assertThat(l).contains("redis.url").contains("redis://:****@redis:6379"))
                .anySatisfy(l -> assertThat(l).contains("jdbc:postgresql://herald:****@db:5432/herald?sslmode=require&password=****"));
        for (String secret : new String[] {"file-secret", "urlpass", "dbpass", "apikey-secret", "redispass"}) {
            assertThat(r.out() + r.err()).doesNotContain(secret);
        }
    }

    @Test
    void config_withAnUnknownKeyInTheFile_namesItInOneLine() throws Exception {
        Path config = dir.resolve("herald.properties");
        Files.writeString(config, "server.prot=9000\n");
        Run r = run(Map.of(), "config", "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().filter(line -> line.startsWith("  - ")))
                .singleElement().satisfies(p -> assertThat(p).contains("server.prot").contains("did you mean server.port?"));
    }

    @Test
    void token_withNoSecretAndNoDemoKey_saysItCannotSignForTheServer() throws Exception {
        Path elsewhere = dir.resolve("not-the-servers-dir");
        for (String[] command : new String[][] {{"token", "--user", "1"}, {"cleanup"}, {"retry-unsent"}}) {
            String[] args = new String[command.length + 2];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--data-dir";
            args[command.length + 1] = elsewhere.toString();
            Run r = run(Map.of(), args);
            assertThat(r.exit()).as(command[0] + ": " + r.err()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().filter(line -> line.startsWith("  - "))).singleElement().satisfies(p -> assertThat(p)
                    .startsWith("  - auth.jwt-secret").contains("no demo key in " + elsewhere).contains("--config"));
            assertThat(elsewhere.resolve("demo-jwt-key")).as("no new key is made").doesNotExist();
        }
    }

    @Test
    void token_withTheServersSecretFromTheEnvironment_signsWithIt() throws Exception {
        String secret = "the-servers-secret-0123456789abcdef0123456789";
        Run r = run(Map.of("HERALD_JWT_SECRET", secret), "token", "--user", "7", "--data-dir", dir.resolve("x").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Principal p = new TokenVerifier(secret.getBytes(StandardCharsets.UTF_8), Optional.empty(), Duration.ofSeconds(30),
                Clock.systemUTC()).verify(r.out().strip());
        assertThat(p.userId()).isEqualTo(7);
    }

    @Test
    void config_inDemoMode_makesNoDemoKey() {
        Run r = run(Map.of(), "config", "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(dir.resolve("demo-jwt-key")).doesNotExist();
    }
}
