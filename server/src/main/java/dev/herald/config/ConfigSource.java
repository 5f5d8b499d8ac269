package dev.herald.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Flat key/value configuration merged from, lowest priority first: built-in defaults, a properties
 * file, environment variables ({@code HERALD_SERVER_PORT} for {@code server.port}, plus the short
 * aliases of the SPEC such as {@code HERALD_PORT}) and command-line overrides. Each value remembers
 * where it came from so an error can say which file line or variable to fix.
 */
final class ConfigSource {
    /** SPEC §6 short names for the most common keys. */
    static final Map<String, String> ENV_ALIASES = Map.ofEntries(
            Map.entry("HERALD_PORT", "server.port"),
            Map.entry("HERALD_HOST", "server.host"),
            Map.entry("HERALD_DATA_DIR", "data-dir"),
            Map.entry("HERALD_JWT_SECRET", "auth.jwt-secret"),
            Map.entry("HERALD_API_KEYS", "auth.api-keys"),
            Map.entry("HERALD_JWKS_URL", "auth.jwks-url"),
            Map.entry("HERALD_DB_URL", "db.url"),
            Map.entry("HERALD_WEBHOOK_URL", "webhooks.url"),
            Map.entry("HERALD_WEBHOOK_SECRET", "webhooks.secret"),
            Map.entry("HERALD_DB_USER", "db.user"),
            Map.entry("HERALD_DB_PASSWORD", "db.password"),
            Map.entry("HERALD_REDIS_URL", "redis.url"),
            Map.entry("HERALD_REDIS_URLS", "redis.urls"),
            Map.entry("HERALD_SMTP_HOST", "smtp.host"),
            Map.entry("HERALD_SMTP_PORT", "smtp.port"),
            Map.entry("HERALD_SMTP_USERNAME", "smtp.username"),
            Map.entry("HERALD_SMTP_PASSWORD", "smtp.password"),
            Map.entry("HERALD_SMTP_FROM", "smtp.from"),
            Map.entry("HERALD_DEMO", "demo.enabled"));

    record Value(String text, String origin) {}

    private final Map<String, Value> values = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * The merged values, lowest priority first: defaults, {@code file}, {@code env} ({@code HERALD_*}
     * only), {@code overrides} (the command line, keyed like the file). Unknown keys in the file or
     * among the overrides are problems; unknown variables are not.
     */
    static ConfigSource merged(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        ConfigSource source = new ConfigSource();
        Keys.DEFAULTS.forEach((k, v) -> source.put(k, v, "default"));
        file.ifPresent(source::loadFile);
        source.loadEnv(env);
        overrides.forEach((k, v) -> {
            if (Keys.ALL.contains(k)) {
                source.put(k, v, "command line");
            } else {
                source.problems.add(k + " (from command line): " + KeyHints.unknownKey(k));
            }
        });
        return source;
    }

    void put(String key, String text, String origin) {
        values.put(key, new Value(text, origin));
    }

    Value get(String key) {
        return values.get(key);
    }

    List<String> problems() {
        return problems;
    }

    /** Reads a properties file; unknown keys are reported (they are usually typos). */
    void loadFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            problems.add("config file " + file + ": cannot be read (" + e.getMessage() + ")");
            return;
        }
        for (String key : props.stringPropertyNames()) {
            if (!Keys.ALL.contains(key)) {
                problems.add(key + " (in " + file + "): " + KeyHints.unknownKey(key));
                continue;
            }
            put(key, props.getProperty(key).trim(), "file " + file);
        }
    }

    void loadEnv(Map<String, String> env) {
        for (String key : Keys.ALL) {
            String name = envName(key);
            if (env.containsKey(name)) {
                put(key, env.get(name).trim(), "env " + name);
            }
        }
        ENV_ALIASES.forEach((name, key) -> {
            if (env.containsKey(name)) {
                put(key, env.get(name).trim(), "env " + name);
            }
        });
    }

    static String envName(String key) {
        return "HERALD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
