package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** server.idle-gc-interval sets G1's periodic collection in the running JVM (the tests run on G1). */
class IdleHeapTest {
    private static final HotSpotDiagnosticMXBean HOTSPOT = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void setsTheIntervalAtRunTime_andZeroTurnsItOff() {
        String before = HOTSPOT.getVMOption(IdleHeap.FLAG).getValue();
        try {
            assertThat(IdleHeap.returnAfter(Duration.ofSeconds(7))).isEqualTo("idle heap return after 7000 ms without a collection");
            assertThat(HOTSPOT.getVMOption(IdleHeap.FLAG).getValue()).isEqualTo("7000");
            assertThat(IdleHeap.returnAfter(Duration.ZERO)).isEqualTo("idle heap return off");
            assertThat(HOTSPOT.getVMOption(IdleHeap.FLAG).getValue()).isEqualTo("0");
        } finally {
            HOTSPOT.setVMOption(IdleHeap.FLAG, before);
        }
    }
}
