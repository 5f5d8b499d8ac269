package dev.herald.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the tests' helper programs (keytool, python): to their end, at most 60 s each. */
final class Commands {
    private Commands() {}

    /** Runs a command to its end; "" when it exited 0, else what went wrong (its exit and last line). */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "did not finish in 60 s";
            }
            String last = output.isEmpty() ? "" : output.substring(output.lastIndexOf('\n') + 1); // the error, not a traceback
            return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + (last.isEmpty() ? "" : " (" + last + ")");
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void mustRun(List<String> command) {
        String outcome = run(command);
        if (!outcome.isEmpty()) {
            throw new IllegalStateException(String.join(" ", command) + ": " + outcome);
        }
    }

}
