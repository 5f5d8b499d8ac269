package dev.herald;

import dev.herald.api.DemoApi;
import dev.herald.api.HealthApi;
import dev.herald.api.NotificationApi;
import dev.herald.api.OpenApiDocument;
import dev.herald.api.PusherApi;
import dev.herald.api.Router;
import dev.herald.api.WebSocketApi;
import dev.herald.api.WebhookApi;
import dev.herald.auth.Credentials;
import dev.herald.auth.JwksKeys;
import dev.herald.auth.TokenIssuer;
import dev.herald.auth.TokenVerifier;
import dev.herald.broker.Broker;
import dev.herald.broker.LocalBroker;
import dev.herald.broker.ChannelMembers;
import dev.herald.broker.LocalChannelMembers;
import dev.herald.broker.LocalPresence;
import dev.herald.broker.Presence;
import dev.herald.redis.RedisBroker;
import dev.herald.redis.RedisChannelMembers;
import dev.herald.redis.RedisPresence;
import dev.herald.broker.JobLock;
import dev.herald.redis.RedisShards;
import dev.herald.redis.RedisJobLock;
import dev.herald.config.Settings;
import dev.herald.protocol.CloseCodes;
import dev.herald.pusher.PusherApps;
import dev.herald.pusher.PusherHooks;
import dev.herald.gateway.BindWaitList;
import dev.herald.gateway.ChannelHandlers;
import dev.herald.gateway.ChannelSubscriptions;
import dev.herald.gateway.ChatHandlers;
import dev.herald.gateway.ConnectionListeners;
import dev.herald.gateway.FanOut;
import dev.herald.gateway.Gateway;
import dev.herald.gateway.PusherHandlers;
import dev.herald.gateway.LocalConnections;
import dev.herald.gateway.SessionHandlers;
import dev.herald.gateway.UserRegistry;
import dev.herald.inbox.OfflineChat;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.inbox.EscalationJob;
import dev.herald.inbox.EscalationMail;
import dev.herald.inbox.InboxJobs;
import dev.herald.inbox.SmtpMailer;
import dev.herald.gateway.InboxHandlers;
import dev.herald.inbox.InboxService;
import dev.herald.inbox.sql.NotificationStore;
import dev.herald.store.SqlWorkers;
import dev.herald.store.Database;
import dev.herald.store.DatabaseConfig;
import dev.herald.store.DatabaseHealth;
import dev.herald.transport.HeraldServer;
import dev.herald.transport.IoTransport;
import dev.herald.transport.TransportChoice;
import dev.herald.webhooks.EventSink;
import dev.herald.webhooks.Webhooks;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Herald node, wired top to bottom from its {@link Settings}: metrics, event loops, broker and
 * presence, the gateway's parts (connections, users, channels, bind wait-list, fan-out as the
 * broker's sink), the frame handlers, HTTP API, then the listening port. {@link #close()} shuts down gracefully:
 * stop accepting, tell every client to reconnect elsewhere (close 1012), flush, release.
 */
public final class Herald implements AutoCloseable {
    /** The server's version: {@code herald --version} and {@code info.version} of {@code GET /openapi.json}. */
    public static final String VERSION = "0.1.0";
    private static final Logger log = LoggerFactory.getLogger(Herald.class);
    private static final long DRAIN_MILLIS = 2000;

    private final Settings settings;
    private final HeraldServer server;
    private final Broker broker;
    private final Presence presence;
    private final ChannelMembers members;
    private final JobLock jobLock;
    private final RedisShards redis;
    private final LocalConnections connections;
    private final UserRegistry users;
    private final ChannelSubscriptions channels;
    private final HeraldMetrics metrics;
    private final HealthApi health;
    private final Optional<TokenIssuer> issuer;
    private final Router router;
    private final Gateway gateway;
    private final TokenVerifier verifier;
    private final Optional<JwksKeys> jwks;
    private final Database database;
    private final SqlWorkers sql;
    private final DatabaseHealth databaseUp;
    private final InboxJobs jobs;
    private final EscalationJob escalations;
    private final InboxService inbox;
    private final Webhooks webhooks;
    private int port;

