package dev.herald;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

/**
 * What {@code herald serve} sets in its own JVM at start so that an idle node holds little memory
 * as the operating system sees it, with a bare {@code java -jar}: both through the HotSpot
 * diagnostic bean (the flags are manageable), and never over a value given on the command line.
 *
 * <p>{@link #compact}: most of an idle connection's resident memory is heap head-room G1 keeps
 * committed after a collection (BENCHMARKS.md, "Server JVM flags and memory"), so the two free
 * ratios go to 10/20 %.
 *
 * <p>{@link #returnAfter}: gives memory an idle node no longer uses back ({@code server.idle-gc-interval}).
 * After a burst — a reconnect storm, a big broadcast — the heap G1 grew to hold its garbage stays
 * committed until a collection shrinks it, and a node that then sits quiet has no reason to collect:
 * the operating system sees the burst's size for hours. G1's periodic collection (JEP 346) runs a
 * concurrent cycle when no collection happened for the interval, then uncommits what the heap no
 * longer needs; a busy node collects anyway and never triggers it. Other collectors are left alone.
 * The test suite, which builds servers directly, keeps the JVM's defaults.
 */
final class IdleHeap {
    static final String FLAG = "G1PeriodicGCInterval";
    /** Where a flag the operator set comes from; {@code MANAGEMENT} is what this class (or a tool) set. */
    private static final Set<VMOption.Origin> OPERATOR = Set.of(VMOption.Origin.VM_CREATION,
            VMOption.Origin.ENVIRON_VAR, VMOption.Origin.CONFIG_FILE);

    private IdleHeap() {}

    /** {@code -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20}, unless the command line gave them. */
    static void compact() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            // lower the minimum first: the JVM refuses a maximum below the current minimum
            for (String[] flag : new String[][] {{"MinHeapFreeRatio", "10"}, {"MaxHeapFreeRatio", "20"}}) {
                if (!OPERATOR.contains(hotspot.getVMOption(flag[0]).getOrigin())) {
                    hotspot.setVMOption(flag[0], flag[1]);
                }
            }
        } catch (RuntimeException e) {
            // another JVM, or the values conflict with ones given on the command line: keep those
        }
    }

    /** G1's periodic collection after {@code interval} (zero: off); returns what it did, for the start-up log. */
    static String returnAfter(Duration interval) {
        if (!usesG1()) {
            return "idle heap return off (not the G1 collector)";
        }
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption option;
        try {
            option = hotspot.getVMOption(FLAG);
        } catch (IllegalArgumentException e) {
            return "idle heap return off (this JVM has no " + FLAG + ")";
        }
        if (OPERATOR.contains(option.getOrigin())) {
            return "idle heap return as -XX:" + FLAG + "=" + option.getValue() + " (server.idle-gc-interval not applied)";
        }
        hotspot.setVMOption(FLAG, Long.toString(interval.toMillis()));
        return interval.isZero() ? "idle heap return off" : "idle heap return after " + interval.toMillis() + " ms without a collection";
    }

    private static boolean usesG1() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().startsWith("G1")) {
                return true;
            }
        }
        return false;
    }
}
