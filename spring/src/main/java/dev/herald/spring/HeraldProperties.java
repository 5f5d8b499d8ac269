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

    public URI getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Webhook getWebhook() {
        return webhook;
    }

    /** The {@code herald.webhook.*} settings: the endpoint Herald POSTs its events to. */
    public static class Webhook {

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

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public Duration getTolerance() {
            return tolerance;
        }

        public void setTolerance(Duration tolerance) {
            this.tolerance = tolerance;
        }
    }
}
