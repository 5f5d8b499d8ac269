package dev.herald.spring;

import dev.herald.client.HeraldClient;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * A {@link HeraldClient} bean from {@code herald.base-url}, {@code herald.api-key},
 * {@code herald.connect-timeout} and {@code herald.request-timeout}, then every
 * {@link HeraldClientCustomizer}.
 *
 * <p>Without {@code herald.base-url} there is no bean (an injection point for one then fails
 * with Spring Boot's report naming this condition). With {@code herald.base-url} but no
 * {@code herald.api-key}, or with a value the client refuses, the application fails to start
 * with a message naming the property. An application's own {@code HeraldClient} bean replaces
 * this one.
 */
@AutoConfiguration
@ConditionalOnClass(HeraldClient.class)
@EnableConfigurationProperties(HeraldProperties.class)
public class HeraldAutoConfiguration {

    /** Made by Spring Boot's auto-configuration. */
    public HeraldAutoConfiguration() {
    }

    /**
     * @param properties  the bound {@code herald.*} settings
     * @param customizers applied in order after the properties
     * @return the client
     * @throws InvalidConfigurationPropertyValueException when the API key is missing or a value is refused
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "herald", name = "base-url")
    public HeraldClient heraldClient(HeraldProperties properties, ObjectProvider<HeraldClientCustomizer> customizers) {
        HeraldClient.Builder builder = HeraldClient.builder();
        if (properties.getBaseUrl() == null) {
            throw new InvalidConfigurationPropertyValueException("herald.base-url", "",
                    "must be Herald's URL, e.g. http://localhost:8080");
        }
        try {
            builder.baseUrl(properties.getBaseUrl());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException("herald.base-url", properties.getBaseUrl(), e.getMessage());
        }
        String apiKey = properties.getApiKey();
        if (apiKey == null || apiKey.isBlank()) {
            throw new InvalidConfigurationPropertyValueException("herald.api-key", apiKey,
                    "Herald needs an API key (one of the server's auth.api-keys) when herald.base-url is set");
        }
        builder.apiKey(apiKey);
        builder.connectTimeout(positive("herald.connect-timeout", properties.getConnectTimeout()));
        builder.requestTimeout(positive("herald.request-timeout", properties.getRequestTimeout()));
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    private static Duration positive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidConfigurationPropertyValueException(name, value, "must be a positive duration, e.g. 5s");
        }
        return value;
    }
}
