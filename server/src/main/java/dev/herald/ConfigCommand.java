package dev.herald;

import dev.herald.config.DemoKey;
import dev.herald.config.EffectiveConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code herald config}: what a node started with the same options and environment would run with,
 * one line per setting with where its value came from (secrets masked), then the same checks as
 * {@code serve} (exit 2 naming each bad value). It makes no demo key.
 */
@Command(name = "config", description = "Print the effective configuration: every setting, its value"
        + " (secrets masked) and where it came from (default, file, env or command line); then check it.")
final class ConfigCommand extends Main.Common implements Callable<Integer> {
    @Override
    public Integer call() {
        EffectiveConfig.lines(Optional.ofNullable(config), env, overrides(Map.of())).forEach(System.out::println);
        System.out.flush();
        settings(Map.of(), DemoKey.IGNORE);
        return 0;
    }
}
