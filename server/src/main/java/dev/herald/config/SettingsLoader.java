package dev.herald.config;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link Settings} from defaults, an optional properties file, the environment and
 * command-line overrides. Every bad value is collected, and one {@link ConfigException} names them
 * all with where each came from, so a user fixes the whole file in one go.
 */
public final class SettingsLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KiB|KB|K|MiB|MB|M|GiB|GB|G)?", Pattern.CASE_INSENSITIVE);
    static final int MIN_SECRET_BYTES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(SettingsLoader.class);

    private final ConfigSource source;
    private final DemoKey demoKeys;

    private SettingsLoader(ConfigSource source, DemoKey demoKeys) {
        this.source = source;
        this.demoKeys = demoKeys;
    }

    /** Settings from the built-in defaults only (demo mode, embedded database); for tests. */
    public static Settings defaults(Path dataDir) {
        return load(Optional.empty(), Map.of(), Map.of("data-dir", dataDir.toString()));
    }

    /**
     * @param file      optional properties file ({@code server.port=8080} …)
     * @param env       environment variables (only {@code HERALD_*} are read; one that matches no setting is
     *                  logged as a warning and ignored)
     * @param overrides command-line values, highest priority, keyed like the file
     */
    public static Settings load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return load(file, env, overrides, DemoKey.CREATE);
    }

    /** As {@link #load(Optional, Map, Map)}, with {@code demoKeys} saying what to do when the demo key is missing. */
    public static Settings load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides,
            DemoKey demoKeys) {
        SettingsLoader loader = new SettingsLoader(ConfigSource.merged(file, env, overrides), demoKeys);
        KeyHints.unknownVariables(env).forEach(LOG::warn);
        return loader.build();
    }

    private Settings build() {
        Path dataDir = Path.of(text("data-dir").isEmpty() ? "./data" : text("data-dir"));
        String nodeId = text("node-id").isEmpty() ? HexFormat.of().toHexDigits(new SecureRandom().nextInt()) : text("node-id");
        if (!nodeId.matches("[A-Za-z0-9_-]{1,32}")) {
            problem("node-id", "expected 1-32 letters, digits, '-' or '_'");
        }
        var server = new Settings.Server(text("server.host"), intValue("server.port", 0, 65535),
                intValue("server.io-threads", 0, 256), transport(), text("server.public-url"),
                intValue("server.max-connections", 0, 10_000_000), intValue("server.max-connections-per-ip", 0, 10_000_000),
                intValue("server.connect-rate-per-user", 0, 1_000_000), trustedProxies(), durationOrNever("server.idle-gc-interval"));
        if (!server.publicUrl().isEmpty()) {
            try {
                URI uri = new URI(server.publicUrl());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problem("server.public-url", "expected an absolute http:// or https:// URL with a host,"
                            + " such as https://app.example.com");
                }
            } catch (URISyntaxException e) {
                problem("server.public-url", "not a URL (" + e.getMessage() + ")");
            }
        }
        if (!server.idleGcInterval().isZero() && server.idleGcInterval().toMillis() < 1000) {
            problem("server.idle-gc-interval", "must be 0 (never) or at least 1s");
        }
        var db = new Settings.Database(text("db.url"), text("db.user"), text("db.password"), intValue("db.pool-size", 1, 200));
        if (!db.url().isEmpty() && !db.url().startsWith("jdbc:")) {
            problem("db.url", "expected a JDBC URL such as jdbc:postgresql://host:5432/herald");
        }
        var redis = new Settings.Redis(redisUrls(), duration("redis.presence-ttl"), text("redis.key-prefix"),
                duration("redis.timeout"));
        if (!redis.keyPrefix().matches("[A-Za-z0-9_\\-:.{}]{0,64}")) {
            problem("redis.key-prefix", "expected up to 64 letters, digits or _ - : . { }");
        }
        if (redis.presenceTtl().toMillis() < 300) {
            problem("redis.presence-ttl", "must be at least 300ms (nodes refresh presence every third of it)");
        }
        boolean demo = demo(db, redis);
        var gateway = new Settings.Gateway(
                duration("gateway.heartbeat-interval"), duration("gateway.idle-timeout"),
                intValue("gateway.rate-limit", 1, 1_000_000), intValue("gateway.rate-limit-grace", 0, 1_000_000),
                bytes("gateway.max-frame-bytes"), bytes("gateway.hard-frame-bytes"), bytes("gateway.max-outbound-bytes"),
                intValue("gateway.max-channels", 1, 100_000), intValue("gateway.max-connections-per-user", 1, 10_000),
                bytes("gateway.backlog-push-bytes"), duration("gateway.backlog-drain-timeout"));
        if (gateway.hardFrameBytes() < gateway.maxFrameBytes()) {
            problem("gateway.hard-frame-bytes", "must be at least gateway.max-frame-bytes");
        }
        if (gateway.backlogPushBytes() < 1024) {
            problem("gateway.backlog-push-bytes", "must be at least 1KiB");
        }
        if (gateway.backlogDrainTimeout().toMillis() < 1000) {
            problem("gateway.backlog-drain-timeout", "must be at least 1s (the check runs once a second)");
        }
        var channels = new Settings.Channels(intValue("channels.history-size", 0, 1_000_000), duration("channels.history-ttl"));
        var http = new Settings.Http(bytes("http.max-body-bytes"), intValue("http.max-recipients", 1, 10_000_000),
                duration("http.read-timeout"), intValue("http.max-in-flight", 1, 10_000),
                intValue("http.rate-limit", 0, 10_000_000), intValue("http.api-key-rate-limit", 0, 10_000_000),
                metricsAccess());
        var notifications = new Settings.Notifications(duration("notifications.retry-interval"),
                intValue("notifications.retry-batch", 1, 100_000), intValue("notifications.max-retries", 0, 1000),
                intValue("notifications.retention-days", 1, 36_500), bool("notifications.store-offline-chat"),
                intValue("notifications.offline-chats-per-sender-hour", 1, 1_000_000),
                intValue("notifications.offline-chats-per-recipient", 1, 1_000_000));
        var webhooks = webhooks();
        var auth = auth(dataDir, demo);
        var apps = pusherApps();
        var pusher = new Settings.Pusher(apps, bytes("pusher.max-event-bytes"),
                intValue("pusher.max-presence-members", 1, 100_000), intValue("pusher.client-events-per-second", 1, 10_000),
                pusherWebhooks(apps));
        var smtp = smtp();
        if (!source.problems().isEmpty()) {
            throw new ConfigException(source.problems());
        }
        return new Settings(dataDir, nodeId, server, auth, gateway, channels, http, db, redis, demo, notifications, webhooks, pusher,
                smtp);
    }

    private Settings.Smtp smtp() {
        var smtp = new Settings.Smtp(text("smtp.host"), intValue("smtp.port", 1, 65535), text("smtp.username"),
                text("smtp.password"), text("smtp.from"), bool("smtp.starttls"), text("smtp.trust-store"),
                text("smtp.trust-store-password"), duration("smtp.timeout"));
        if (smtp.enabled()) {
            if (!smtp.from().matches("[^@\\s]+@[^@\\s]+")) {
                problem("smtp.from", "required when smtp.host is set (env HERALD_SMTP_FROM): an address like herald@example.com");
            }
            if (!smtp.username().isEmpty() && smtp.password().isEmpty()) {
                problem("smtp.password", "required with smtp.username (env HERALD_SMTP_PASSWORD)");
            }
            if (smtp.timeout().toMillis() < 100) {
                problem("smtp.timeout", "must be at least 100ms");
            }
            if (!smtp.trustStorePassword().isEmpty() && smtp.trustStore().isEmpty()) {
                problem("smtp.trust-store-password", "set without smtp.trust-store (the password of that file)");
            }
        }
        return smtp;
    }

    private Settings.Webhooks webhooks() {
        var w = new Settings.Webhooks(text("webhooks.url"), text("webhooks.secret"), duration("webhooks.offline-grace"),
                intValue("webhooks.max-attempts", 1, 1000), duration("webhooks.retry-initial"),
                duration("webhooks.retry-max"), duration("webhooks.retention"),
                intValue("webhooks.max-in-flight", 1, 10_000), duration("webhooks.timeout"),
                duration("webhooks.poll-interval"));
        if (w.enabled()) {
            try {
                URI uri = new URI(w.url());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problem("webhooks.url", "expected an http:// or https:// URL with a host");
                }
            } catch (URISyntaxException e) {
                problem("webhooks.url", "expected an http:// or https:// URL with a host");
            }
            if (w.secret().isEmpty()) {
                problem("webhooks.secret", "required when webhooks.url is set (env HERALD_WEBHOOK_SECRET): it signs every request");
            }
        }
        if (w.retryInitial().toMillis() < 10) {
            problem("webhooks.retry-initial", "must be at least 10ms");
        }
        if (w.retryMax().compareTo(w.retryInitial()) < 0) {
            problem("webhooks.retry-max", "must be at least webhooks.retry-initial");
        }
        if (w.timeout().toMillis() < 100) {
            problem("webhooks.timeout", "must be at least 100ms");
        }
        if (w.pollInterval().toMillis() < 10) {
            problem("webhooks.poll-interval", "must be at least 10ms");
        }
        return w;
    }

    /**
     * {@code pusher.apps}: {@code app_id:key:secret} entries separated by commas. Ids are digits or
     * letters, keys letters/digits/{@code -_}, secrets at least 16 characters; ids and keys unique.
     * Problems never quote a secret.
     */
    private List<Settings.PusherApp> pusherApps() {
        List<Settings.PusherApp> apps = new java.util.ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String entry : text("pusher.apps").split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split(":", 3);
            if (parts.length != 3 || !parts[0].matches("[A-Za-z0-9_-]{1,64}") || !parts[1].matches("[A-Za-z0-9_-]{1,64}")) {
                problem("pusher.apps", "expected app_id:key:secret[,...] with ids and keys of letters, digits, '-' or '_'"
                        + " (entry " + (apps.size() + 1) + ")");
                continue;
            }
            if (parts[2].length() < 16) {
                problem("pusher.apps", "the secret of app " + parts[0] + " is too short: at least 16 characters");
                continue;
            }
            if (!ids.add(parts[0]) || !keys.add(parts[1])) {
                problem("pusher.apps", "app ids and keys must be unique (app " + parts[0] + ")");
                continue;
            }
            apps.add(new Settings.PusherApp(parts[0], parts[1], parts[2]));
        }
        return List.copyOf(apps);
    }

    /** The event names {@code pusher.webhook-events} may list. */
    static final List<String> PUSHER_WEBHOOK_EVENTS = List.of("channel_occupied", "channel_vacated", "member_added",
            "member_removed", "client_event");

    /**
     * {@code pusher.webhooks}: {@code app_id=url} entries separated by commas, each app of
     * {@code pusher.apps} at most once, http(s) URLs with a host. {@code pusher.webhook-events}:
     * {@code app_id=event[+event…]} entries choosing what an app is sent (default: all five).
     */
    private List<Settings.PusherWebhook> pusherWebhooks(List<Settings.PusherApp> apps) {
        java.util.Set<String> known = new java.util.HashSet<>();
        apps.forEach(a -> known.add(a.id()));
        java.util.Map<String, java.util.Set<String>> chosen = new java.util.HashMap<>();
        for (String entry : text("pusher.webhook-events").split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                problem("pusher.webhook-events", "expected app_id=event[+event...][,...] (entry '" + e + "')");
                continue;
            }
            String id = e.substring(0, eq).trim();
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (String n : e.substring(eq + 1).split("\\+")) {
                String name = n.trim();
                if (!PUSHER_WEBHOOK_EVENTS.contains(name)) {
                    problem("pusher.webhook-events", "unknown event '" + name + "' for app " + id + ": expected "
                            + String.join(", ", PUSHER_WEBHOOK_EVENTS));
                }
                names.add(name);
            }
            if (!known.contains(id)) {
                problem("pusher.webhook-events", "app " + id + " is not in pusher.apps");
            }
            if (chosen.put(id, java.util.Set.copyOf(names)) != null) {
                problem("pusher.webhook-events", "app " + id + " is named twice");
            }
        }
        List<Settings.PusherWebhook> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String entry : text("pusher.webhooks").split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                problem("pusher.webhooks", "expected app_id=url[,...] (entry " + (out.size() + 1) + ")");
                continue;
            }
            String id = e.substring(0, eq).trim();
            String url = e.substring(eq + 1).trim();
            if (!known.contains(id)) {
                problem("pusher.webhooks", "app " + id + " is not in pusher.apps");
                continue;
            }
            if (!seen.add(id)) {
                problem("pusher.webhooks", "app " + id + " is named twice");
                continue;
            }
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    problem("pusher.webhooks", "the URL of app " + id + " must be http:// or https:// with a host");
                    continue;
                }
            } catch (URISyntaxException ex) {
                problem("pusher.webhooks", "the URL of app " + id + " must be http:// or https:// with a host");
                continue;
            }
            out.add(new Settings.PusherWebhook(id, url, chosen.getOrDefault(id, java.util.Set.copyOf(PUSHER_WEBHOOK_EVENTS))));
        }
        return List.copyOf(out);
    }

    /**
     * Demo mode hands out tokens to anyone, so it only turns itself on when nothing was configured
     * that a production node has: no credential at all (JWT secret, public key, JWKS URL or API key), the
     * embedded database and no Redis. Asked for explicitly it must not sit beside a real token key
     * (its tokens would then be as good as real ones): with API keys alone it is allowed.
     */
    private boolean demo(Settings.Database db, Settings.Redis redis) {
        boolean secret = !text("auth.jwt-secret").isEmpty();
        boolean publicKey = !text("auth.jwt-public-key").isEmpty() || !text("auth.jwks-url").isEmpty();
        boolean apiKeys = !text("auth.api-keys").isBlank();
        if (text("demo.enabled").isEmpty()) {
            return !secret && !publicKey && !apiKeys && db.embedded() && !redis.enabled();
        }
        boolean demo = bool("demo.enabled");
        if (demo && (secret || publicKey)) {
            problem("demo.enabled", "demo mode cannot be combined with " + (secret ? "auth.jwt-secret"
                    : text("auth.jwt-public-key").isEmpty() ? "auth.jwks-url" : "auth.jwt-public-key")
                    + ": anyone may get a demo token, so demo tokens must never be valid next to real ones."
                    + " Remove the key to run the demo, or set demo.enabled=false");
        }
        return demo;
    }

    private Settings.Auth auth(Path dataDir, boolean demo) {
        Optional<String> publicKey = Optional.empty();
        String keyFile = text("auth.jwt-public-key");
        if (!keyFile.isEmpty()) {
            try {
                publicKey = Optional.of(Files.readString(Path.of(keyFile)));
            } catch (IOException e) {
                problem("auth.jwt-public-key", "cannot read PEM file '" + keyFile + "' (" + e.getMessage() + ")");
            }
        }
        Optional<URI> jwksUrl = jwksUrl(keyFile);
        byte[] secret = text("auth.jwt-secret").getBytes(StandardCharsets.UTF_8);
        if (secret.length == 0 && demo && keyFile.isEmpty() && jwksUrl.isEmpty()) {
            secret = demoKey(dataDir);
        } else if (secret.length == 0 && publicKey.isEmpty() && keyFile.isEmpty() && text("auth.jwks-url").isEmpty()) {
            problem("auth.jwt-secret", "required outside demo mode; set a random string of at least "
                    + MIN_SECRET_BYTES + " bytes (e.g. `openssl rand -hex 32`)"
                    + (text("auth.api-keys").isBlank() ? "" : ". Demo mode is off because auth.api-keys is set;"
                    + " to try the demo with API keys, set HERALD_DEMO=true (demo.enabled=true)"));
        } else if (secret.length > 0 && secret.length < MIN_SECRET_BYTES) {
            problem("auth.jwt-secret", "too short: HS256 needs at least " + MIN_SECRET_BYTES + " bytes, got " + secret.length);
        }
        List<String> apiKeys = Arrays.stream(text("auth.api-keys").split(","))
                .map(String::trim).filter(k -> !k.isEmpty()).toList();
        for (String key : apiKeys) {
            if (key.length() < 8) {
                problem("auth.api-keys", "every key needs at least 8 characters");
                break;
            }
        }
        return new Settings.Auth(secret, publicKey, jwksUrl, apiKeys, bool("auth.allow-bind"), duration("auth.bind-grace"),
                duration("auth.clock-skew"), optional("auth.issuer"), optional("auth.audience"), bool("demo.admin"));
    }

    /**
     * {@code auth.jwks-url}: an absolute http(s) URL with a host. Not beside {@code auth.jwt-public-key}:
     * which key would check a token with a {@code kid} would be a guess (publish that key in the JWKS instead).
     */
    private Optional<URI> jwksUrl(String keyFile) {
        String text = text("auth.jwks-url").strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!keyFile.isEmpty()) {
            problem("auth.jwks-url", "cannot be combined with auth.jwt-public-key; set one of them"
                    + " (a JWKS can publish that key too)");
        }
        try {
            URI uri = new URI(text);
            if (uri.getScheme() != null && uri.getScheme().matches("(?i)https?") && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problem("auth.jwks-url", "expected an http(s) URL such as https://idp.example.com/.well-known/jwks.json, got '"
                + text + "'");
        return Optional.empty();
    }

    /**
     * The demo key (see {@link DemoKeyFile}), as {@link #demoKeys} says: made when missing, or
     * required to exist (a command that signs for the server must use the server's key), or neither.
     */
    private byte[] demoKey(Path dataDir) {
        try {
            if (demoKeys == DemoKey.CREATE) {
                return DemoKeyFile.readOrCreate(dataDir);
            }
            Optional<byte[]> key = DemoKeyFile.read(dataDir);
            if (key.isEmpty() && demoKeys == DemoKey.REQUIRE) {
                problem("auth.jwt-secret", "not set, and there is no demo key in " + DemoKeyFile.in(dataDir)
                        + ", so a token signed here would not be the server's: run this with the server's configuration"
                        + " (--config FILE or HERALD_JWT_SECRET), or with --data-dir of the demo server's data directory");
            }
            return key.orElse(new byte[MIN_SECRET_BYTES]);
        } catch (IOException e) {
            problem("data-dir", "cannot keep the demo key in " + DemoKeyFile.in(dataDir) + " (" + e.getMessage() + ")");
            return new byte[MIN_SECRET_BYTES];
        }
    }

    /** {@code metrics.access}: public (anyone may scrape) or admin (an API key or admin token). */
    private boolean metricsAccess() {
        String v = text("metrics.access").toLowerCase();
        if (!v.equals("public") && !v.equals("admin")) {
            problem("metrics.access", "expected public or admin, got '" + text("metrics.access") + "'");
        }
        return v.equals("public");
    }

    /** {@code server.transport}: auto, io_uring, epoll or nio (any case). Whether the machine can run it is checked at start. */
    private Settings.Transport transport() {
        String v = text("server.transport").strip();
        for (Settings.Transport t : Settings.Transport.values()) {
            if (t.configName().equalsIgnoreCase(v)) {
                return t;
            }
        }
        problem("server.transport", "expected auto, io_uring, epoll or nio, got '" + text("server.transport") + "'");
        return Settings.Transport.AUTO;
    }

    /** {@code server.trusted-proxies}: comma-separated IP addresses or CIDR ranges (literals only). */
    private List<String> trustedProxies() {
        List<String> entries = Arrays.stream(text("server.trusted-proxies").split(","))
                .map(String::strip).filter(e -> !e.isEmpty()).toList();
        for (String entry : entries) {
            String[] parts = entry.split("/", 2);
            byte[] address = NetUtil.createByteArrayFromIpAddressString(parts[0]);
            boolean prefixOk = parts.length == 1
                    || (address != null && parts[1].matches("\\d{1,3}") && Integer.parseInt(parts[1]) <= address.length * 8);
            if (address == null || !prefixOk) {
                problem("server.trusted-proxies", "'" + entry + "' is not an IP address or CIDR range such as 10.0.0.0/8");
            }
        }
        return entries;
    }

    /**
     * {@code redis.urls} (comma-separated, each a shard) or {@code redis.url} (a list of one); never
     * both. Every entry must be a Redis URL, and no server may be listed twice (compared by
     * {@link Settings.Redis#serverId}: the same host, port and database under another spelling is
     * the same server).
     */
    private List<String> redisUrls() {
        String one = text("redis.url").strip();
        String many = text("redis.urls").strip();
        if (!one.isEmpty() && !many.isEmpty()) {
            problem("redis.urls", "set either redis.url (one Redis server) or redis.urls (several), not both; "
                    + "redis.url is the same as redis.urls with one entry");
            return List.of();
        }
        if (!one.isEmpty()) {
            try {
                Settings.Redis.serverId(one);
            } catch (IllegalArgumentException e) {
                problem("redis.url", e.getMessage());
                return List.of();
            }
            return List.of(one);
        }
        if (text("redis.urls").isEmpty()) {
            return List.of();
        }
        if (many.isEmpty()) {
            problem("redis.urls", "is blank: list one or more redis://host:port URLs separated by commas, or leave it empty for a single node");
            return List.of();
        }
        List<String> urls = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] entries = many.split(",", -1);
        boolean bad = false;
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            String where = "entry " + (i + 1) + " of " + entries.length;
            if (entry.isEmpty()) {
                problem("redis.urls", where + " is empty (expected redis://host:6379, separated by commas)");
                bad = true;
                continue;
            }
            String id;
            try {
                id = Settings.Redis.serverId(entry);
            } catch (IllegalArgumentException e) {
                problem("redis.urls", where + " (" + EffectiveConfig.mask("redis.urls", entry) + "): " + e.getMessage());
                bad = true;
                continue;
            }
            Integer first = seen.putIfAbsent(id, i + 1);
            if (first != null) {
                problem("redis.urls", where + " names the same server as entry " + first + " (" + id
                        + "); list each Redis server once");
                bad = true;
                continue;
            }
            urls.add(entry);
        }
        return bad ? List.of() : urls;
    }

    private String text(String key) {
        return source.get(key).text();
    }

    private Optional<String> optional(String key) {
        return text(key).isEmpty() ? Optional.empty() : Optional.of(text(key));
    }

    private void problem(String key, String message) {
        ConfigSource.Value v = source.get(key);
        String origin = v == null || v.origin().equals("default") ? "" : " (from " + v.origin() + ")";
        source.problems().add(key + origin + ": " + message);
    }

    private int intValue(String key, int min, int max) {
        try {
            int value = Integer.parseInt(text(key));
            if (value < min || value > max) {
                problem(key, "expected a whole number from " + min + " to " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            problem(key, "expected a whole number, got '" + text(key) + "'");
            return min;
        }
    }

    private boolean bool(String key) {
        String v = text(key).toLowerCase();
        if (v.equals("true") || v.equals("false")) {
            return v.equals("true");
        }
        problem(key, "expected true or false, got '" + text(key) + "'");
        return false;
    }

    /** {@link #duration}, or zero for {@code 0} (with or without a unit): "never". */
    private Duration durationOrNever(String key) {
        return text(key).strip().matches("0+\\s*(ms|s|m|h|d)?") ? Duration.ZERO : duration(key);
    }

    private Duration duration(String key) {
        Matcher m = DURATION.matcher(text(key));
        if (!m.matches()) {
            problem(key, "expected a duration such as 500ms, 30s, 5m, 1h or 7d, got '" + text(key) + "'");
            return Duration.ofSeconds(1);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            problem(key, "must be greater than zero");
            return Duration.ofSeconds(1);
        }
        return d;
    }

    private int bytes(String key) {
        Matcher m = BYTES.matcher(text(key));
        if (!m.matches()) {
            problem(key, "expected a size such as 65536, 64KiB or 1MiB, got '" + text(key) + "'");
            return 1024;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase();
        long mult = switch (unit.charAt(0)) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        long total = n * mult;
        if (total < 128 || total > Integer.MAX_VALUE) {
            problem(key, "expected a size from 128 bytes to 2GiB, got '" + text(key) + "'");
            return 1024;
        }
        return (int) total;
    }
}
