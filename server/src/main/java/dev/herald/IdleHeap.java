package dev.herald;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

/**
 * Gives memory an idle node no longer uses back to the operating system ({@code server.idle-gc-interval}).
 * After a burst — a reconnect storm, a big broadcast — the heap G1 grew to hold its garbage stays
 * committed until a collection shrinks it, and a node that then sits quiet has no reason to collect:
 * the operating system sees the burst's size for hours. G1's periodic collection (JEP 346) runs a
 * concurrent cycle when no collection happened for the interval, then uncommits what the heap no
 * longer needs; a busy node collects anyway and never triggers it. Herald sets it at start through
 * the HotSpot diagnostic bean (the flag is manageable), so a bare {@code java -jar} gets it; a value
 * the operator gave with {@code -XX:G1PeriodicGCInterval} wins, and other collectors are left alone.
 */
final class IdleHeap {
    static final String FLAG = "G1PeriodicGCInterval";
    /** Where a flag the operator set comes from; {@code MANAGEMENT} is what this class (or a tool) set. */
    private static final Set<VMOption.Origin> OPERATOR = Set.of(VMOption.Origin.VM_CREATION,
            VMOption.Origin.ENVIRON_VAR, VMOption.Origin.CONFIG_FILE);

    private IdleHeap() {}

    /** Applies {@code interval} (zero: off); returns what it did, for the start-up log. */
    static String apply(Duration interval) {
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
