package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints a Markdown table per scenario from the newest result of each label in the results
 * directory, with the ratio of Herald's headline figure to each baseline's.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Tables of the latest results (Markdown).")
final class Report implements Callable<Integer> {
    static final Map<String, String> HEADLINE = new LinkedHashMap<>();

    static {
        HEADLINE.put("connect", "rss_kb_per_conn");
        HEADLINE.put("broadcast", "cpu_us_per_msg");
        HEADLINE.put("broadcast-light", "cpu_us_per_msg");
        HEADLINE.put("unicast", "p99_ms");
        HEADLINE.put("unicast-max", "max_rate");
        HEADLINE.put("channels", "cpu_us_per_msg");
    }

    @Option(names = "--results-dir", description = "default ${DEFAULT-VALUE}")
    Path dir = Path.of("bench/results");

    @Option(names = "--since", description = "only results whose time stamp (yyyyMMdd-HHmmss) is at or after this")
    String since = "";

    @Option(names = "--reference", description = "label the ratios are taken against (default ${DEFAULT-VALUE})")
    String reference = "herald";

    @Override
    public Integer call() throws IOException {
        Map<String, Map<String, JsonNode>> latest = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonNode r = Worker.JSON.readTree(f.toFile());
            String time = r.path("time").asText();
            if (time.compareTo(since) < 0) {
                continue;
            }
            Map<String, JsonNode> byLabel = latest.computeIfAbsent(r.path("scenario").asText(), k -> new LinkedHashMap<>());
            JsonNode prev = byLabel.get(r.path("label").asText());
            if (prev == null || prev.path("time").asText().compareTo(time) <= 0) {
                byLabel.put(r.path("label").asText(), r);
            }
        }
        List<String> order = new ArrayList<>(HEADLINE.keySet());
        latest.keySet().stream().filter(k -> !order.contains(k)).forEach(order::add);
        for (String scenario : order) {
            Map<String, JsonNode> rows = latest.get(scenario);
            if (rows == null) {
                continue;
            }
            System.out.println(table(scenario, rows));
        }
        return 0;
    }

    String table(String scenario, Map<String, JsonNode> rows) {
        Set<String> cols = new LinkedHashSet<>();
        rows.values().forEach(r -> r.path("summary").fieldNames().forEachRemaining(cols::add));
        // a tagged variant (connect-r2) has its scenario's headline
        String headline = HEADLINE.getOrDefault(scenario, HEADLINE.get(scenario.replaceFirst("-[^-]+$", "")));
        StringBuilder sb = new StringBuilder("### " + scenario + "\n\n| server |");
        cols.forEach(c -> sb.append(' ').append(c).append(" |"));
        if (headline != null) {
            sb.append(' ').append(reference).append(" ÷ this (").append(headline).append(") |");
        }
        sb.append("\n|---|");
        cols.forEach(c -> sb.append("---|"));
        if (headline != null) {
            sb.append("---|");
        }
        sb.append('\n');
        JsonNode ref = rows.get(reference);
        for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
            JsonNode s = e.getValue().path("summary");
            sb.append("| ").append(e.getKey()).append(" |");
            cols.forEach(c -> sb.append(' ').append(s.has(c) ? s.get(c).asText() : "").append(" |"));
            if (headline != null) {
                double mine = s.path(headline).asDouble(Double.NaN);
                double theirs = ref == null ? Double.NaN : ref.path("summary").path(headline).asDouble(Double.NaN);
                sb.append(' ').append(Double.isNaN(mine) || Double.isNaN(theirs) || mine == 0 ? ""
                        : String.format("%.2f", theirs / mine)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
