package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.HeraldClient;
import dev.herald.client.HeraldException;
import dev.herald.client.testing.HeraldProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configured client against a real Herald server (server/target/herald.jar, started by the client's test fixture). */
class HeraldServerTest {
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

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
                .withPropertyValues("herald.base-url=" + herald.baseUrl());
    }

    @Test
    void theAutoConfiguredClientCallsHerald() {
        runner().withPropertyValues("herald.api-key=" + HeraldProcess.API_KEY)
                .run(context -> assertThat(context.getBean(HeraldClient.class).onlineCount()).isZero());
    }

    @Test
    void theApiKeyPropertyIsWhatTheClientSends() {
        runner().withPropertyValues("herald.api-key=not-a-key-of-this-server")
                .run(context -> {
                    HeraldException e = catchThrowableOfType(HeraldException.class,
                            () -> context.getBean(HeraldClient.class).onlineCount());
                    assertThat(e.status()).isEqualTo(401);
                });
    }
}
