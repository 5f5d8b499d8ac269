package dev.herald.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Every setting Herald knows, with its default (empty string = unset). docs/operations.md lists them. */
final class Keys {
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("data-dir", "./data");
        DEFAULTS.put("node-id", "");
        DEFAULTS.put("server.host", "0.0.0.0");
        DEFAULTS.put("server.port", "8080");
        DEFAULTS.put("server.io-threads", "0");
        DEFAULTS.put("server.transport", "auto");
        DEFAULTS.put("server.idle-gc-interval", "5s");
        DEFAULTS.put("server.public-url", "");
        DEFAULTS.put("auth.jwt-secret", "");
        DEFAULTS.put("auth.jwt-public-key", "");
        DEFAULTS.put("auth.jwks-url", "");
        DEFAULTS.put("auth.api-keys", "");
        DEFAULTS.put("auth.allow-bind", "false");
        DEFAULTS.put("auth.bind-grace", "30s");
        DEFAULTS.put("auth.clock-skew", "30s");
        DEFAULTS.put("auth.issuer", "");
        DEFAULTS.put("auth.audience", "");
        DEFAULTS.put("demo.admin", "false");
        DEFAULTS.put("gateway.heartbeat-interval", "25s");
        DEFAULTS.put("gateway.idle-timeout", "60s");
        DEFAULTS.put("gateway.rate-limit", "60");
        DEFAULTS.put("gateway.rate-limit-grace", "10");
        DEFAULTS.put("gateway.max-frame-bytes", "64KiB");
        DEFAULTS.put("gateway.hard-frame-bytes", "1MiB");
        DEFAULTS.put("gateway.max-outbound-bytes", "1MiB");
        DEFAULTS.put("gateway.max-channels", "100");
        DEFAULTS.put("gateway.max-connections-per-user", "20");
        DEFAULTS.put("gateway.backlog-push-bytes", "1MiB");
        DEFAULTS.put("gateway.backlog-drain-timeout", "60s");
        DEFAULTS.put("channels.history-size", "100");
        DEFAULTS.put("channels.history-ttl", "10m");
        DEFAULTS.put("http.max-body-bytes", "1MiB");
        DEFAULTS.put("http.max-recipients", "10000");
        DEFAULTS.put("db.url", "");
        DEFAULTS.put("db.user", "");
        DEFAULTS.put("db.password", "");
        DEFAULTS.put("db.pool-size", "8");
        DEFAULTS.put("redis.url", "");
        DEFAULTS.put("redis.urls", "");
        DEFAULTS.put("redis.presence-ttl", "30s");
        DEFAULTS.put("redis.key-prefix", "herald:");
        DEFAULTS.put("redis.timeout", "2s");
        DEFAULTS.put("demo.enabled", "");
        DEFAULTS.put("notifications.retry-interval", "5m");
        DEFAULTS.put("notifications.retry-batch", "50");
        DEFAULTS.put("notifications.max-retries", "3");
        DEFAULTS.put("notifications.retention-days", "30");
        DEFAULTS.put("notifications.store-offline-chat", "true");
        DEFAULTS.put("notifications.offline-chats-per-sender-hour", "100");
        DEFAULTS.put("notifications.offline-chats-per-recipient", "200");
        // connection and request limits (transport)
        DEFAULTS.put("server.max-connections", "100000");
        DEFAULTS.put("server.max-connections-per-ip", "1000");
        DEFAULTS.put("server.connect-rate-per-user", "60");
        DEFAULTS.put("server.trusted-proxies", "");
        DEFAULTS.put("http.read-timeout", "10s");
        DEFAULTS.put("http.max-in-flight", "16");
        DEFAULTS.put("http.rate-limit", "100");
        DEFAULTS.put("http.api-key-rate-limit", "10000");
        DEFAULTS.put("metrics.access", "admin");
        DEFAULTS.put("webhooks.url", "");
        DEFAULTS.put("webhooks.secret", "");
        DEFAULTS.put("webhooks.offline-grace", "10s");
        DEFAULTS.put("webhooks.max-attempts", "10");
        DEFAULTS.put("webhooks.retry-initial", "1s");
        DEFAULTS.put("webhooks.retry-max", "1h");
        DEFAULTS.put("webhooks.retention", "7d");
        DEFAULTS.put("webhooks.max-in-flight", "64");
        DEFAULTS.put("webhooks.timeout", "10s");
        DEFAULTS.put("webhooks.poll-interval", "250ms");
        // the Pusher Channels protocol (off while pusher.apps is empty)
        DEFAULTS.put("pusher.apps", "");
        DEFAULTS.put("pusher.max-event-bytes", "10KiB");
        DEFAULTS.put("pusher.max-presence-members", "100");
        DEFAULTS.put("pusher.client-events-per-second", "10");
        DEFAULTS.put("pusher.webhooks", "");
        DEFAULTS.put("pusher.webhook-events", "");
        // e-mail escalation (off while smtp.host is empty)
        DEFAULTS.put("smtp.host", "");
        DEFAULTS.put("smtp.port", "587");
        DEFAULTS.put("smtp.username", "");
        DEFAULTS.put("smtp.password", "");
        DEFAULTS.put("smtp.from", "");
        DEFAULTS.put("smtp.starttls", "true");
        DEFAULTS.put("smtp.trust-store", "");
        DEFAULTS.put("smtp.trust-store-password", "");
        DEFAULTS.put("smtp.timeout", "10s");
    }

    static final Set<String> ALL = DEFAULTS.keySet();

    private Keys() {}
}