    private Herald(Settings settings) {
        this(settings, Clock.systemUTC(), System::nanoTime);
    }

    /**
     * {@code inboxClock}: the time the inbox stores and checks snoozes against (tests move it by hand);
     * {@code ticker}: the nanoseconds of the connections' shards (their rate limits and timeouts),
     * {@code System::nanoTime} but in tests.
     */
    private Herald(Settings settings, Clock inboxClock, java.util.function.LongSupplier ticker) {
        this.settings = settings;
        // the mail server's settings are checked before anything is opened: a bad trust store stops the start
        SmtpMailer mailer = settings.smtp().enabled() ? new SmtpMailer(settings.smtp()) : null;
        HeraldMetrics metrics = new HeraldMetrics();
        this.server = HeraldServer.loops(settings.server().ioThreads(), TransportChoice.of(settings.server().transport()));
        metrics.transport(server.transport().configName());
        LocalBroker local = null;
        if (settings.redis().enabled()) {
            var r = settings.redis();
            this.redis = RedisShards.open(r.urls(), settings.nodeId(), r.keyPrefix(), r.timeout());
            this.broker = new RedisBroker(redis, settings.channels().historySize(), settings.channels().historyTtl(),
                    r.presenceTtl().dividedBy(3));
            this.presence = new RedisPresence(redis, r.presenceTtl());
            this.members = new RedisChannelMembers(redis, r.presenceTtl());
            this.jobLock = new RedisJobLock(redis);
        } else {
            this.redis = null;
            local = new LocalBroker(settings.channels().historySize(), settings.channels().historyTtl());
            this.broker = local;
            this.presence = new LocalPresence();
            this.members = new LocalChannelMembers();
            this.jobLock = JobLock.LOCAL;
        }
        var auth = settings.auth();
        this.jwks = auth.jwksUrl().map(JwksKeys::load);
        TokenVerifier verifier = new TokenVerifier(auth.jwtSecret(), auth.jwtPublicKeyPem(), auth.clockSkew(), Clock.systemUTC(),
                auth.issuer(), auth.audience(), jwks);
        this.issuer = auth.jwtSecret().length >= 32
                ? Optional.of(new TokenIssuer(auth.jwtSecret(), Clock.systemUTC(), auth.issuer(), auth.audience())) : Optional.empty();
        this.connections = new LocalConnections(server.workers(), settings, metrics, ticker);
        this.database = Database.open(databaseConfig(settings));
        database.migrate();
        // webhooks (only with webhooks.url): the gateway reports presence through them, so that a
        // user's first connection is announced at once
        // (and Pusher's, with pusher.webhooks: the same outbox and dispatcher, another format)
        this.webhooks = settings.webhooks().enabled() || !settings.pusher().webhooks().isEmpty()
                ? new Webhooks(settings.webhooks(), settings.pusher().webhooks(), settings.pusher().apps(), settings.nodeId(),
                        database, presence, jobLock, metrics, Clock.systemUTC())
                : null;
        EventSink events = webhooks == null || !webhooks.enabled() ? EventSink.NONE : webhooks;
        this.users = new UserRegistry(broker, webhooks == null ? presence : webhooks.watch(), metrics);
        this.channels = new ChannelSubscriptions(broker);
        PusherHooks pusherHooks = webhooks == null ? PusherHooks.NONE : webhooks.pusher(broker, channels::hasSubscribers);
        channels.occupancyHooks(pusherHooks);
        ConnectionListeners listeners = new ConnectionListeners();
        BindWaitList waitList = new BindWaitList(broker, users, listeners, settings.gateway().maxConnectionsPerUser());
        broker.start(new FanOut(connections, users, channels, waitList, metrics));
        this.sql = new SqlWorkers(settings.database().poolSize(), metrics);
        // without Redis this node is the inbox's only writer, so it may remember who has nothing waiting
        NotificationStore notificationStore = new NotificationStore(database, inboxClock, events,
                settings.redis().enabled() ? 0 : InboxService.NOTHING_WAITING_USERS);
        InboxService inbox = new InboxService(notificationStore, sql, broker,
                presence, metrics, settings.notifications(), inboxClock);
        this.inbox = inbox;
        OfflineChat offline = settings.notifications().storeOfflineChat() ? inbox::keepChat : OfflineChat.NONE;
        Gateway gateway = new Gateway(settings.gateway(), connections, users, channels, waitList, listeners, metrics);
        new SessionHandlers(presence, verifier, channels).register(gateway.dispatcher());
        new ChannelHandlers(broker, channels, settings.gateway().maxChannels()).register(gateway.dispatcher());
        new ChatHandlers(broker, presence, metrics, offline, settings).register(gateway.dispatcher());
        if (settings.pusher().enabled()) {
            PusherHandlers pusher = new PusherHandlers(broker, channels, members, settings.pusher(), settings.gateway(), metrics,
                    pusherHooks);
            gateway.pusher(pusher);
            if (redis != null) {
                // a dead node's presence members: reaped once its deadline passed, member_removed sent once
                long every = Math.max(100, settings.redis().presenceTtl().toMillis() / 3);
                redis.scheduler().scheduleWithFixedDelay(pusher::reapDeadMembers, every, every, TimeUnit.MILLISECONDS);
            }
        }
        InboxHandlers inboxHandlers = new InboxHandlers(inbox, settings.gateway().backlogPushBytes());
        inboxHandlers.register(gateway.dispatcher());
        listeners.add(inboxHandlers);

        Router router = new Router(new Credentials(auth.apiKeys(), verifier));
        this.health = new HealthApi(new HealthApi.NodeStats(settings.nodeId(), connections::count, users::count),
                broker, metrics);
        if (redis != null && redis.size() > 1) {
            // over several Redis servers, each is a check of its own: degraded health and readiness
            // name the shard that is down (the broker check is down with any of them)
            for (int i = 0; i < redis.size(); i++) {
                var shard = redis.shard(i);
                health.check("redis " + shard.id(), shard::healthy);
            }
        }
        health.register(router, settings.http().publicMetrics());
        new WebSocketApi(broker, presence, metrics, settings.http().maxRecipients()).register(router);
        new NotificationApi(inbox, settings.http().maxRecipients(), settings.smtp().enabled()).register(router);
        new WebhookApi(Optional.ofNullable(webhooks)).register(router);
        new PusherApi(new PusherApps(settings.pusher().apps()), broker, members, channels::counts, settings.pusher(),
                metrics, Clock.systemUTC()).register(router);
        new OpenApiDocument(VERSION).register(router);
        this.databaseUp = new DatabaseHealth(database);
        health.check("database", databaseUp::up);
        this.jobs = new InboxJobs(inbox, settings.notifications(), jobLock);
        jobs.start();
        // e-mail escalation: only with smtp.host (without it, escalate_after answers 422)
        this.escalations = mailer != null
                ? new EscalationJob(notificationStore, mailer,
                        EscalationMail.forPublicUrl(settings.server().publicUrl()), jobLock, metrics, Duration.ofSeconds(1),
                        EscalationJob.stuckAfter(settings.smtp().timeout()))
                : null;
        if (escalations != null) {
            escalations.start();
        }
        if (webhooks != null) {
            webhooks.start();
        }
        if (settings.demo()) {
            new DemoApi(issuer.orElseThrow(), auth.demoAdmin()).register(router);
            health.demoMode(DemoApi.WARNING);
        }
        if (local != null) {
            LocalBroker sweeping = local;
            server.workers().next().scheduleAtFixedRate(() -> sweeping.sweep(channels::hasSubscribers), 1, 1, TimeUnit.MINUTES);
        }
        this.router = router;
        this.gateway = gateway;
        this.verifier = verifier;
        this.metrics = metrics;
    }

