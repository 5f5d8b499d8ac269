package dev.herald.spring;

import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The webhook endpoint: {@code POST <herald.webhook.path>} handled by {@link HeraldWebhookHandler},
 * which publishes each correctly signed event as a {@link HeraldWebhookEvent}. Only in a servlet web
 * application with Spring MVC, and only when {@code herald.webhook.path} is set; then
 * {@code herald.webhook.secret} is required (the application fails to start without it).
 */
@AutoConfiguration(after = HeraldAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnProperty(prefix = "herald.webhook", name = "path")
@EnableConfigurationProperties(HeraldProperties.class)
public class HeraldWebhookAutoConfiguration {

    /** Made by Spring Boot's auto-configuration. */
    public HeraldWebhookAutoConfiguration() {
    }

    /**
     * @param properties the bound {@code herald.*} settings
     * @param publisher  where the events go
     * @return {@code POST <herald.webhook.path>} routed to the webhook handler
     * @throws InvalidConfigurationPropertyValueException when the secret is missing or the path or tolerance is refused
     */
    @Bean
    public RouterFunction<ServerResponse> heraldWebhookRouterFunction(HeraldProperties properties,
                                                                      ApplicationEventPublisher publisher) {
        HeraldProperties.Webhook webhook = properties.getWebhook();
        String path = webhook.getPath();
        if (path == null || !path.startsWith("/")) {
            throw new InvalidConfigurationPropertyValueException("herald.webhook.path", path,
                    "must be a path starting with /, e.g. /herald/webhook");
        }
        String secret = webhook.getSecret();
        if (secret == null || secret.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException("herald.webhook.secret", secret,
                    "the webhook endpoint needs the secret Herald signs with (the server's webhooks.secret)"
                            + " when herald.webhook.path is set");
        }
        Duration tolerance = webhook.getTolerance();
        if (tolerance == null || tolerance.isNegative() || tolerance.isZero()) {
            throw new InvalidConfigurationPropertyValueException("herald.webhook.tolerance", tolerance,
                    "must be a positive duration, e.g. 5m");
        }
        HeraldWebhookHandler handler = new HeraldWebhookHandler(secret, tolerance, Clock.systemUTC(), publisher);
        return RouterFunctions.route().POST(path, handler).build();
    }
}
