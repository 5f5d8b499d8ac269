package dev.herald.client;

import java.util.List;

/**
 * Whether a node is ready to take traffic ({@code GET /health/ready}: 200 or 503).
 *
 * @param ready    true when every dependency answers and the node is not stopping
 * @param notReady what is not ready ({@code database}, {@code broker}, {@code stopping}); empty when ready
 */
public record Readiness(boolean ready, List<String> notReady) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param ready see the record description
     * @param notReady see the record description
     */
    public Readiness {
        notReady = notReady == null ? List.of() : List.copyOf(notReady);
    }
}
