package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.herald.client.HeraldClient;
import dev.herald.client.HeraldException;
import dev.herald.client.NewNotification;
import dev.herald.client.Notification;
import dev.herald.client.SendResult;
import java.util.List;
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

    /**
     * A send and a read-back through the bean: the client's records (with Instant fields) are read
     * with the Jackson that Spring Boot's BOM picks in an application, not the one the client is built with.
     */
    @Test
    void aNotificationSentThroughTheBeanIsReadBack() {
        runner().withPropertyValues("herald.api-key=" + HeraldProcess.API_KEY).run(context -> {
            HeraldClient client = context.getBean(HeraldClient.class);
            SendResult sent = client.notifications().send(NewNotification.builder().userIds(7)
                    .title("Order shipped").content("Order 42 is on its way").type("success").build());
            assertThat(sent.count()).isEqualTo(1);
            assertThat(client.notifications().forUser(7).unreadCount()).isEqualTo(1);
            List<Notification> unread = client.notifications().forUser(7).unread();
            assertThat(unread).singleElement().satisfies(n -> {
                assertThat(n.id()).isEqualTo(sent.ids().get(0));
                assertThat(n.title()).isEqualTo("Order shipped");
                assertThat(n.createdAt()).isNotNull();
            });
        });
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
