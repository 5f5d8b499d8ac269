package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.protocol.ErrorCode;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fresh node's {@code /metrics} already lists every metric the code registers, and every labelled
 * series whose label values the code names (push kinds, close and refusal reasons, error codes,
 * handled frame types), at zero: dashboards and alerts see them before the first increment. The
 * names and values are read from the main sources, so a new one cannot be forgotten.
 */
class MetricsFromStartTest {
    private static final Path MAIN = Path.of("src/main/java");

    static TestServer server;
    static String text;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        text = server.metricsText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRegisteredMetricName_isExported() {
        Set<String> names = literals("\"(herald_[a-z_]+)\"");
        assertThat(names).contains("herald_refused", "herald_disconnects", "herald_pushes", "herald_connections");
        for (String name : names) {
            Pattern sample = Pattern.compile("(?m)^" + name + "(_total|_seconds_count)?[{ ]");
            assertThat(sample.matcher(text).find()).as(name + " in a fresh node's /metrics").isTrue();
        }
    }

    @Test
    void everyNamedLabelValue_isExportedAtZero() {
        Set<String> closeReasons = literals("CloseCodes\\.[A-Z_]+,\\s*\"([^\"]+)\"");
        assertThat(closeReasons).contains("slow consumer", "idle timeout");
        closeReasons.forEach(r -> assertZero("herald_disconnects_total{reason=\"" + r.replace(' ', '_') + "\"}"));
        assertZero("herald_disconnects_total{reason=\"client\"}");

        Set<String> kinds = literals("metrics\\.push\\(\"([a-z_]+)\"\\)");
        assertThat(kinds).contains("user", "broadcast", "notification");
        kinds.forEach(k -> assertZero("herald_pushes_total{kind=\"" + k + "\"}"));

        Set<String> refusals = literals("(?:metrics\\.refused|refuse)\\((?:ctx, )?\"([a-z_]+)\"");
        assertThat(refusals).contains("connections", "connections_per_ip", "rate_limit", "read_timeout");
        refusals.forEach(r -> assertZero("herald_refused_total{reason=\"" + r + "\"}"));

        for (ErrorCode code : ErrorCode.values()) {
            assertZero("herald_errors_total{code=\"" + code.wire() + "\"}");
        }
        for (String type : literals("d\\.register\\(\"([a-z_]+)\"")) {
            assertZero("herald_frames_in_total{type=\"" + type + "\"}");
        }
        assertZero("herald_frames_in_total{type=\"unknown\"}");
        assertZero("herald_frames_out_total{type=\"notification\"}");
        assertZero("herald_frames_out_total{type=\"custom\"}");
    }

    private static void assertZero(String series) {
        assertThat(text).as(series).contains(series + " 0.0");
    }

    /** Group 1 of every match of {@code regex} in the main sources. */
    private static Set<String> literals(String regex) {
        Pattern p = Pattern.compile(regex);
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = p.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
