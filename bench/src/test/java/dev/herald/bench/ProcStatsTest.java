package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {
    static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            VmPeak:\t 9017288 kB
            VmSize:\t 9017288 kB
            VmHWM:\t  268164 kB
            VmRSS:\t  267420 kB
            RssAnon:\t  242520 kB
            Threads:\t41
            """;

    // pid (comm) state ppid ... field 14 utime = 1234, field 15 stime = 567, field 20 threads = 41
    static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 53416 0 4 0 1234 567 0 0 20 0 41 0 "
            + "329611 9233702912 66855 18446744073709551615 1 1 0 0 0 0 0 3 16800972 0 0 0 17 1 0 0 0 0 0\n";

    @Test
    void rss_isReadFromVmRssLine() {
        assertThat(ProcStats.parseRssKb(STATUS)).isEqualTo(267420);
    }

    @Test
    void rss_missingLine_isMinusOne() {
        assertThat(ProcStats.parseRssKb("Name:\tzombie\n")).isEqualTo(-1);
    }

    @Test
    void cpuTicks_areUtimePlusStime() {
        assertThat(ProcStats.parseCpuTicks(STAT)).isEqualTo(1234 + 567);
        assertThat(ProcStats.parseThreads(STAT)).isEqualTo(41);
    }

    @Test
    void cpuTicks_commWithSpacesAndParens_isSkipped() {
        String odd = STAT.replace("(java)", "(we ird) (name)");
        assertThat(ProcStats.parseCpuTicks(odd)).isEqualTo(1801);
    }

    @Test
    void ownProcess_isReadable() {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcStats.rssKb(pid)).isPositive();
        assertThat(ProcStats.cpuTicks(pid)).isPositive();
        assertThat(ProcStats.clockTicksPerSecond()).isPositive();
    }
}
