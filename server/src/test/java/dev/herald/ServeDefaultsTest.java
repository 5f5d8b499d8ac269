package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@code serve} adjusts in its own JVM before it starts a node. */
class ServeDefaultsTest {
    @Test
    void heapFreeRatios_areTightenedUnlessTheCommandLineSetThem() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption maxBefore = vm.getVMOption("MaxHeapFreeRatio");
        VMOption minBefore = vm.getVMOption("MinHeapFreeRatio");
        IdleHeap.compact();
        if (maxBefore.getOrigin() == VMOption.Origin.DEFAULT && minBefore.getOrigin() == VMOption.Origin.DEFAULT) {
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("10");
            assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("20");
        } else {
            assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).as("a value given on the command line stays")
                    .isEqualTo(maxBefore.getOrigin() == VMOption.Origin.DEFAULT ? "20" : maxBefore.getValue());
        }
    }

    @Test
    void idleGcInterval_setsG1sPeriodicCollection_andZeroTurnsItOff() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String before = vm.getVMOption(IdleHeap.FLAG).getValue();
        try {
            assertThat(IdleHeap.returnAfter(Duration.ofSeconds(7))).isEqualTo("idle heap return after 7000 ms without a collection");
            assertThat(vm.getVMOption(IdleHeap.FLAG).getValue()).isEqualTo("7000");
            assertThat(IdleHeap.returnAfter(Duration.ZERO)).isEqualTo("idle heap return off");
            assertThat(vm.getVMOption(IdleHeap.FLAG).getValue()).isEqualTo("0");
        } finally {
            vm.setVMOption(IdleHeap.FLAG, before);
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
