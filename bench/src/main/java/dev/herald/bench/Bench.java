package dev.herald.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The load generator's command line: scenarios, the baseline server, the report, and the worker. */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "herald-bench 0.1.0",
        description = "Herald load generator. Scenarios start the server (or attach with --server-pid), "
                + "measure, print one summary line and write JSON under bench/results/.",
        subcommands = {ConnectScenario.class, TokenCostScenario.class, BroadcastScenario.class, UnicastScenario.class, ChannelsScenario.class, PresenceChurnScenario.class, StormScenario.class,
                InboxScenario.class, CollapseScenario.class, WebhookScenario.class, ClusterScenario.class, ChaosRun.Chaos.class, BaselineServer.class, Report.class, JwtCost.class,
                Bench.WorkerCommand.class})
public final class Bench implements Callable<Integer> {
    public static void main(String[] args) {
        int code = new CommandLine(new Bench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (args.length > 0 && args[0].equals("baseline-server")) {
            return; // keeps serving until killed
        }
        System.exit(code);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "worker", hidden = true, description = "child process of a scenario: JSON commands on stdin")
    static final class WorkerCommand implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Worker.serve();
            return 0;
        }
    }
}
