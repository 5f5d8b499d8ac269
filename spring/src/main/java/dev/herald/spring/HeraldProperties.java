package dev.herald.spring;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code herald.*} settings of the starter. {@link HeraldAutoConfiguration} makes a
 * {@link dev.herald.client.HeraldClient} bean once {@code herald.base-url} is set;
 * {@link HeraldWebhookAutoConfiguration} serves the webhook endpoint once
 * {@code herald.webhook.path} is set.
 */
@ConfigurationProperties("herald")
public class HeraldProperties {

    /** Settings with the defaults (nothing on); Spring Boot binds {@code herald.*} onto them. */
    public HeraldProperties() {
    }

    /**
     * Where the Herald server serves its HTTP API, e.g. http://localhost:8080 (a path prefix is
     * kept). Setting it turns the HeraldClient bean on.
     */
    private URI baseUrl;

    /**
     * API key the client authenticates with: one of the server's auth.api-keys (HERALD_API_KEYS).
     * Required when base-url is set.
     */
    private String apiKey;

    /** How long the client waits for a TCP (and TLS) connection to Herald. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** How long one attempt of a call waits for Herald's answer once sent. */
    private Duration requestTimeout = Duration.ofSeconds(10);

    private final Webhook webhook = new Webhook();

    /** @return Herald's base URL, or null when not set */

    public URI getBaseUrl() {
        return baseUrl;
    }

    /** @param baseUrl Herald's base URL */

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** @return the API key, or null when not set */

    public String getApiKey() {
        return apiKey;
    }

    /** @param apiKey the API key */

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    /** @return the connect timeout */

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /** @param connectTimeout the connect timeout */

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** @return the request timeout */

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    /** @param requestTimeout the request timeout */

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** @return the {@code herald.webhook.*} settings */

    public Webhook getWebhook() {
        return webhook;
    }

    /** The {@code herald.webhook.*} settings: the endpoint Herald POSTs its events to. */
    public static class Webhook {

        /** Settings with the defaults (no endpoint). */
        public Webhook() {
        }

        /**
         * Path of the endpoint (Spring MVC) that receives Herald's webhooks, e.g. /herald/webhook;
         * the server's webhooks.url points at it. Setting it turns the endpoint on; secret is then
         * required.
         */
        private String path;

        /**
         * Secret that Herald signs webhooks with: the server's webhooks.secret
         * (HERALD_WEBHOOK_SECRET). A request whose Herald-Signature does not match it is answered 401.
         */
        private String secret;

        /**
         * How far the signature's timestamp may be from this machine's clock before the request is
         * refused as a replay.
         */
        private Duration tolerance = Duration.ofMinutes(5);

        /** @return the endpoint's path, or null when the endpoint is off */

        public String getPath() {
            return path;
        }

        /** @param path the endpoint's path */

        public void setPath(String path) {
            this.path = path;
        }

        /** @return the webhook secret, or null when not set */

        public String getSecret() {
            return secret;
        }

        /** @param secret the webhook secret */

        public void setSecret(String secret) {
            this.secret = secret;
        }

        /** @return the allowed clock difference for a signature's timestamp */

        public Duration getTolerance() {
            return tolerance;
        }

        /** @param tolerance the allowed clock difference for a signature's timestamp */

        public void setTolerance(Duration tolerance) {
            this.tolerance = tolerance;
        }
    }
}
