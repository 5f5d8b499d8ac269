package dev.herald.spring;

import dev.herald.client.HeraldClient;

/**
 * Adjusts the {@link HeraldClient.Builder} of the auto-configured client after the
 * {@code herald.*} properties are applied, for settings that have no property (e.g.
 * {@code maxRetries}). Every bean of this type is applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * HeraldClientCustomizer noRetries() {
 *     return builder -> builder.maxRetries(0);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HeraldClientCustomizer {

    /** @param builder the builder, with base URL, API key and timeouts already set */
    void customize(HeraldClient.Builder builder);
}
