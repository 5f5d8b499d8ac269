package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Every command answers {@code --help} (and {@code -h}) with its usage and exit code 0, even one
 * with a required option ({@code token --user}), so a new user can find the options from the jar.
 */
class CommandHelpTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "token", "migrate", "retry-unsent", "cleanup", "config"})
    void everySubcommand_printsItsUsageOnHelp_andExitsZero(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            Run r = run(command, flag);
            assertThat(r.exit()).as(command + " " + flag + ": " + r.err()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).contains("Usage: herald " + command).contains("--help").contains("--config");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void theTopLevelHelp_listsEverySubcommand(String flag) {
        Run r = run(flag);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "token", "migrate", "retry-unsent", "cleanup", "config");
    }

    @Test
    void tokenHelp_listsItsOptions() {
        assertThat(run("token", "--help").out()).contains("--user", "--admin", "--ttl", "--channels");
    }
}
