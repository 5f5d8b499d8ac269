package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.testing.HeraldProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How Herald's error envelopes become {@link HeraldException}s. */
class ErrorsTest {
    static HeraldProcess herald;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
    }

    @AfterAll
    static void stop() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void aWrongApiKeyIs401() {
        HeraldClient wrong = HeraldClient.builder().baseUrl(herald.baseUrl()).apiKey("not-the-key-at-all").build();
        HeraldException e = catchThrowableOfType(HeraldException.class, wrong::onlineCount);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.code()).isEqualTo(401);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.fieldErrors()).isEmpty();
        assertThat(e.isTimeout()).isFalse();
    }
}
