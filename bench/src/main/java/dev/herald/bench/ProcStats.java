package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's resident memory and CPU time from Linux's /proc. */
public final class ProcStats {
    private static volatile long clockTicks = -1;

    private ProcStats() {}

    /** VmRSS in KiB from the text of /proc/PID/status; -1 when absent. */
    public static long parseRssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return -1;
    }

    /**
     * utime + stime (fields 14 and 15, in clock ticks) from the text of /proc/PID/stat. The command
     * name (field 2) is in parentheses and may itself contain spaces and parentheses, so fields are
     * counted from the last ')'.
     */
    public static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state); utime is field 14 -> f[11], stime field 15 -> f[12]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Number of threads (field 20) from /proc/PID/stat. */
    public static long parseThreads(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
        return Long.parseLong(f[17]);
    }

    public static long rssKb(long pid) {
        return parseRssKb(read(Path.of("/proc", Long.toString(pid), "status")));
    }

    public static long cpuTicks(long pid) {
        return parseCpuTicks(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    public static long threads(long pid) {
        return parseThreads(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** CPU time of the process in microseconds. */
    public static long cpuMicros(long pid) {
        return cpuTicks(pid) * 1_000_000L / clockTicksPerSecond();
    }

    /** {@code getconf CLK_TCK}, 100 if that cannot be run. */
    public static long clockTicksPerSecond() {
        long t = clockTicks;
        if (t > 0) {
            return t;
        }
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            t = Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            t = 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t = 100;
        }
        clockTicks = t;
        return t;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + " (is the server still running?)", e);
        }
    }
}
