package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key&rarr;shard mapping of {@link RedisShards}: stable, order-free, balanced, and it moves few keys. */
class RedisShardsTest {
    private static final List<String> THREE = List.of("10.0.0.1:6379/0", "10.0.0.2:6379/0", "10.0.0.3:6379/0");
    private static final int KEYS = 10_000;

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            // the kinds of keys there are: user, channel and client topics, jobs
            keys.add(switch (i % 4) {
                case 0 -> "u." + i;
                case 1 -> "c.room-" + i;
                case 2 -> "b." + Integer.toHexString(i * 7919) + "-" + i;
                default -> "job:j" + i;
            });
        }
        return keys;
    }

    @Test
    void mapping_isBalanced_withinFifteenPercent() {
        int[] counts = new int[3];
        for (String k : keys()) {
            counts[RedisShards.pick(THREE, k)]++;
        }
        for (int c : counts) {
            assertThat(c).as("keys per shard %s", java.util.Arrays.toString(counts))
                    .isBetween((int) (KEYS / 3 * 0.85), (int) (KEYS / 3 * 1.15));
        }
    }

    @Test
    void mapping_isStable_andDoesNotDependOnTheOrderOfTheList() {
        List<String> reversed = List.of(THREE.get(2), THREE.get(0), THREE.get(1));
        for (String k : keys()) {
            String shard = THREE.get(RedisShards.pick(THREE, k));
            assertThat(reversed.get(RedisShards.pick(reversed, k))).as(k).isEqualTo(shard);
        }
        // fixed values (also computed by hand, outside Java): the hash is Herald's own (FNV-1a and
        // Murmur3's finaliser), never the JVM's, so a change that would remap every key of a running
        // cluster fails here
        assertThat(List.of("u.1", "u.2", "c.news", "all", "job:notifications.retry", "u.4").stream()
                .map(k -> RedisShards.pick(THREE, k)).toList()).containsExactly(2, 2, 2, 1, 1, 1);
    }

    @Test
    void aFourthShard_takesAboutAQuarter_andMovesNothingElse() {
        List<String> four = new ArrayList<>(THREE);
        four.add("10.0.0.4:6379/0");
        int moved = 0;
        for (String k : keys()) {
            String before = THREE.get(RedisShards.pick(THREE, k));
            String after = four.get(RedisShards.pick(four, k));
            if (!after.equals(before)) {
                assertThat(after).as("a key that moves goes to the new shard").isEqualTo("10.0.0.4:6379/0");
                moved++;
            }
        }
        assertThat(moved).isBetween((int) (KEYS / 4 * 0.85), (int) (KEYS / 4 * 1.15));
    }

    @Test
    void oneShard_holdsEverything() {
        assertThat(RedisShards.pick(List.of("h:6379/0"), "anything")).isZero();
    }
}