    /** Builds a node and binds its port. */
    public static Herald start(Settings settings) throws InterruptedException {
        return start(settings, Clock.systemUTC());
    }

    /** Builds a node whose inbox runs on {@code inboxClock} (tests: a hand-moved clock) and binds its port. */
    public static Herald start(Settings settings, Clock inboxClock) throws InterruptedException {
        return start(settings, inboxClock, System::nanoTime);
    }

    /** As {@link #start(Settings, Clock)}, the connections' time read from {@code ticker} (tests: a hand-moved one). */
    public static Herald start(Settings settings, Clock inboxClock, java.util.function.LongSupplier ticker)
            throws InterruptedException {
        Herald h = new Herald(settings, inboxClock, ticker);
        try {
            h.port = h.server.start(settings, h.gateway, h.users, h.router, h.verifier, h.metrics);
        } catch (RuntimeException | InterruptedException e) {
            h.close(); // the port is taken (or the host wrong): release the database, loops and jobs
            throw e;
        }
        log.info("herald started node={} port={} demo={} broker={}", settings.nodeId(), h.port, settings.demo(),
                !settings.redis().enabled() ? "local" : settings.redis().urls().size() == 1 ? "redis"
                        : "redis (" + settings.redis().urls().size() + " shards)");
        return h;
    }

