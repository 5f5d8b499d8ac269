package dev.herald.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Optional {@code perf record} of the server over a scenario's measuring window, with call graphs,
 * so kernel time (syscalls, TCP) shows beside the JVM's. Start the server with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit} so JIT-compiled frames resolve.
 */
final class Perf implements AutoCloseable {
    private final Process process;

    private Perf(Process process) {
        this.process = process;
    }

    /** Starts recording {@code pid} into {@code out}; null (no recording) when {@code out} is null. */
    static Perf record(Path out, long pid) throws Exception {
        if (out == null) {
            return null;
        }
        Process p = new ProcessBuilder("perf", "record", "-F", "499", "-g", "-o", out.toString(), "-p", Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(500);
        return new Perf(p);
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
