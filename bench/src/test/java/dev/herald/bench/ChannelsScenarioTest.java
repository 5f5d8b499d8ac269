package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelsScenarioTest {
    @Test
    void subscribers_spreadRoundRobin_sumToN() {
        long sum = 0;
        for (int c = 0; c < 7; c++) {
            sum += ChannelsScenario.subscribers(100, 7, c);
        }
        assertThat(sum).isEqualTo(100);
        assertThat(ChannelsScenario.subscribers(100, 7, 0)).isEqualTo(15);
        assertThat(ChannelsScenario.subscribers(100, 7, 1)).isEqualTo(15);
        assertThat(ChannelsScenario.subscribers(100, 7, 2)).isEqualTo(14);
    }

    @Test
    void publications_cycleThroughChannels() {
        assertThat(ChannelsScenario.channelName(1, 100)).isEqualTo("bench-0");
        assertThat(ChannelsScenario.channelName(100, 100)).isEqualTo("bench-99");
        assertThat(ChannelsScenario.channelName(101, 100)).isEqualTo("bench-0");
    }

    @Test
    void durations_parse() {
        assertThat(Scenario.parseDuration("60s")).isEqualTo(60_000_000_000L);
        assertThat(Scenario.parseDuration("250ms")).isEqualTo(250_000_000L);
        assertThat(Scenario.parseDuration("2m")).isEqualTo(120_000_000_000L);
        assertThat(Scenario.ints("2000, 4000,")).containsExactly(2000, 4000);
    }
}
