package dev.herald;

import dev.herald.auth.TokenIssuer;
import dev.herald.auth.TokenVerifier;
import dev.herald.config.ConfigException;
import dev.herald.config.DemoKey;
import dev.herald.config.Settings;
import dev.herald.config.SettingsLoader;
import dev.herald.store.Database;
import dev.herald.store.StoreException;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code serve}, {@code token}, and the inbox maintenance commands. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "Herald " + Herald.VERSION,
        description = "Real-time notification gateway: WebSocket push, durable inbox, server API.",
        subcommands = {Main.Serve.class, Main.Token.class, Main.Migrate.class, Main.RetryUnsent.class, Main.Cleanup.class,
                ConfigCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: known failures print one line and an exit code. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line reading {@code env} as its environment variables (tests pass their own). */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K made = CommandLine.defaultFactory().create(type);
                if (made instanceof Common command) {
                    command.env = env;
                }
                return made;
            }
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println(e.getMessage());
                return 2;
            }
            if (e instanceof StoreException || e instanceof AdminCall.CallException) {
                cmd.getErr().println("herald: " + e.getMessage());
                return 3;
            }
            if (portTaken(e)) {
                cmd.getErr().println("herald: cannot listen: the address is already in use (another process has the port;"
                        + " choose another with --port or HERALD_PORT)");
                return 4;
            }
            throw e;
        });
        return cli;
    }

    /** Whether {@code e} is the listening socket's bind failing on a port another process holds. */
    static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** Options every command shares: {@code --help}, and where the configuration and data live. */
    static class Common {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        boolean help;

        @Option(names = "--config", description = "properties file with settings (see docs/operations.md)")
        Path config;

        @Option(names = "--data-dir", description = "directory for the embedded database and demo secret")
        Path dataDir;

        /** The environment variables settings are read from. */
        Map<String, String> env = System.getenv();

        /** The command-line values, keyed like the file: {@code more} and {@code --data-dir}. */
        Map<String, String> overrides(Map<String, String> more) {
            Map<String, String> overrides = new HashMap<>(more);
            if (dataDir != null) {
                overrides.put("data-dir", dataDir.toString());
            }
            return overrides;
        }

        Settings settings(Map<String, String> more) {
            return settings(more, DemoKey.CREATE);
        }

        /** The settings, with {@code demoKey} saying whether a missing demo key is made, an error, or neither. */
        Settings settings(Map<String, String> more, DemoKey demoKey) {
            Settings settings = SettingsLoader.load(Optional.ofNullable(config), env, overrides(more), demoKey);
            settings.auth().jwtPublicKeyPem().ifPresent(Main::checkPublicKey);
            return settings;
        }
    }

    /**
     * {@code config} keeps the public key as the file's text; whether it holds a key is {@code auth}'s
     * to say. Asked here, at start, so a bad file is a configuration error (exit 2, one line) and
     * not a failure deep in the node's start.
     */
    static void checkPublicKey(String pem) {
        try {
            TokenVerifier.parsePublicKey(pem);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("auth.jwt-public-key: the file holds no usable key: " + e.getMessage()));
        }
    }

    /**
     * Netty samples buffer allocations for leak reports by creating a throwable per sampled buffer
     * (JFR counted ~100 per second on the unicast path). A server started from the command line
     * runs without it unless {@code -Dio.netty.leakDetection.level} asks for a level; the test
     * suite, which builds servers directly, keeps Netty's default.
     */
    static void productionLeakDetection() {
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    @Command(name = "serve", description = "Start a Herald node (the default embedded setup needs no options).")
    static final class Serve extends Common implements Callable<Integer> {
        @Option(names = "--port", description = "listening port (default 8080)")
        Integer port;

        @Override
        public Integer call() throws Exception {
            Map<String, String> more = new HashMap<>();
            if (port != null) {
                more.put("server.port", port.toString());
            }
            Settings settings = settings(more);
            productionLeakDetection();
            IdleHeap.compact();
            String idleHeap = IdleHeap.returnAfter(settings.server().idleGcInterval());
            Herald herald = Herald.start(settings);
            LoggerFactory.getLogger(Main.class).info("{}", idleHeap);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                herald.close();
                stopped.countDown();
            }, "herald-shutdown"));
            System.out.println(banner(herald));
            stopped.await();
            return 0;
        }

        /** What {@code serve} prints to the operator's terminal once the node is up. */
        static String banner(Herald herald) {
            Settings s = herald.settings();
            String host = s.server().publicUrl().isEmpty()
                    ? "http://localhost:" + herald.port() : s.server().publicUrl().replaceAll("/+$", "");
            StringBuilder out = new StringBuilder()
                    .append("\nHerald is running (node ").append(s.nodeId()).append(")\n")
                    .append("  inbox:     ").append(host).append("/\n")
                    .append("  console:   ").append(host).append("/admin\n")
                    .append("  websocket: ").append(host.replaceFirst("^http", "ws")).append("/ws?token=JWT\n")
                    .append("  health:    ").append(host).append("/health\n");
            if (s.demo() && herald.issuer().isPresent()) {
                // this terminal is the operator's own: the one place an admin demo token may be shown
                TokenIssuer issuer = herald.issuer().get();
                out.append("  DEMO MODE: anyone who can reach this port can get a token for any user; never expose it.\n")
                        .append("  admin console (demo admin, user 1):\n    ").append(host).append("/admin?token=")
                        .append(issuer.issue(1, true, List.of(), Duration.ofHours(12))).append('\n')
                        .append("  inbox: pick a user on the page, or use this token for user 1:\n    ")
                        .append(issuer.issue(1, false, List.of(), Duration.ofHours(12))).append('\n');
            }
            return out.toString();
        }
    }

    @Command(name = "token", description = "Print a signed user token (JWT) for testing and scripts.")
    static final class Token extends Common implements Callable<Integer> {
        @Option(names = "--user", required = true, description = "user id (the token's sub)")
        long user;

        @Option(names = "--admin", description = "add the admin role")
        boolean admin;

        @Option(names = "--ttl", defaultValue = "1h", description = "lifetime, e.g. 30m, 1h, 7d (default 1h)")
        String ttl;

        @Option(names = "--channels", split = ",", description = "private channels the user may join (prefix* allowed)")
        List<String> channels = List.of();

        @Override
        public Integer call() {
            if (user <= 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--user must be a positive id");
            }
            Duration lifetime = parseTtl(ttl);
            Settings settings = settings(Map.of(), DemoKey.REQUIRE);
            var auth = settings.auth();
            TokenIssuer issuer = new TokenIssuer(auth.jwtSecret(), Clock.systemUTC(), auth.issuer(), auth.audience());
            System.out.println(issuer.issue(user, admin, channels, lifetime));
            return 0;
        }

        private Duration parseTtl(String text) {
            var m = Pattern.compile("(\\d+)(s|m|h|d)").matcher(text);
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--ttl: expected e.g. 30m, 1h or 7d");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
    }

    @Command(name = "migrate", description = "Create or upgrade the database schema, then exit.")
    static final class Migrate extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            Settings settings = settings(Map.of());
            try (Database db = Database.open(Herald.databaseConfig(settings))) {
                int applied = db.migrate();
                System.out.println("database " + db + ": " + applied + " migration(s) applied");
            }
            return 0;
        }
    }

    /** Maintenance commands ask the running node to do the work (it holds the connections to push to). */
    abstract static class Maintenance extends Common {
        @Option(names = "--url", description = "the running node (default http://127.0.0.1:<server.port>)")
        String url;

        String call(String pathAndQuery) {
            Settings settings = settings(Map.of(), DemoKey.REQUIRE);
            String base = url != null ? url : "http://127.0.0.1:" + settings.server().port();
            var auth = settings.auth();
            String admin = new TokenIssuer(auth.jwtSecret(), Clock.systemUTC(), auth.issuer(), auth.audience())
                    .issue(1, true, List.of(), Duration.ofMinutes(5));
            return AdminCall.post(base + pathAndQuery, admin);
        }
    }

    @Command(name = "retry-unsent", description = "Re-push unacknowledged notifications to online users now.")
    static final class RetryUnsent extends Maintenance implements Callable<Integer> {
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default 100)")
        int limit;

        @Override
        public Integer call() {
            System.out.println(call("/admin/system/notifications/retry-unsent?limit=" + limit));
            return 0;
        }
    }

    @Command(name = "cleanup", description = "Remove read notifications older than N days now.")
    static final class Cleanup extends Maintenance implements Callable<Integer> {
        @Option(names = "--days", defaultValue = "30", description = "age in days (default 30)")
        int days;

        @Override
        public Integer call() {
            System.out.println(call("/admin/system/notifications/cleanup?days=" + days));
            return 0;
        }
    }
}
