package dev.herald.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything a node needs to start, as plain values. Built and validated by {@link SettingsLoader};
 * tests build it the same way, naming the keys they change. Values that another package must
 * interpret stay as text here (the public key's PEM: {@code auth} reads it), so this package
 * depends on no other part of Herald.
 */
public record Settings(
        Path dataDir,
        String nodeId,
        Server server,
        Auth auth,
        Gateway gateway,
        Channels channels,
        Http http,
        Database database,
        Redis redis,
        boolean demo,
        Notifications notifications,
        Webhooks webhooks,
        Pusher pusher,
        Smtp smtp) {

    /**
     * The listening socket. {@code ioThreads} 0 means one per core; {@code transport} is the Netty I/O
     * transport its event loops run on. The connection caps are counted at
     * accept: {@code maxConnections} in all, {@code maxConnectionsPerIp} per client address (IPv6 by
     * /64), 0 = no cap; {@code userConnectsPerMinute} bounds WebSocket connects per user.
     * {@code idleGcInterval}: an idle node returns unused heap to the OS after this long without a
     * collection (G1's periodic collection); zero = never.
     */
    public record Server(String host, int port, int ioThreads, Transport transport, String publicUrl,
                         int maxConnections, int maxConnectionsPerIp, int userConnectsPerMinute,
                         List<String> trustedProxies, Duration idleGcInterval) {}

    /**
     * {@code server.transport}: {@code auto} (the best one this machine can run; the order is
     * {@code transport.TransportChoice.AUTO_ORDER}), or one named transport, which must be available.
     */
    public enum Transport {
        AUTO, IO_URING, EPOLL, NIO;

        /** The value as written in the settings: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Token and key checks. {@code jwtSecret} signs and verifies HS256 (in demo mode it is the demo
     * key kept in the data dir); {@code jwtPublicKeyPem}, when present, verifies RS256/ES256 tokens
     * minted elsewhere: it is the file's text, which {@code auth} parses (the command line checks
     * it at start). {@code jwksUrl}, when present, is an identity provider's JWKS whose keys verify
     * RS256/ES256 tokens by their {@code kid} (never beside {@code jwtPublicKeyPem}). {@code issuer} and {@code audience}, when present, must match a token's
     * {@code iss} and be among its {@code aud}. {@code demoAdmin} lets {@code POST /demo/token} hand
     * out admin tokens.
     */
    public record Auth(
            byte[] jwtSecret,
            Optional<String> jwtPublicKeyPem,
            Optional<URI> jwksUrl,
            List<String> apiKeys,
            boolean allowBind,
            Duration bindGrace,
            Duration clockSkew,
            Optional<String> issuer,
            Optional<String> audience,
            boolean demoAdmin) {}

    /** Per-connection limits and timers. */
    public record Gateway(
            Duration heartbeatInterval,
            Duration idleTimeout,
            int rateLimitPerMinute,
            int rateLimitGrace,
            int maxFrameBytes,
            int hardFrameBytes,
            int maxOutboundBytes,
            int maxChannels,
            int maxConnectionsPerUser,
            int backlogPushBytes,
            Duration backlogDrainTimeout) {}

    /** Bounded per-channel history used to resume with {@code since}. */
    public record Channels(int historySize, Duration historyTtl) {}

    /**
     * HTTP requests. {@code readTimeout}: a request's head and body must arrive within it from its first
     * byte; {@code maxInFlight}: answers waiting on one connection before it stops reading;
     * {@code rateLimit}: requests per second per client address, {@code apiKeyRateLimit} per API key
     * (0 = no limit); {@code publicMetrics}: {@code /metrics} without a credential.
     */
    public record Http(int maxBodyBytes, int maxRecipients,
                       Duration readTimeout, int maxInFlight, int rateLimit, int apiKeyRateLimit, boolean publicMetrics) {}

    /** An empty url means the embedded H2 database under {@code dataDir}. */
    public record Database(String url, String user, String password, int poolSize) {
        public boolean embedded() {
            return url.isEmpty();
        }
    }

    /**
     * No urls means a single node with the in-process broker; one or more, cluster mode over that
     * many Redis servers ({@code redis.urls}, or {@code redis.url} as a list of one), each a shard
     * (docs/cluster.md). {@code keyPrefix} starts every Redis key and pub/sub channel (several
     * clusters can share one Redis); {@code timeout} bounds connecting and each command.
     */
    public record Redis(List<String> urls, Duration presenceTtl, String keyPrefix, Duration timeout) {
        public Redis {
            urls = List.copyOf(urls);
        }

        public boolean enabled() {
            return !urls.isEmpty();
        }

        /**
         * What names a Redis server among the shards: {@code host:port/db} (host in lower case, port
         * 6379 and database 0 when the URL leaves them out; no scheme, user or password). The
         * key&rarr;shard mapping hashes these, so every node must name a server the same way.
         *
         * @throws IllegalArgumentException when {@code url} is not {@code redis[s]://[password@]host[:port][/db]}
         */
        public static String serverId(String url) {
            URI u;
            try {
                u = new URI(url.strip());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException("expected redis://host:6379 (or rediss:// for TLS)");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                throw new IllegalArgumentException("no host and port understood (expected redis://host:6379)");
            }
            String hostPort = u.getRawAuthority().substring(u.getRawAuthority().lastIndexOf('@') + 1);
            if (u.getPort() < 0 && hostPort.matches(".*:[^\\]]*$")) {
                throw new IllegalArgumentException("the port is not a number from 1 to 65535");
            }
            int port = u.getPort() < 0 ? 6379 : u.getPort();
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the port is not a number from 1 to 65535");
            }
            String path = u.getPath() == null ? "" : u.getPath();
            String db = path.isEmpty() || path.equals("/") ? "0" : path.substring(1);
            if (!db.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("the path must be a database number (redis://host:6379/0)");
            }
            return u.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port + "/" + Integer.parseInt(db);
        }
    }

    /**
     * The inbox's jobs and offline chat. {@code offlineChatsPerSenderHour}: chats a sender may have
     * kept for offline users per hour (per node); {@code offlineChatsPerRecipient}: unread kept
     * chats a recipient may have.
     */
    public record Notifications(
            Duration retryInterval, int retryBatch, int maxRetries, int retentionDays, boolean storeOfflineChat,
            int offlineChatsPerSenderHour, int offlineChatsPerRecipient) {}

    /**
     * Events POSTed to a receiver (docs/webhooks.md). An empty {@code url} turns webhooks off:
     * nothing is stored, nothing runs. {@code secret} signs every request (required with a url);
     * {@code offlineGrace}: how long a user must stay gone before {@code user.offline};
     * {@code maxAttempts}: attempts before an event is marked failed; {@code retryInitial}: the first
     * backoff, doubled after each failure up to {@code retryMax}; {@code retention}: how long
     * delivered events are kept; {@code maxInFlight}: deliveries under way at once per node;
     * {@code timeout}: connect and request timeout of one attempt; {@code pollInterval}: how often an
     * idle node looks for due events.
     */
    public record Webhooks(String url, String secret, Duration offlineGrace, int maxAttempts, Duration retryInitial,
                           Duration retryMax, Duration retention, int maxInFlight, Duration timeout,
                           Duration pollInterval) {
        public boolean enabled() {
            return !url.isEmpty();
        }
    }

    /**
     * The Pusher Channels protocol ({@code /app/{key}}, {@code /apps/{app_id}/…}): off when
     * {@code apps} is empty. {@code maxEventBytes} bounds an event's {@code data} (HTTP API and client
     * events), {@code maxPresenceMembers} the users of one presence channel,
     * {@code clientEventsPerSecond} the client events one connection may send.
     */
    public record Pusher(List<PusherApp> apps, int maxEventBytes, int maxPresenceMembers, int clientEventsPerSecond,
                         List<PusherWebhook> webhooks) {
        public Pusher(List<PusherApp> apps, int maxEventBytes, int maxPresenceMembers, int clientEventsPerSecond) {
            this(apps, maxEventBytes, maxPresenceMembers, clientEventsPerSecond, List.of());
        }

        public boolean enabled() {
            return !apps.isEmpty();
        }
    }

    /**
     * Pusher-format webhooks of one app ({@code pusher.webhooks}): where to POST them and which event
     * names to send ({@code channel_occupied}, {@code channel_vacated}, {@code member_added},
     * {@code member_removed}, {@code client_event}).
     */
    public record PusherWebhook(String appId, String url, java.util.Set<String> events) {}

    /** One Pusher app: its id, its public key and its secret (never printed: see {@link #toString}). */
    public record PusherApp(String id, String key, String secret) {
        @Override
        public String toString() {
            return "PusherApp[id=" + id + ", key=" + key + ", secret=****]";
        }
    }

    /**
     * The mail server that escalation emails go through (docs/operations.md): off while {@code host}
     * is empty. {@code starttls} requires STARTTLS (never falls back to plain text); {@code username}
     * empty means no login; {@code trustStore} a PKCS#12/JKS file whose certificates are trusted for
     * STARTTLS instead of the JVM's (empty: the JVM's), read with {@code trustStorePassword} (empty:
     * without a password); {@code timeout} bounds connect, read and write.
     */
    public record Smtp(String host, int port, String username, String password, String from, boolean starttls,
                       String trustStore, String trustStorePassword, Duration timeout) {
        public boolean enabled() {
            return !host.isEmpty();
        }

        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", username=" + username + ", from=" + from
                    + ", starttls=" + starttls + "]";
        }
    }
}
