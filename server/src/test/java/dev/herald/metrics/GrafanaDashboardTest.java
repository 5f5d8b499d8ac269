package dev.herald.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.protocol.Json;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/herald-dashboard.json reads only series that {@code /metrics} really exports: every
 * metric name in every panel's PromQL (and in the node variable's query) must be a sample name of a
 * fresh node's exposition. A {@code _bucket} name must belong to a histogram, a {@code _sum} or
 * {@code _count} to a histogram or summary, so querying a histogram by its bare family name, or
 * buckets of a plain gauge, fails too.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("../docs/grafana/herald-dashboard.json");
    /** PromQL words that look like names but are none: aggregations, binary and grouping keywords, literals. */
    private static final Set<String> KEYWORDS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");

    private static TestServer server;
    private static Exposition exposition;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        exposition = Exposition.parse(server.metricsText());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theDashboard_isValidJson_andEveryPanelHasAQuery() throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("__inputs").get(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
        List<JsonNode> panels = panels(dashboard);
        assertThat(panels).as("panels").hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(panel.path("targets").size()).as("targets of panel '%s'", title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("expr of a target of '%s'", title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            }
        }
    }

    @Test
    void everyMetricItReads_isExported() throws IOException {
        assertThat(problems(dashboard())).as("metrics the dashboard reads that /metrics does not export").isEmpty();
        assertThat(exposition.samples()).as("the exposition was read").contains("herald_connections", "herald_refused_total");
    }

    @Test
    void aPanelWithAMadeUpMetric_fails() throws IOException {
        ObjectNode dashboard = (ObjectNode) dashboard();
        ObjectNode made = ((com.fasterxml.jackson.databind.node.ArrayNode) dashboard.path("panels")).addObject();
        made.put("type", "timeseries").put("title", "made up");
        made.putArray("targets").addObject().put("expr", "sum(rate(herald_made_up_total{reason=\"x\"}[5m]))");
        assertThat(problems(dashboard)).containsExactly("panel 'made up': herald_made_up_total is not exported");
    }

    @Test
    void theSuffixRules_holdForHistograms() {
        assertThat(exposition.types()).containsEntry("herald_sql_wait_seconds", "histogram");
        assertThat(check("histogram_quantile(0.99, sum by (le) (rate(herald_sql_wait_seconds_bucket[5m])))")).isEmpty();
        assertThat(check("rate(herald_sql_wait_seconds_sum[5m]) / rate(herald_sql_wait_seconds_count[5m])")).isEmpty();
        assertThat(check("rate(herald_sql_wait_seconds[5m])")).containsExactly("herald_sql_wait_seconds is not exported");
        assertThat(check("herald_connections_bucket")).containsExactly("herald_connections_bucket is not exported");
    }

    @Test
    void namesAreReadFromPromQl_notFunctionsLabelsOrKeywords() {
        assertThat(metricNames("histogram_quantile(0.5, sum by (le, instance) (rate(a_seconds_bucket{instance=~\"$instance\",x=\"b_total\"}[$__rate_interval])))"))
                .containsExactly("a_seconds_bucket");
        assertThat(metricNames("sum without (code) (increase(b_total[1h] offset 5m)) / on (instance) group_left max(c) > bool 1e3"))
                .containsExactly("b_total", "c");
        assertThat(metricNames("label_values(herald_connections, instance)")).containsExactly("herald_connections", "instance");
    }

    // ---- the check

    /** Each metric of the dashboard that is not exported, as {@code panel 'title': name is not exported}. */
    private static List<String> problems(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (metricNames(expr).isEmpty()) {
                    out.add("panel '" + panel.path("title").asText() + "': no metric in " + expr);
                }
                check(expr).forEach(p -> out.add("panel '" + panel.path("title").asText() + "': " + p));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String query = variable.path("definition").asText();
            Matcher m = Pattern.compile("label_values\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*)\\s*,").matcher(query);
            if (m.find() && !exposition.samples().contains(m.group(1))) {
                out.add("variable '" + variable.path("name").asText() + "': " + m.group(1) + " is not exported");
            }
        }
        return out;
    }

    private static List<String> check(String expr) {
        List<String> out = new ArrayList<>();
        for (String name : metricNames(expr)) {
            if (!exposition.exports(name)) {
                out.add(name + " is not exported");
            }
        }
        return out;
    }

    /**
     * The metric names of a PromQL expression: identifiers that are not functions (followed by
     * {@code (}), keywords, label names (inside {@code {…}} or a {@code by (…)} list), durations,
     * numbers, strings or Grafana variables.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`", "\"\"");
        s = s.replaceAll("\\$\\{[^}]*}|\\$\\w+", " ");
        s = s.replaceAll("\\{[^}]*}", " ");
        s = s.replaceAll("\\[[^]]*]", " ");
        s = s.replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            int start = m.start();
            boolean afterNumber = start > 0 && (Character.isDigit(s.charAt(start - 1)) || s.charAt(start - 1) == '.');
            if (m.group(2) != null || afterNumber || KEYWORDS.contains(m.group(1).toLowerCase())) {
                continue;
            }
            names.add(m.group(1));
        }
        return names;
    }

    private static JsonNode dashboard() throws IOException {
        return Json.MAPPER.readTree(Files.readAllBytes(DASHBOARD));
    }

    /** Every panel but rows, also those nested in collapsed rows. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if ("row".equals(p.path("type").asText())) {
                p.path("panels").forEach(out::add);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** The sample names of a Prometheus text exposition and the type of each family. */
    private record Exposition(Set<String> samples, Map<String, String> types) {
        static Exposition parse(String text) {
            Set<String> samples = new LinkedHashSet<>();
            Map<String, String> types = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    int end = line.indexOf('{');
                    samples.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
                }
            }
            return new Exposition(samples, types);
        }

        /** Whether {@code name} is a series of the exposition, its suffix fitting its family's type. */
        boolean exports(String name) {
            if (!samples.contains(name)) {
                return false;
            }
            for (String suffix : List.of("_bucket", "_sum", "_count")) {
                if (name.endsWith(suffix) && !types.containsKey(name)) {
                    String type = types.get(name.substring(0, name.length() - suffix.length()));
                    return "histogram".equals(type) || (!suffix.equals("_bucket") && "summary".equals(type));
                }
            }
            return true;
        }
    }
}
