package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static JsonNode result(double rssPerConn) throws Exception {
        return Worker.JSON.readTree("{\"summary\": {\"rss_kb_per_conn\": " + rssPerConn + "}}");
    }

    @Test
    void taggedRound_takesItsScenariosHeadline_andRatioAgainstTheReference() throws Exception {
        Report report = new Report();
        report.reference = "before";
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        rows.put("before", result(10));
        rows.put("after", result(8));
        String table = report.table("connect-r2", rows);
        assertThat(table).contains("before ÷ this (rss_kb_per_conn)");
        assertThat(table).contains("| before | 10.0 | 1.00 |");
        assertThat(table).contains("| after | 8.0 | 1.25 |");
    }

    @Test
    void unknownScenario_hasNoRatioColumn() throws Exception {
        Map<String, JsonNode> rows = Map.of("herald", result(10));
        assertThat(new Report().table("something-else", rows)).doesNotContain("÷");
    }
}
