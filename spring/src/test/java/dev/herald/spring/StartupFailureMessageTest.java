package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.client.HeraldClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.stereotype.Component;

/** What a person sees when an application misses a setting: Spring Boot's failure report names the property. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureMessageTest {

    @Test
    void aMissingApiKeyIsReportedByName(CapturedOutput output) {
        assertThatThrownBy(() -> start("--herald.base-url=http://127.0.0.1:8080")).isInstanceOf(Exception.class);
        assertThat(output).contains("APPLICATION FAILED TO START").contains("herald.api-key").contains("API key");
    }

    @Test
    void aMissingBaseUrlWhereAClientIsInjectedIsReportedByName(CapturedOutput output) {
        assertThatThrownBy(() -> start("--herald.api-key=k")).isInstanceOf(Exception.class);
        assertThat(output).contains("APPLICATION FAILED TO START").contains(HeraldClient.class.getName()).contains("herald.base-url");
    }

    @Test
    void aWebhookPathWithoutSecretIsReportedByName(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
                .run("--server.port=0", "--herald.base-url=http://127.0.0.1:8080", "--herald.api-key=k",
                        "--herald.webhook.path=/herald/webhook"))
                .isInstanceOf(Exception.class);
        assertThat(output).contains("APPLICATION FAILED TO START").contains("herald.webhook.secret");
    }

    private static void start(String... args) {
        new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run(args).close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Component
        static class NeedsHerald {
            NeedsHerald(HeraldClient herald) {
            }
        }
    }
}
