package dev.herald.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What checking a token costs a connect: the {@code connect} measurement once per token algorithm
 * (HS256, RS256, ES256 by default), back to back in one run, each on a server of its own that
 * knows only that algorithm's key (RS256 / ES256: a key pair made for the run, the public key as
 * {@code auth.jwt-public-key}, no secret). The figure to compare is the server's CPU per connection
 * in the warm round (the JIT has seen one round of connects): everything else about a connect is
 * the same, so the difference is the token check.
 */
@Command(name = "token-cost", mixinStandardHelpOptions = true,
        description = "Server CPU per connection with HS256, RS256 and ES256 tokens, one after the other in one run.")
final class TokenCostScenario extends ConnectScenario {
    @Option(names = "--algs", split = ",", description = "algorithms, in order (default ${DEFAULT-VALUE})")
    List<String> algs = new ArrayList<>(TokenKeys.ALGORITHMS);

    TokenCostScenario() {
        n = 5_000;
        idleSeconds = 1;
        gcSettleMs = 1_000;
    }

    @Override
    String name() {
        return "token-cost";
    }

    @Override
    public Integer call() throws Exception {
        if (noWarmRound) {
            throw new IllegalArgumentException("token-cost compares the warm round; drop --no-warm-round");
        }
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        for (String a : algs) {
            String alg = TokenKeys.algorithm(a);
            System.out.printf("%s: %d connections%n", alg, n);
            Map<String, Object> result = measure(alg, "-" + alg.toLowerCase(Locale.ROOT));
            writeResult(resultsDir, (String) result.get("scenario"), (String) result.get("label"), (String) result.get("time"), result);
            results.put(alg, result);
        }
        System.out.println(table(results));
        return 0;
    }

    /** Server CPU per connection (µs) for each algorithm, cold and warm, with the warm ratio to the first. */
    @SuppressWarnings("unchecked")
    static String table(Map<String, Map<String, Object>> results) {
        StringBuilder sb = new StringBuilder("token-cost: server CPU per connection (µs)\n");
        sb.append(String.format("  %-6s %10s %10s %10s %12s %8s%n", "alg", "cold", "warm", "vs first", "warm conn/s", "failed"));
        double first = Double.NaN;
        for (var e : results.entrySet()) {
            Map<String, Object> cold = (Map<String, Object>) e.getValue().get("cold");
            Map<String, Object> warm = (Map<String, Object>) e.getValue().get("warm");
            double warmUs = ((Number) warm.get("server_cpu_us_per_conn")).doubleValue();
            if (Double.isNaN(first)) {
                first = warmUs;
            }
            long failed = ((Number) cold.get("failed")).longValue() + ((Number) warm.get("failed")).longValue();
            sb.append(String.format("  %-6s %10.1f %10.1f %9.2fx %12d %8d%n", e.getKey(),
                    ((Number) cold.get("server_cpu_us_per_conn")).doubleValue(), warmUs, warmUs / first,
                    ((Number) warm.get("per_second")).longValue(), failed));
        }
        return sb.toString();
    }
}
