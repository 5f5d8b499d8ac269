package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.JavaSources;
import dev.herald.testing.JavaSources.Reference;
import dev.herald.testing.JavaSources.Scan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages' dependency rule (docs/architecture.md), checked on the main sources: arrows point
 * one way, transport → api / gateway → inbox / broker → store, redis, and the lower layers know
 * nothing of the upper ones. A layer is a package under {@code dev.herald} with its sub-packages,
 * except {@code inbox.sql}, which is a layer of its own; the root package ({@code Main},
 * {@code Herald}, {@code AdminCall}) is the composition root and may use everything.
 *
 * <p>References are import lines and inline fully-qualified names (see {@link JavaSources}). A
 * failure names each offending file, line and reference.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");

    /** Who may use whom. A layer missing here fails the test until it is given a row. */
    private static final Map<String, Set<String>> MAY_USE = table(
            "root      -> *",
            "transport -> api gateway auth config metrics protocol logging limits i18n pusher",
            "api       -> inbox broker auth protocol metrics config store webhooks i18n pusher",
            "gateway   -> inbox broker auth protocol metrics config limits i18n pusher",
            "inbox     -> inbox.sql broker store protocol metrics config limits webhooks",
            "inbox.sql -> inbox store protocol webhooks limits",
            // pusher: the PusherHooks interface the gateway reports Pusher webhook events through
            "webhooks  -> broker store protocol metrics config pusher",
            "redis     -> broker protocol metrics config",
            "broker    -> protocol metrics",
            "store     -> metrics config",
            "auth      -> protocol limits",
            // the Pusher protocol's vocabulary (apps, signatures, channel names, messages): a leaf like
            // protocol, used by the three places that speak it — transport (the /app upgrade), gateway
            // (the WebSocket side, on the gateway's own connections) and api (the signed HTTP API)
            "pusher    -> protocol config",
            "config    ->",
            "protocol  ->",
            "metrics   ->",
            "logging   ->",
            "limits    ->",
            "i18n      ->");

    /** Narrower rules for some allowed arrows: what may be used across them, and why. */
    private record Narrowing(String from, String to, String why, BiPredicate<Scan, Reference> allows) {}

    private static final List<Narrowing> NARROWINGS = List.of(
            new Narrowing("api", "store", "only the store's exception types, to map them to HTTP statuses",
                    (scan, ref) -> ref.typeName() != null && ref.typeName().endsWith("Exception")),
            new Narrowing("inbox.sql", "inbox", "only the inbox's model: its records and InboxLimits,"
                    + " never InboxService or InboxJobs",
                    (scan, ref) -> "InboxLimits".equals(ref.typeName()) || kindOf(scan, ref).equals("record")));

    /** The one cycle the layout keeps: the inbox's service and the SQL behind its store use each other's types. */
    private static final Set<Set<String>> ALLOWED_CYCLES = Set.of(Set.of("inbox", "inbox.sql"));

    @Test
    void everyArrowPointsTheWayTheTableAllows() {
        Scan scan = JavaSources.scan(MAIN);
        assertThat(scan.files()).as("main sources found under " + MAIN.toAbsolutePath()).hasSizeGreaterThan(100);
        assertThat(scan.references()).as("cross-package references found").hasSizeGreaterThan(100);
        assertThat(violations(scan)).as("references against the dependency rule").isEmpty();
    }

    @Test
    void theLayersFormNoCycle_butTheInboxAndItsSql() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Reference ref : JavaSources.scan(MAIN).references()) {
            String from = layer(ref.from().packageName());
            String to = layer(ref.packageName());
            if (!from.equals(to)) {
                graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
            }
        }
        List<Set<String>> cycles = cycles(graph).stream().filter(c -> !ALLOWED_CYCLES.contains(c)).toList();
        assertThat(cycles).as("layers that depend on each other (graph: %s)", graph).isEmpty();
    }

    @Test
    void theRuleTableItself_hasNoCycleButTheDocumentedOne() {
        Map<String, Set<String>> graph = new TreeMap<>(MAY_USE);
        graph.remove("root");
        assertThat(cycles(graph)).containsExactlyElementsOf(ALLOWED_CYCLES);
    }

    @Test
    void aForbiddenImportOrInlineName_isReportedWithItsFileAndLine(@TempDir Path root) throws IOException {
        write(root, "dev/herald/store/Bad.java", """
                package dev.herald.store;

                import dev.herald.api.ApiException;
                import dev.herald.metrics.HeraldMetrics;

                /** Mentions dev.herald.gateway.Hub in a comment, which is no dependency. */
                final class Bad {
                    // dev.herald.gateway.Connection neither
                    String text = "dev.herald.transport.HeraldServer";
                    Object hub = new dev.herald.gateway.Hub();
                    /* dev.herald.redis.RedisBroker */ Object fine = new Dialect();
                }
                """);
        write(root, "dev/herald/inbox/sql/Query.java", """
                package dev.herald.inbox.sql;

                import dev.herald.inbox.InboxService;
                import dev.herald.inbox.Notification;

                final class Query {}
                """);
        write(root, "dev/herald/inbox/Notification.java", "package dev.herald.inbox;\n\npublic record Notification(long id) {}\n");
        write(root, "dev/herald/inbox/InboxService.java", "package dev.herald.inbox;\n\npublic final class InboxService {}\n");

        assertThat(violations(JavaSources.scan(root))).containsExactly(
                "inbox/sql/Query.java:3: import dev.herald.inbox.InboxService;"
                        + "  (inbox.sql -> inbox: only the inbox's model: its records and InboxLimits, never InboxService or InboxJobs)",
                "store/Bad.java:3: import dev.herald.api.ApiException;  (store may not use api)",
                "store/Bad.java:10: Object hub = new dev.herald.gateway.Hub();  (store may not use gateway)");
    }

    @Test
    void anUnknownLayer_isReportedUntilTheTableHasARow(@TempDir Path root) throws IOException {
        write(root, "dev/herald/webhook/Hook.java", "package dev.herald.webhook;\n\nimport dev.herald.config.Settings;\n\nclass Hook {}\n");
        assertThat(violations(JavaSources.scan(root))).singleElement().asString()
                .contains("webhook/Hook.java:3").contains("webhook is not in the rule table");
    }

    /** Each reference against the rule, as {@code file:line: code  (reason)}, in file and line order. */
    private static List<String> violations(Scan scan) {
        List<String> out = new ArrayList<>();
        for (Reference ref : scan.references()) {
            String from = layer(ref.from().packageName());
            String to = layer(ref.packageName());
            if (from.equals(to) || from.equals("root")) {
                continue;
            }
            String where = ref.describe(scan.root()) + "  (";
            Set<String> allowed = MAY_USE.get(from);
            if (allowed == null) {
                out.add(where + from + " is not in the rule table of " + ArchitectureTest.class.getSimpleName() + ")");
            } else if (!allowed.contains(to)) {
                out.add(where + from + " may not use " + to + ")");
            } else {
                for (Narrowing n : NARROWINGS) {
                    if (n.from().equals(from) && n.to().equals(to) && !n.allows().test(scan, ref)) {
                        out.add(where + from + " -> " + to + ": " + n.why() + ")");
                    }
                }
            }
        }
        return out;
    }

    /** {@code dev.herald} is root; {@code dev.herald.inbox.sql…} is inbox.sql; else the first name. */
    static String layer(String packageName) {
        if (packageName.equals("dev.herald")) {
            return "root";
        }
        String rest = packageName.substring("dev.herald.".length());
        if (rest.equals("inbox.sql") || rest.startsWith("inbox.sql.")) {
            return "inbox.sql";
        }
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static String kindOf(Scan scan, Reference ref) {
        return scan.files().stream()
                .filter(f -> f.packageName().equals(ref.packageName()) && f.typeName().equals(ref.typeName()))
                .map(JavaSources.SourceFile::kind).findFirst().orElse("unknown");
    }

    /** The strongly connected sets of more than one layer (Tarjan would do; the graph is tiny). */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> out = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (String a : graph.keySet()) {
            if (seen.contains(a)) {
                continue;
            }
            Set<String> component = new TreeSet<>();
            for (String b : graph.keySet()) {
                if (reaches(graph, a, b) && reaches(graph, b, a)) {
                    component.add(b);
                }
            }
            component.add(a);
            seen.addAll(component);
            if (component.size() > 1) {
                out.add(component);
            }
        }
        return out;
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
        Set<String> visited = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            for (String n : graph.getOrDefault(next, Set.of())) {
                if (n.equals(to)) {
                    return true;
                }
                if (visited.add(n)) {
                    todo.add(n);
                }
            }
        }
        return false;
    }

    private static Map<String, Set<String>> table(String... rows) {
        Map<String, Set<String>> table = new LinkedHashMap<>();
        for (String row : rows) {
            String[] sides = row.split("->", 2);
            String[] targets = sides[1].strip().isEmpty() ? new String[0] : sides[1].strip().split("\\s+");
            table.put(sides[0].strip(), Set.of(targets));
        }
        return table;
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