    /** The inbox's use cases (the jobs call them on their own schedule; tests call them directly). */
    public InboxService inbox() {
        return inbox;
    }

    /** The store settings of a node: an empty url is the embedded H2 file under the data dir. */
    public static DatabaseConfig databaseConfig(Settings s) {
        var d = s.database();
        return new DatabaseConfig(d.url(), d.user(), d.password(), d.poolSize(), s.dataDir());
    }

    public int port() {
        return port;
    }

    /** The I/O transport the node's port runs on ({@code server.transport}). */
    public IoTransport transport() {
        return server.transport();
    }

    public Settings settings() {
        return settings;
    }

    /** The token minter (present when an HS256 secret is configured); for the CLI, demo and tests. */
    public Optional<TokenIssuer> issuer() {
        return issuer;
    }

    /** The HTTP routes this node serves (method, path pattern, access); read-only. */
    public List<Router.RouteInfo> routes() {
        return router.routes();
    }

    /** This node's connections (counted, closed together on shutdown). */
    public LocalConnections connections() {
        return connections;
    }

    /** This node's bound connections by user. */
    public UserRegistry users() {
        return users;
    }

    /** Which channels this node's connections subscribe to. */
    public ChannelSubscriptions channels() {
        return channels;
    }

    /** Decides which node runs a periodic job (always this one on a single node). */
    /** The escalation job, when SMTP is configured. */
    public Optional<EscalationJob> escalations() {
        return Optional.ofNullable(escalations);
    }

    public JobLock jobLock() {
        return jobLock;
    }

    /** The node's webhooks, or empty when {@code webhooks.url} is not set. */
    public Optional<Webhooks> webhooks() {
        return Optional.ofNullable(webhooks);
    }

    /** The node's Redis links (one per shard) in cluster mode, or empty on a single node. */
    public Optional<RedisShards> redis() {
        return Optional.ofNullable(redis);
    }

    @Override
    public void close() {
        health.stopping();
        server.stopAccepting();
        connections.closeAll(CloseCodes.RESTART, "server restarting");
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        while (connections.count() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.close();
        jobs.close();
        if (escalations != null) {
            escalations.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        databaseUp.close();
        sql.close();
        database.close();
        broker.close();
        presence.close();
        members.close();
        if (redis != null) {
            redis.close();
        }
        jwks.ifPresent(JwksKeys::close);
        log.info("herald stopped node={}", settings.nodeId());
    }
}
