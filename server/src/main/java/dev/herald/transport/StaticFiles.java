package dev.herald.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web pages and {@code herald.js}, read once from the classpath folder {@code web/} and kept
 * in memory. Paths are checked against a strict pattern, so nothing outside that folder is reachable.
 * Only files that exist are kept: a miss is looked up again each time, so made-up paths cannot grow
 * the cache (it holds at most the files under {@code web/}).
 */
final class StaticFiles {
    record Asset(byte[] bytes, String contentType) {}

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_\\-]+(/[A-Za-z0-9_\\-]+)*\\.[a-z0-9]{1,5}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8");

    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** Maps a request path to a file under {@code web/}, if it is one of the pages. */
    Optional<Asset> find(String path) {
        String file = switch (path) {
            case "/", "/index.html" -> "index.html";
            case "/admin", "/admin/", "/admin.html" -> "admin.html";
            case "/preferences", "/preferences/", "/preferences.html" -> "preferences.html";
            case "/herald.js" -> "herald.js";
            default -> path.startsWith("/assets/") ? path.substring(1) : null;
        };
        if (file == null || !SAFE.matcher(file).matches()) {
            return Optional.empty();
        }
        Asset cached = cache.get(file);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Asset> loaded = load(file);
        loaded.ifPresent(a -> cache.putIfAbsent(file, a));
        return loaded;
    }

    /** How many files are kept in memory (for tests). */
    int cachedFiles() {
        return cache.size();
    }

    private static Optional<Asset> load(String file) {
        String ext = file.substring(file.lastIndexOf('.') + 1);
        String type = TYPES.get(ext);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream("web/" + file)) {
            return in == null ? Optional.empty() : Optional.of(new Asset(in.readAllBytes(), type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
