package dev.herald.spring;

import static dev.herald.spring.HeraldAutoConfigurationTest.rootCause;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.function.RouterFunction;

/** When the webhook endpoint is configured, and how it fails when half-configured. */
class HeraldWebhookAutoConfigurationTest {
    private static final String ROUTE = "heraldWebhookRouterFunction";

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class, HeraldWebhookAutoConfiguration.class));

    @Test
    void pathAndSecretServeTheEndpointWithoutNeedingTheClient() {
        web.withPropertyValues("herald.webhook.path=/herald/webhook", "herald.webhook.secret=s").run(context -> {
            assertThat(context).hasBean(ROUTE);
            assertThat(context).doesNotHaveBean(dev.herald.client.HeraldClient.class);
        });
    }

    @Test
    void noPathNoEndpoint() {
        web.withPropertyValues("herald.webhook.secret=s").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ROUTE);
        });
    }

    @Test
    void aPathWithoutSecretFailsNamingTheSecret() {
        web.withPropertyValues("herald.webhook.path=/herald/webhook").run(context -> {
            InvalidConfigurationPropertyValueException e = rootCause(context.getStartupFailure(),
                    InvalidConfigurationPropertyValueException.class);
            assertThat(e.getName()).isEqualTo("herald.webhook.secret");
            assertThat(e.getReason()).contains("webhooks.secret");
        });
    }

    @Test
    void aRelativePathFailsNamingThePath() {
        web.withPropertyValues("herald.webhook.path=herald/webhook", "herald.webhook.secret=s").run(context ->
                assertThat(rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class).getName())
                        .isEqualTo("herald.webhook.path"));
    }

    @Test
    void withoutSpringMvcThereIsNoEndpoint() {
        web.withClassLoader(new FilteredClassLoader(RouterFunction.class))
                .withPropertyValues("herald.webhook.path=/herald/webhook", "herald.webhook.secret=s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ROUTE);
                });
    }

    @Test
    void notAWebApplicationNoEndpoint() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class, HeraldWebhookAutoConfiguration.class))
                .withPropertyValues("herald.webhook.path=/herald/webhook", "herald.webhook.secret=s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ROUTE);
                });
    }
}
