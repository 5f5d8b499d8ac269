package dev.herald.bench;

/**
 * The reconnect policy of the browser client, {@code server/src/main/resources/web/herald.js}, for
 * the bench's clients that reconnect ({@link WsLoad}'s storm clients, {@link ChaosClients}):
 * <pre>
 *   reconnect: { baseMs: 1000, maxMs: 30000, maxAttempts: Infinity, jitter: 0.5, restartMaxMs: 5000 }   // DEFAULTS
 *   export function backoffDelay(attempt, policy, random = Math.random) {
 *     const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
 *     return Math.round(ceiling * (1 - policy.jitter * random()));
 *   }
 * </pre>
 * {@code attempt} is 0 for the first retry after a drop and grows by one with each failed dial;
 * herald.js sets it back to 0 when a socket opens. So a client whose link drops waits 500–1000 ms,
 * then, while the server refuses, 1–2 s, 2–4 s, 4–8 s, 8–16 s, then 15–30 s every time: the
 * "equal-ish" jitter of a random share ({@code jitter}) of each exponential delay, not full jitter.
 * After a link the server closed with 1012 (restarting) herald.js caps the delays at
 * {@code restartMaxMs} instead of {@code maxMs} until a socket opens again ({@link #restarting}).
 */
record Backoff(long baseMs, long maxMs, double jitter, long restartMaxMs) {
    /** herald.js's defaults. */
    static final Backoff HERALD_JS = new Backoff(1000, 30_000, 0.5, 5_000);

    Backoff(long baseMs, long maxMs, double jitter) {
        this(baseMs, maxMs, jitter, maxMs);
    }

    Backoff {
        if (baseMs < 0 || maxMs < baseMs || jitter < 0 || jitter > 1 || restartMaxMs < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max and jitter in [0, 1]: "
                    + baseMs + ", " + maxMs + ", " + jitter);
        }
    }

    /** The wait before retry number {@code attempt} (0-based); {@code random} in [0, 1), as herald.js's {@code backoffDelay}. */
    long delayMs(int attempt, double random) {
        double ceiling = Math.min(maxMs, baseMs * Math.pow(2, Math.min(attempt, 62)));
        return Math.round(ceiling * (1 - jitter * random));
    }

    /** This policy with herald.js's cap after a 1012 close: {@code min(maxMs, restartMaxMs)}. */
    Backoff restarting() {
        return new Backoff(Math.min(baseMs, restartMaxMs), Math.min(maxMs, restartMaxMs), jitter, restartMaxMs);
    }
}
