package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.herald.testing.Pem;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

    @TempDir
    Path dir;

    private Settings load(Map<String, String> env, Map<String, String> overrides) {
        return SettingsLoader.load(Optional.empty(), env, withDataDir(overrides));
    }

    private Map<String, String> withDataDir(Map<String, String> overrides) {
        var all = new HashMap<>(overrides);
        all.putIfAbsent("data-dir", dir.toString());
        return all;
    }

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("herald.properties");
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    private ConfigException failure(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return catchThrowableOfType(ConfigException.class,
                () -> SettingsLoader.load(file, env, withDataDir(overrides)));
    }

    @Test
    void defaults_areTheDocumentedOnes() {
        Settings s = SettingsLoader.defaults(dir);
        assertThat(s.dataDir()).isEqualTo(dir);
        assertThat(s.server().host()).isEqualTo("0.0.0.0");
        assertThat(s.server().port()).isEqualTo(8080);
        assertThat(s.demo()).isTrue();
        assertThat(s.database().embedded()).isTrue();
        assertThat(s.redis().enabled()).isFalse();
        assertThat(s.auth().allowBind()).isFalse();
        assertThat(s.auth().bindGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.auth().apiKeys()).isEmpty();
        assertThat(s.auth().jwtPublicKeyPem()).isEmpty();
        var g = s.gateway();
        assertThat(g.heartbeatInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(g.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(g.rateLimitPerMinute()).isEqualTo(60);
        assertThat(g.maxFrameBytes()).isEqualTo(64 * 1024);
        assertThat(g.hardFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(g.maxOutboundBytes()).isEqualTo(1024 * 1024);
        assertThat(g.maxChannels()).isEqualTo(100);
        assertThat(g.maxConnectionsPerUser()).isEqualTo(20);
        assertThat(s.channels().historySize()).isEqualTo(100);
        assertThat(s.channels().historyTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.http().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(s.nodeId()).matches("[A-Za-z0-9_-]{1,32}");
    }

    @Test
    void environment_overridesDefaultsWithLongAndSpecNames() {
        Settings s = load(Map.of(
                "HERALD_PORT", "9090",
                "HERALD_JWT_SECRET", SECRET,
                "HERALD_API_KEYS", "key-one-1234, key-two-5678 ,",
                "HERALD_DEMO", "false",
                "HERALD_GATEWAY_IDLE_TIMEOUT", "90s",
                "HERALD_GATEWAY_MAX_FRAME_BYTES", "32KiB",
                "HERALD_CHANNELS_HISTORY_TTL", "500ms",
                "HERALD_REDIS_URL", "redis://cache:6379",
                "PATH", "/usr/bin"), Map.of());
        assertThat(s.server().port()).isEqualTo(9090);
        assertThat(new String(s.auth().jwtSecret(), StandardCharsets.UTF_8)).isEqualTo(SECRET);
        assertThat(s.auth().apiKeys()).containsExactly("key-one-1234", "key-two-5678");
        assertThat(s.demo()).isFalse();
        assertThat(s.gateway().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.gateway().maxFrameBytes()).isEqualTo(32 * 1024);
        assertThat(s.channels().historyTtl()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.redis().enabled()).isTrue();
    }

    @Test
    void specAliases_coverDataDirAndDatabase() {
        Path other = dir.resolve("elsewhere");
        Settings s = SettingsLoader.load(Optional.empty(), Map.of(
                "HERALD_DATA_DIR", other.toString(),
                "HERALD_DB_URL", "jdbc:postgresql://db:5432/herald",
                "HERALD_DB_USER", "herald",
                "HERALD_DB_PASSWORD", "pw",
                "HERALD_JWT_SECRET", SECRET), Map.of());
        assertThat(s.dataDir()).isEqualTo(other);
        assertThat(s.database().url()).isEqualTo("jdbc:postgresql://db:5432/herald");
        assertThat(s.database().user()).isEqualTo("herald");
        assertThat(s.database().password()).isEqualTo("pw");
        assertThat(s.demo()).as("an external database turns the demo default off").isFalse();
    }

    @Test
    void file_isReadAndEnvironmentAndCommandLineWinOverIt() throws Exception {
        Path f = file("server.port=7000", "gateway.rate-limit=120", "auth.jwt-secret=" + SECRET,
                "gateway.max-channels = 7", "# a comment");
        Settings s = SettingsLoader.load(Optional.of(f), Map.of("HERALD_GATEWAY_RATE_LIMIT", "240"),
                withDataDir(Map.of("gateway.max-channels", "9")));
        assertThat(s.server().port()).isEqualTo(7000);
        assertThat(s.gateway().rateLimitPerMinute()).isEqualTo(240);
        assertThat(s.gateway().maxChannels()).isEqualTo(9);
        assertThat(new String(s.auth().jwtSecret(), StandardCharsets.UTF_8)).isEqualTo(SECRET);
    }

    @Test
    void sizesAndDurations_acceptEveryDocumentedUnit() {
        Settings s = load(Map.of(), Map.of(
                "gateway.max-frame-bytes", "65536",
                "gateway.hard-frame-bytes", "2MiB",
                "gateway.max-outbound-bytes", "512kib",
                "http.max-body-bytes", "1MB",
                "gateway.heartbeat-interval", "1500ms",
                "gateway.idle-timeout", "2m",
                "channels.history-ttl", "1h",
                "auth.bind-grace", "1d"));
        assertThat(s.gateway().maxFrameBytes()).isEqualTo(65536);
        assertThat(s.gateway().hardFrameBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(s.gateway().maxOutboundBytes()).isEqualTo(512 * 1024);
        assertThat(s.http().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(s.gateway().heartbeatInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.gateway().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.channels().historyTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.auth().bindGrace()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void everyBadValue_isReportedWithItsKeyAndOrigin() throws Exception {
        Path f = file("server.port=eighty", "gateway.idle-timeout=forever", "gateway.rate-limit=0");
        ConfigException e = failure(Optional.of(f), Map.of(
                "HERALD_GATEWAY_MAX_FRAME_BYTES", "lots",
                "HERALD_DEMO", "maybe",
                "HERALD_REDIS_URL", "localhost:6379"), Map.of("db.url", "postgres://nope"));
        assertThat(e).isNotNull();
        List<String> p = e.problems();
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("server.port (from file " + f + ")").contains("eighty"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("gateway.idle-timeout (from file " + f + ")").contains("forever"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("gateway.rate-limit (from file " + f + ")").contains("got 0"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("gateway.max-frame-bytes (from env HERALD_GATEWAY_MAX_FRAME_BYTES)"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("demo.enabled (from env HERALD_DEMO)").contains("maybe"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("redis.url (from env HERALD_REDIS_URL)"));
        assertThat(p).anySatisfy(m -> assertThat(m).startsWith("db.url (from command line)"));
        assertThat(e.getMessage()).contains("server.port", "gateway.idle-timeout", "gateway.rate-limit",
                "gateway.max-frame-bytes", "demo.enabled", "redis.url", "db.url");
    }

    @Test
    void redisUrls_listShards_andRedisUrlIsAListOfOne() {
        Settings one = load(Map.of("HERALD_REDIS_URL", "redis://r1:6379", "HERALD_JWT_SECRET", SECRET), Map.of());
        assertThat(one.redis().urls()).containsExactly("redis://r1:6379");
        Settings many = load(Map.of("HERALD_REDIS_URLS", " redis://r1:6379, redis://:pw@r2:6380/0 ,rediss://r3",
                "HERALD_JWT_SECRET", SECRET), Map.of());
        assertThat(many.redis().enabled()).isTrue();
        assertThat(many.redis().urls()).containsExactly("redis://r1:6379", "redis://:pw@r2:6380/0", "rediss://r3");
        assertThat(Settings.Redis.serverId("redis://:pw@R2:6380")).isEqualTo("r2:6380/0");
        assertThat(Settings.Redis.serverId("rediss://r3/2")).isEqualTo("r3:6379/2");
        assertThat(load(Map.of(), Map.of()).redis().urls()).isEmpty();
    }

    @Test
    void badRedisUrls_areRefusedNamingTheEntry() {
        ConfigException both = failure(Optional.empty(), Map.of("HERALD_REDIS_URL", "redis://r1:6379",
                "HERALD_REDIS_URLS", "redis://r2:6379"), Map.of());
        assertThat(both.problems()).anySatisfy(m -> assertThat(m).startsWith("redis.urls").contains("not both"));

        ConfigException bad = failure(Optional.empty(), Map.of(), Map.of("redis.urls",
                "redis://r1:6379,,http://r2:6379,redis://:secret@r3:port,redis://r4/x"));
        assertThat(bad.problems()).anySatisfy(m -> assertThat(m).startsWith("redis.urls").contains("entry 2 of 5 is empty"));
        assertThat(bad.problems()).anySatisfy(m -> assertThat(m).contains("entry 3 of 5 (http://r2:6379)").contains("redis://"));
        assertThat(bad.problems()).anySatisfy(m -> assertThat(m).contains("entry 4 of 5 (redis://:****@r3:port)"));
        assertThat(bad.problems()).noneSatisfy(m -> assertThat(m).contains("secret"));
        assertThat(bad.problems()).anySatisfy(m -> assertThat(m).contains("entry 5 of 5").contains("database number"));

        ConfigException twice = failure(Optional.empty(), Map.of(), Map.of("redis.urls",
                "redis://r1:6379,redis://r2:6379,redis://:pw@R1/0"));
        assertThat(twice.problems()).anySatisfy(m -> assertThat(m).startsWith("redis.urls")
                .contains("entry 3 of 3 names the same server as entry 1 (r1:6379/0)"));

        ConfigException blank = failure(Optional.empty(), Map.of(), Map.of("redis.urls", "  "));
        assertThat(blank.problems()).anySatisfy(m -> assertThat(m).startsWith("redis.urls").contains("blank"));
        ConfigException commas = failure(Optional.empty(), Map.of(), Map.of("redis.urls", ","));
        assertThat(commas.problems()).anySatisfy(m -> assertThat(m).contains("entry 1 of 2 is empty"));
    }

    @Test
    void outOfRangeValues_areRefused() {
        ConfigException e = failure(Optional.empty(), Map.of(), Map.of(
                "server.port", "70000",
                "gateway.max-frame-bytes", "64",
                "gateway.heartbeat-interval", "0s",
                "node-id", "has spaces in it",
                "auth.api-keys", "short"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("server.port").contains("0 to 65535"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("gateway.max-frame-bytes").contains("128 bytes"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("gateway.heartbeat-interval").contains("greater than zero"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("node-id"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("auth.api-keys").contains("8 characters"));
    }

    @Test
    void hardFrameLimitBelowSoftLimit_isRefused() {
        ConfigException e = failure(Optional.empty(), Map.of(),
                Map.of("gateway.max-frame-bytes", "64KiB", "gateway.hard-frame-bytes", "32KiB"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("gateway.hard-frame-bytes")
                .contains("gateway.max-frame-bytes"));
    }

    @Test
    void backlogLimits_haveDefaultsAndRefuseUselessValues() {
        Settings s = load(Map.of(), Map.of());
        assertThat(s.gateway().backlogPushBytes()).isEqualTo(1024 * 1024);
        assertThat(s.gateway().backlogDrainTimeout()).isEqualTo(Duration.ofSeconds(60));
        ConfigException e = failure(Optional.empty(), Map.of(),
                Map.of("gateway.backlog-push-bytes", "100", "gateway.backlog-drain-timeout", "10ms"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("gateway.backlog-push-bytes"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("gateway.backlog-drain-timeout"));
    }

    @Test
    void unknownFileKey_isReportedWithTheFile() throws Exception {
        Path f = file("server.prot=8080", "gateway.idle-timeout=30s");
        ConfigException e = failure(Optional.of(f), Map.of(), Map.of());
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("server.prot (in " + f + ")").contains("unknown setting")
                        .contains("did you mean server.port?"));
    }

    @Test
    void unknownFileKeys_eachGetOneLine_withTheClosestKeyWhenOneIsNear() throws Exception {
        Path f = file("jwt-secret=" + SECRET, "gateway.idle_timeout=30s", "colour=blue");
        ConfigException e = failure(Optional.of(f), Map.of(), Map.of());
        assertThat(e.problems()).hasSize(3);
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("jwt-secret (in ")
                .contains("did you mean auth.jwt-secret?"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("gateway.idle_timeout (in ")
                .contains("did you mean gateway.idle-timeout?"));
        assertThat(e.problems()).anySatisfy(m -> assertThat(m).startsWith("colour (in ")
                .contains("unknown setting").doesNotContain("did you mean"));
        assertThat(e.getMessage().lines().filter(l -> l.startsWith("  - "))).hasSize(3);
    }

    @Test
    void unknownHeraldVariables_areWarnings_withTheClosestVariable() {
        List<String> warnings = KeyHints.unknownVariables(Map.of("HERALD_JWT_SECRE", "x", "HERALD_OPTS", "-Xmx1g",
                "HERALD_PORT", "1", "HERALD_SERVER_PORT", "1", "PATH", "/bin", "HERALD_WHATEVER", "x"));
        assertThat(warnings).containsExactly(
                "environment variable HERALD_JWT_SECRE matches no setting and is ignored; did you mean HERALD_JWT_SECRET?",
                "environment variable HERALD_WHATEVER matches no setting and is ignored");
    }

    @Test
    void unknownCommandLineKey_isReportedNotIgnored() {
        ConfigException e = failure(Optional.empty(), Map.of(), Map.of("gateway.idle-timout", "2s"));
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("gateway.idle-timout (from command line)").contains("unknown setting"));
    }

    @Test
    void unknownEnvironmentVariables_areIgnored() {
        Settings s = load(Map.of("HERALD_NOT_A_SETTING", "x", "HERALD_LOG_LEVEL", "DEBUG"), Map.of());
        assertThat(s.server().port()).isEqualTo(8080);
    }

    @Test
    void unreadableFile_isReported() {
        Path missing = dir.resolve("nope.properties");
        ConfigException e = failure(Optional.of(missing), Map.of(), Map.of());
        assertThat(e.problems()).singleElement().satisfies(m -> assertThat(m).contains(missing.toString()));
    }

    @Test
    void demoKey_isGeneratedOnceKeptPrivateAndReused() throws Exception {
        Settings first = SettingsLoader.defaults(dir);
        Path kept = dir.resolve("demo-jwt-key");
        assertThat(kept).exists();
        assertThat(first.auth().jwtSecret()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(Files.readString(kept).trim().getBytes(StandardCharsets.UTF_8)).isEqualTo(first.auth().jwtSecret());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
        Settings second = SettingsLoader.defaults(dir);
        assertThat(second.auth().jwtSecret()).isEqualTo(first.auth().jwtSecret());
    }

    @Test
    void demoKey_isNotTheSecretEarlierVersionsKept() throws Exception {
        Files.writeString(dir.resolve("jwt-secret"), SECRET);
        Settings s = SettingsLoader.defaults(dir);
        assertThat(s.demo()).isTrue();
        assertThat(new String(s.auth().jwtSecret(), StandardCharsets.UTF_8)).isNotEqualTo(SECRET);
    }

    @Test
    void configuredSecret_keepsDemoModeOff() {
        Settings s = load(Map.of("HERALD_JWT_SECRET", SECRET), Map.of());
        assertThat(s.demo()).isFalse();
        assertThat(new String(s.auth().jwtSecret(), StandardCharsets.UTF_8)).isEqualTo(SECRET);
        assertThat(dir.resolve("demo-jwt-key")).doesNotExist();
    }

    @Test
    void productionCredentialsWithoutDatabaseOrRedis_keepDemoModeOff() {
        Settings s = load(Map.of("HERALD_JWT_SECRET", SECRET, "HERALD_API_KEYS", "backend-key-1234"), Map.of());
        assertThat(s.demo()).isFalse();
        assertThat(dir.resolve("demo-jwt-key")).doesNotExist();
    }

    @Test
    void apiKeysAlone_keepDemoModeOff_andThenASecretIsRequired() {
        ConfigException e = failure(Optional.empty(), Map.of("HERALD_API_KEYS", "backend-key-1234"), Map.of());
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("auth.jwt-secret").contains("required outside demo mode").contains("HERALD_DEMO=true"));
    }

    @Test
    void aPublicKeyAlone_keepsDemoModeOff() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, Pem.publicKey(
                new RSAKeyGenerator(2048).generate().toPublicKey()));
        assertThat(load(Map.of(), Map.of("auth.jwt-public-key", pem.toString())).demo()).isFalse();
    }

    @Test
    void explicitDemo_withASecret_isAConfigurationError() {
        ConfigException e = failure(Optional.empty(), Map.of("HERALD_DEMO", "true", "HERALD_JWT_SECRET", SECRET), Map.of());
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("demo.enabled (from env HERALD_DEMO)").contains("auth.jwt-secret"));
    }

    @Test
    void explicitDemo_withAPublicKey_isAConfigurationError() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, Pem.publicKey(
                new RSAKeyGenerator(2048).generate().toPublicKey()));
        ConfigException e = failure(Optional.empty(), Map.of("HERALD_DEMO", "true"), Map.of("auth.jwt-public-key", pem.toString()));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("demo.enabled").contains("auth.jwt-public-key"));
    }

    @Test
    void explicitDemo_withApiKeys_signsWithTheDemoKey() throws Exception {
        Settings s = load(Map.of("HERALD_DEMO", "true", "HERALD_API_KEYS", "backend-key-1234"), Map.of());
        assertThat(s.demo()).isTrue();
        assertThat(s.auth().apiKeys()).containsExactly("backend-key-1234");
        assertThat(Files.readString(dir.resolve("demo-jwt-key")).trim().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(s.auth().jwtSecret());
    }

    @Test
    void demoAdmin_isOffUnlessAskedFor() {
        assertThat(SettingsLoader.defaults(dir).auth().demoAdmin()).isFalse();
        assertThat(load(Map.of("HERALD_DEMO_ADMIN", "true"), Map.of()).auth().demoAdmin()).isTrue();
    }

    @Test
    void issuerAndAudience_areOptional() {
        Settings none = load(Map.of("HERALD_JWT_SECRET", SECRET), Map.of());
        assertThat(none.auth().issuer()).isEmpty();
        assertThat(none.auth().audience()).isEmpty();
        Settings both = load(Map.of("HERALD_JWT_SECRET", SECRET, "HERALD_AUTH_ISSUER", "https://app.example.com",
                "HERALD_AUTH_AUDIENCE", "herald"), Map.of());
        assertThat(both.auth().issuer()).contains("https://app.example.com");
        assertThat(both.auth().audience()).contains("herald");
    }

    @Test
    void missingSecretOutsideDemo_isAClearError() {
        ConfigException e = failure(Optional.empty(), Map.of("HERALD_DEMO", "false"), Map.of());
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("auth.jwt-secret").contains("required outside demo mode"));
        assertThat(dir.resolve("demo-jwt-key")).doesNotExist();
    }

    @Test
    void shortSecret_isRefused() {
        ConfigException e = failure(Optional.empty(), Map.of("HERALD_JWT_SECRET", "tooshort"), Map.of());
        assertThat(e.problems()).singleElement().satisfies(m ->
                assertThat(m).startsWith("auth.jwt-secret (from env HERALD_JWT_SECRET)").contains("32 bytes"));
    }

    @Test
    void missingPublicKeyFile_isReported() {
        ConfigException e = failure(Optional.empty(), Map.of("HERALD_JWT_SECRET", SECRET),
                Map.of("auth.jwt-public-key", dir.resolve("no.pem").toString()));
        assertThat(e.problems()).singleElement().satisfies(m -> assertThat(m).startsWith("auth.jwt-public-key"));
    }

    @Test
    void aPublicKeyAlone_isEnoughOutsideDemo() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, Pem.publicKey(
                new RSAKeyGenerator(2048).generate().toPublicKey()));
        Settings s = load(Map.of("HERALD_DEMO", "false"), Map.of("auth.jwt-public-key", pem.toString()));
        assertThat(s.auth().jwtSecret()).isEmpty();
        assertThat(s.auth().jwtPublicKeyPem()).hasValueSatisfying(v -> assertThat(v).contains("BEGIN PUBLIC KEY"));
    }

    /** Whether the text holds a key is auth's to judge: {@code CommandLineTest} shows the start refusing it. */
    @Test
    void aFileThatIsNotAKey_isKeptAsText() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
        Settings s = load(Map.of("HERALD_JWT_SECRET", SECRET), Map.of("auth.jwt-public-key", pem.toString()));
        assertThat(s.auth().jwtPublicKeyPem()).contains(Files.readString(pem));
    }

    @Test
    void smtp_offByDefault_fromTheEnvironment_andCheckedWhenOn() {
        Settings.Smtp off = load(Map.of(), Map.of()).smtp();
        assertThat(off.enabled()).isFalse();
        assertThat(off.starttls()).isTrue();
        assertThat(off.trustStore()).isEmpty();
        Settings.Smtp on = load(Map.of("HERALD_SMTP_HOST", "mail.example.com", "HERALD_SMTP_PORT", "2525",
                "HERALD_SMTP_USERNAME", "u", "HERALD_SMTP_PASSWORD", "p", "HERALD_SMTP_FROM", "herald@example.com"),
                Map.of()).smtp();
        assertThat(on.enabled()).isTrue();
        assertThat(on.port()).isEqualTo(2525);
        assertThat(on.username()).isEqualTo("u");
        assertThat(on.password()).isEqualTo("p");
        assertThat(on.from()).isEqualTo("herald@example.com");
        assertThat(on.toString()).doesNotContain("p,").doesNotContain("password");
        assertThatThrownBy(() -> load(Map.of("HERALD_SMTP_HOST", "mail.example.com", "HERALD_SMTP_USERNAME", "u"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp.from")
                .hasMessageContaining("smtp.password");
    }

    @Test
    void smtpTrustStorePassword_fromItsVariable_neverShown_andOnlyWithATrustStore() {
        Settings.Smtp on = load(Map.of("HERALD_SMTP_HOST", "mail.example.com", "HERALD_SMTP_FROM", "herald@example.com",
                "HERALD_SMTP_TRUST_STORE", "/etc/herald/smtp-trust.p12", "HERALD_SMTP_TRUST_STORE_PASSWORD", "store-pw"),
                Map.of()).smtp();
        assertThat(on.trustStore()).isEqualTo("/etc/herald/smtp-trust.p12");
        assertThat(on.trustStorePassword()).isEqualTo("store-pw");
        assertThat(on.toString()).doesNotContain("store-pw");
        assertThat(load(Map.of(), Map.of()).smtp().trustStorePassword()).isEmpty();
        assertThatThrownBy(() -> load(Map.of("HERALD_SMTP_HOST", "mail.example.com", "HERALD_SMTP_FROM", "herald@example.com",
                "HERALD_SMTP_TRUST_STORE_PASSWORD", "store-pw"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp.trust-store-password")
                .hasMessageContaining("without smtp.trust-store");
    }

    @Test
    void publicUrl_mustBeAnAbsoluteHttpUrl() {
        assertThat(load(Map.of(), Map.of("server.public-url", "https://app.example.com/herald")).server().publicUrl())
                .isEqualTo("https://app.example.com/herald");
        for (String bad : List.of("/herald", "app.example.com", "ftp://app.example.com", "https://", "http://exa mple.com")) {
            assertThatThrownBy(() -> load(Map.of(), Map.of("server.public-url", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("server.public-url");
        }
    }

    @Test
    void configException_listsEveryProblemInItsMessage() {
        assertThatThrownBy(() -> SettingsLoader.load(Optional.empty(), Map.of(),
                withDataDir(Map.of("server.port", "x", "gateway.rate-limit", "y"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration:")
                .hasMessageContaining("server.port (from command line)")
                .hasMessageContaining("gateway.rate-limit (from command line)");
    }

    @Test
    void jwksUrl_isReadFromItsKeyAndBothEnvironmentNames_andCountsAsACredential() {
        String url = "https://idp.example.com/realms/app/protocol/openid-connect/certs";
        for (Map<String, String> env : List.of(Map.of("HERALD_JWKS_URL", url), Map.of("HERALD_AUTH_JWKS_URL", url))) {
            Settings s = load(env, Map.of());
            assertThat(s.auth().jwksUrl()).as(env.toString()).contains(URI.create(url));
            assertThat(s.demo()).as("a JWKS URL is a credential: no demo mode").isFalse();
            assertThat(s.auth().jwtSecret()).as("no secret required beside a JWKS").isEmpty();
        }
        assertThat(load(Map.of(), Map.of("auth.jwks-url", url, "auth.jwt-secret", SECRET)).auth().jwksUrl()).isPresent();
        assertThat(SettingsLoader.defaults(dir).auth().jwksUrl()).isEmpty();
    }

    @Test
    void malformedJwksUrl_isAConfigurationError() {
        for (String bad : new String[] {"idp.example.com/jwks", "ftp://idp.example.com/jwks", "https://", "http://a b/c"}) {
            ConfigException e = failure(Optional.empty(), Map.of(), Map.of("auth.jwks-url", bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.problems()).as(bad).anySatisfy(m -> assertThat(m).startsWith("auth.jwks-url").contains("http(s) URL"));
        }
    }

    @Test
    void jwksUrlBesideAPublicKey_orDemoMode_isAConfigurationError() throws Exception {
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, Pem.publicKey(new RSAKeyGenerator(2048).generate().toPublicKey()));
        ConfigException both = failure(Optional.empty(), Map.of(),
                Map.of("auth.jwks-url", "https://idp.example.com/jwks", "auth.jwt-public-key", pem.toString()));
        assertThat(both.problems()).anySatisfy(m -> assertThat(m).startsWith("auth.jwks-url").contains("auth.jwt-public-key"));
        ConfigException demo = failure(Optional.empty(), Map.of("HERALD_DEMO", "true", "HERALD_JWKS_URL", "https://idp.example.com/jwks"),
                Map.of());
        assertThat(demo.problems()).anySatisfy(m -> assertThat(m).startsWith("demo.enabled").contains("auth.jwks-url"));
    }
}
