package dev.herald.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.client.HeraldClient;
import dev.herald.client.HeraldException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The conditions and property binding of {@link HeraldAutoConfiguration}, without a server. */
class HeraldAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class, HeraldWebhookAutoConfiguration.class));

    @Test
    void noBaseUrlMeansNoClientAndTheContextStillStarts() {
        runner.withPropertyValues("herald.api-key=k").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(HeraldClient.class);
            assertThat(context).hasSingleBean(HeraldProperties.class);
        });
    }

    @Test
    void baseUrlAndApiKeyMakeOneClient() {
        runner.withPropertyValues("herald.base-url=http://127.0.0.1:8080", "herald.api-key=k")
                .run(context -> assertThat(context).hasSingleBean(HeraldClient.class));
    }

    @Test
    void everyPropertyIsBound() {
        runner.withPropertyValues(
                        "herald.base-url=https://example.com/herald",
                        "herald.api-key=secret-key",
                        "herald.connect-timeout=750ms",
                        "herald.request-timeout=3s",
                        "herald.webhook.path=/hooks/herald",
                        "herald.webhook.secret=whsec",
                        "herald.webhook.tolerance=1m")
                .run(context -> {
                    HeraldProperties p = context.getBean(HeraldProperties.class);
                    assertThat(p.getBaseUrl()).isEqualTo(URI.create("https://example.com/herald"));
                    assertThat(p.getApiKey()).isEqualTo("secret-key");
                    assertThat(p.getConnectTimeout()).isEqualTo(Duration.ofMillis(750));
                    assertThat(p.getRequestTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(p.getWebhook().getPath()).isEqualTo("/hooks/herald");
                    assertThat(p.getWebhook().getSecret()).isEqualTo("whsec");
                    assertThat(p.getWebhook().getTolerance()).isEqualTo(Duration.ofMinutes(1));
                });
    }

    @Test
    void defaults() {
        runner.run(context -> {
            HeraldProperties p = context.getBean(HeraldProperties.class);
            assertThat(p.getConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.getRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.getWebhook().getTolerance()).isEqualTo(Duration.ofMinutes(5));
        });
    }

    @Test
    void baseUrlWithoutApiKeyFailsNamingTheProperty() {
        runner.withPropertyValues("herald.base-url=http://127.0.0.1:8080").run(context -> {
            assertThat(context).hasFailed();
            InvalidConfigurationPropertyValueException e = rootCause(context.getStartupFailure(),
                    InvalidConfigurationPropertyValueException.class);
            assertThat(e.getName()).isEqualTo("herald.api-key");
            assertThat(e.getReason()).contains("API key");
        });
    }

    @Test
    void aBaseUrlTheClientRefusesFailsNamingTheProperty() {
        runner.withPropertyValues("herald.base-url=ftp://example.com", "herald.api-key=k").run(context -> {
            assertThat(context).hasFailed();
            InvalidConfigurationPropertyValueException e = rootCause(context.getStartupFailure(),
                    InvalidConfigurationPropertyValueException.class);
            assertThat(e.getName()).isEqualTo("herald.base-url");
            assertThat(e.getReason()).contains("http(s)");
        });
    }

    @Test
    void anEmptyBaseUrlFailsNamingTheProperty() {
        runner.withPropertyValues("herald.base-url=", "herald.api-key=k").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class).getName())
                    .isEqualTo("herald.base-url");
        });
    }

    @Test
    void aZeroTimeoutFailsNamingTheProperty() {
        runner.withPropertyValues("herald.base-url=http://127.0.0.1:8080", "herald.api-key=k", "herald.request-timeout=0s")
                .run(context -> assertThat(rootCause(context.getStartupFailure(),
                        InvalidConfigurationPropertyValueException.class).getName()).isEqualTo("herald.request-timeout"));
    }

    @Test
    void theApplicationsOwnClientWins() {
        runner.withUserConfiguration(OwnClient.class)
                .withPropertyValues("herald.base-url=http://127.0.0.1:8080", "herald.api-key=k")
                .run(context -> {
                    assertThat(context).hasSingleBean(HeraldClient.class);
                    assertThat(context.getBean(HeraldClient.class)).isSameAs(context.getBean(OwnClient.class).client);
                });
    }

    @Test
    void customizersRunInOrderOnTheBuilder() {
        runner.withUserConfiguration(Customizers.class)
                .withPropertyValues("herald.base-url=http://127.0.0.1:8080", "herald.api-key=k")
                .run(context -> {
                    assertThat(context).hasSingleBean(HeraldClient.class);
                    assertThat(context.getBean(Customizers.class).calls).containsExactly("first", "second");
                });
    }

    @Test
    void withoutTheClientOnTheClasspathNothingIsConfigured() {
        runner.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(HeraldClient.class))
                .withPropertyValues("herald.base-url=http://127.0.0.1:8080", "herald.api-key=k")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(HeraldProperties.class);
                    assertThat(context).doesNotHaveBean("heraldClient");
                });
    }

    /** herald.request-timeout reaches the client: a server that never answers fails the call after about that long. */
    @Test
    void theRequestTimeoutPropertyReachesTheClient() throws IOException {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            runner.withPropertyValues("herald.base-url=http://127.0.0.1:" + silent.getLocalPort(),
                            "herald.api-key=k", "herald.request-timeout=300ms")
                    .run(context -> {
                        HeraldClient client = context.getBean(HeraldClient.class);
                        long start = System.nanoTime();
                        HeraldException e = catchThrowableOfType(HeraldException.class, client::onlineCount);
                        Duration took = Duration.ofNanos(System.nanoTime() - start);
                        assertThat(e.isTimeout()).isTrue();
                        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(5));
                    });
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void bothAutoConfigurationsAreRegistered() {
        List<String> names = new ArrayList<>();
        ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).forEach(names::add);
        assertThat(names).contains(HeraldAutoConfiguration.class.getName(), HeraldWebhookAutoConfiguration.class.getName());
    }

    /** The configuration processor's output: every herald.* property, each with its Javadoc as description. */
    @Test
    void configurationMetadataDescribesEveryProperty() throws IOException {
        JsonNode metadata;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode p : metadata.get("properties")) {
            names.add(p.get("name").asText());
            assertThat(p.path("description").asText()).as(p.get("name").asText()).isNotBlank();
        }
        assertThat(names).containsExactlyInAnyOrder("herald.base-url", "herald.api-key", "herald.connect-timeout",
                "herald.request-timeout", "herald.webhook.path", "herald.webhook.secret", "herald.webhook.tolerance");
    }

    static <T extends Throwable> T rootCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        final HeraldClient client = HeraldClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:9999")).apiKey("mine").build();

        @Bean
        HeraldClient myHeraldClient() {
            return client;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Bean
        @Order(2)
        HeraldClientCustomizer second() {
            return builder -> calls.add("second");
        }

        @Bean
        @Order(1)
        HeraldClientCustomizer first() {
            return builder -> {
                calls.add("first");
                builder.maxRetries(5).retryBackoff(Duration.ofMillis(250)); // as docs/java.md shows
            };
        }
    }
}
