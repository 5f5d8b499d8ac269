package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** What {@code serve} adjusts in its own JVM before it starts a node. */
class ServeDefaultsTest {
    @Test
    void heapFreeRatios_areTightenedUnlessTheCommandLineSetThem() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption maxBefore = vm.getVMOption("MaxHeapFreeRatio");
        VMOption minBefore = vm.getVMOption("MinHeapFreeRatio");
        Main.compactHeap();
        if (maxBefore.getOrigin() == VMOption.Origin.DEFAULT && minBefore.getOrigin() == VMOption.Origin.DEFAULT) {
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("10");
            assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("20");
        } else {
            assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).as("a value given on the command line stays")
                    .isEqualTo(maxBefore.getOrigin() == VMOption.Origin.DEFAULT ? "20" : maxBefore.getValue());
        }
    }

    @Test
    void leakDetection_isOffUnlessALevelWasAskedFor() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        try {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            Main.productionLeakDetection();
            ResourceLeakDetector.Level expected = System.getProperty("io.netty.leakDetection.level") == null
                    && System.getProperty("io.netty.leakDetectionLevel") == null
                    ? ResourceLeakDetector.Level.DISABLED : ResourceLeakDetector.Level.SIMPLE;
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(expected);
        } finally {
            ResourceLeakDetector.setLevel(before);
        }
    }
}
