package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A node's health report ({@code GET /health}).
 *
 * @param status        {@code up}, {@code degraded} (a dependency is down; it still serves) or {@code stopping}
 * @param nodeId        the node's id
 * @param uptimeSeconds seconds since it started
 * @param connections   its open WebSocket connections
 * @param users         the users they belong to
 * @param checks        each dependency ({@code broker}, {@code database}) with {@code up} or {@code down}
 * @param demo          whether demo mode is on
 * @param warning       the demo-mode warning, or null
 */
public record Health(
        @JsonProperty("status") String status,
        @JsonProperty("node_id") String nodeId,
        @JsonProperty("uptime_seconds") long uptimeSeconds,
        @JsonProperty("connections") int connections,
        @JsonProperty("users") int users,
        @JsonProperty("checks") Map<String, String> checks,
        @JsonProperty("demo") boolean demo,
        @JsonProperty("warning") String warning) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param status see the record description
     * @param nodeId see the record description
     * @param uptimeSeconds see the record description
     * @param connections see the record description
     * @param users see the record description
     * @param checks see the record description
     * @param demo see the record description
     * @param warning see the record description
     */
    public Health {
        checks = checks == null ? Map.of() : Map.copyOf(checks);
    }
}
