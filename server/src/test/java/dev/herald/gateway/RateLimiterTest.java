package dev.herald.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void burstUpToTheLimit_isAllowedThenRefused() {
        RateLimiter r = new RateLimiter(RateLimiter.perMinute(60), 10, 0);
        for (int i = 0; i < 60; i++) {
            assertThat(r.tryAcquire(0)).as("frame %d", i).isTrue();
        }
        assertThat(r.tryAcquire(0)).isFalse();
        assertThat(r.abusive()).isFalse();
    }

    @Test
    void refusalsPastTheGrace_areAbuse() {
        RateLimiter r = new RateLimiter(RateLimiter.perMinute(5), 3, 0);
        for (int i = 0; i < 5; i++) {
            r.tryAcquire(0);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(r.tryAcquire(0)).isFalse();
            assertThat(r.abusive()).as("refusal %d is within the grace", i + 1).isFalse();
        }
        assertThat(r.tryAcquire(0)).isFalse();
        assertThat(r.abusive()).isTrue();
    }

    @Test
    void tokensRefillEvenlyOverTheMinute() {
        RateLimiter r = new RateLimiter(RateLimiter.perMinute(60), 10, 0);
        for (int i = 0; i < 60; i++) {
            r.tryAcquire(0);
        }
        assertThat(r.tryAcquire(SECOND / 2)).isFalse();
        assertThat(r.tryAcquire(SECOND)).isTrue();
        assertThat(r.tryAcquire(SECOND)).isFalse();
        assertThat(r.tryAcquire(4 * SECOND)).isTrue();
        assertThat(r.tryAcquire(4 * SECOND)).isTrue();
        assertThat(r.tryAcquire(4 * SECOND)).isTrue();
        assertThat(r.tryAcquire(4 * SECOND)).isFalse();
    }

    @Test
    void refillNeverExceedsTheCapacity() {
        RateLimiter r = new RateLimiter(RateLimiter.perMinute(10), 0, 0);
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (r.tryAcquire(3600 * SECOND)) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(10);
    }

    @Test
    void anAcceptedFrame_resetsTheAbuseCount() {
        RateLimiter r = new RateLimiter(RateLimiter.perMinute(60), 2, 0);
        for (int i = 0; i < 60; i++) {
            r.tryAcquire(0);
        }
        r.tryAcquire(0);
        r.tryAcquire(0);
        assertThat(r.tryAcquire(SECOND)).isTrue();
        assertThat(r.tryAcquire(SECOND)).isFalse();
        assertThat(r.tryAcquire(SECOND)).isFalse();
        assertThat(r.abusive()).isFalse();
    }

    @Test
    void aSteadyClientAtTheLimit_isNeverRefused() {
        RateLimiter r = new RateLimiter(RateLimiter.perMinute(60), 0, 0);
        for (int i = 0; i < 600; i++) {
            assertThat(r.tryAcquire(i * SECOND)).isTrue();
        }
    }
}
