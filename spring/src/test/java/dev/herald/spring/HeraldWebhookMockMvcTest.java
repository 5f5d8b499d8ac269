package dev.herald.spring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.herald.client.Webhooks;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The endpoint through MockMvc, signed with the client's {@code Webhooks.sign}, as docs/java.md shows for testing listeners. */
class HeraldWebhookMockMvcTest {
    static final String SECRET = "whsec-mockmvc";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
                    DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
                    HeraldAutoConfiguration.class, HeraldWebhookAutoConfiguration.class))
            .withUserConfiguration(Listening.class)
            .withPropertyValues("herald.webhook.path=/herald/webhook", "herald.webhook.secret=" + SECRET);

    @Test
    void theDocumentedTestOfAListener() {
        runner.run(context -> {
            MockMvc mockMvc = MockMvcBuilders.webAppContextSetup(context).build();
            String body = "{\"id\":\"evt_1\",\"type\":\"user.online\",\"created_at\":\"2026-12-06T10:15:30Z\",\"data\":{\"user_id\":7}}";
            mockMvc.perform(post("/herald/webhook").contentType(MediaType.APPLICATION_JSON).content(body)
                            .header(Webhooks.HEADER, Webhooks.sign(SECRET, Instant.now().getEpochSecond(), body.getBytes(UTF_8))))
                    .andExpect(status().isNoContent());
            List<HeraldWebhookEvent> events = context.getBean(Listening.class).events;
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo("user.online");
                assertThat(e.getCreatedAt()).isEqualTo(Instant.parse("2026-12-06T10:15:30Z"));
                assertThat(e.getData().path("user_id").asLong()).isEqualTo(7);
            });
        });
    }

    @Test
    void aTimestampGivenAsEpochSecondsIsReadToo() {
        runner.run(context -> {
            MockMvc mockMvc = MockMvcBuilders.webAppContextSetup(context).build();
            String body = "{\"id\":17,\"type\":\"user.offline\",\"created_at\":1733480000}";
            mockMvc.perform(post("/herald/webhook").content(body)
                            .header(Webhooks.HEADER, Webhooks.sign(SECRET, Instant.now().getEpochSecond(), body.getBytes(UTF_8))))
                    .andExpect(status().isNoContent());
            assertThat(context.getBean(Listening.class).events).singleElement().satisfies(e -> {
                assertThat(e.getId()).isEqualTo("17");
                assertThat(e.getCreatedAt()).isEqualTo(Instant.ofEpochSecond(1733480000));
                assertThat(e.getData().isNull()).isTrue();
            });
        });
    }

    @Test
    void aBodyOverTheLimitIs413BeforeTheSignatureIsEvenChecked() {
        runner.run(context -> {
            MockMvc mockMvc = MockMvcBuilders.webAppContextSetup(context).build();
            byte[] big = new byte[HeraldWebhookHandler.MAX_BODY_BYTES + 1];
            java.util.Arrays.fill(big, (byte) ' ');
            mockMvc.perform(post("/herald/webhook").content(big)
                            .header(Webhooks.HEADER, Webhooks.sign(SECRET, Instant.now().getEpochSecond(), big)))
                    .andExpect(status().isPayloadTooLarge());
            assertThat(context.getBean(Listening.class).events).isEmpty();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Listening {
        final List<HeraldWebhookEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(HeraldWebhookEvent event) {
            events.add(event);
        }
    }
}
