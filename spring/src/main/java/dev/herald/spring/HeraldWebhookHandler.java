package dev.herald.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.herald.client.Webhooks;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The webhook endpoint: reads the raw body (413 over {@link #MAX_BODY_BYTES}), checks
 * {@code Herald-Signature} against it with
 * {@link Webhooks#verify(String, String, byte[], Duration, java.time.Instant)} (401 when it does not
 * match or is older than the tolerance), reads the {@code {id, type, created_at, data}} body (400
 * when it is not one), publishes a {@link HeraldWebhookEvent} to the application's listeners and
 * answers 204 once they have run. An exception from a listener propagates (500), so Herald retries
 * the event.
 */
final class HeraldWebhookHandler implements HandlerFunction<ServerResponse> {
    /**
     * The largest body read (before the signature is checked, so an unsigned request cannot make the
     * application buffer more): 4 MiB, well above Herald's events (its own request limit is 1 MiB).
     */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String secret;
    private final Duration tolerance;
    private final Clock clock;
    private final ApplicationEventPublisher publisher;

    HeraldWebhookHandler(String secret, Duration tolerance, Clock clock, ApplicationEventPublisher publisher) {
        this.secret = secret;
        this.tolerance = tolerance;
        this.clock = clock;
        this.publisher = publisher;
    }

    @Override
    public ServerResponse handle(ServerRequest request) throws Exception {
        HttpServletRequest servlet = request.servletRequest();
        if (servlet.getContentLengthLong() > MAX_BODY_BYTES) {
            return text(HttpStatus.PAYLOAD_TOO_LARGE, "body over " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body = servlet.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            return text(HttpStatus.PAYLOAD_TOO_LARGE, "body over " + MAX_BODY_BYTES + " bytes");
        }
        if (!Webhooks.verify(secret, request.headers().firstHeader(Webhooks.HEADER), body, tolerance, clock.instant())) {
            return text(HttpStatus.UNAUTHORIZED, "missing, invalid or expired " + Webhooks.HEADER);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return text(HttpStatus.BAD_REQUEST, "body is not JSON");
        }
        String id = scalar(json, "id");
        String type = scalar(json, "type");
        if (id == null || type == null) {
            return text(HttpStatus.BAD_REQUEST, "body is not a Herald event {id, type, created_at, data}");
        }
        JsonNode data = json.has("data") ? json.get("data") : NullNode.getInstance();
        publisher.publishEvent(new HeraldWebhookEvent(this, id, type, instant(json.get("created_at")), data));
        return ServerResponse.noContent().build();
    }

    private static String scalar(JsonNode json, String field) {
        JsonNode v = json == null ? null : json.get(field);
        return v != null && (v.isTextual() || v.isIntegralNumber()) && !v.asText().isEmpty() ? v.asText() : null;
    }

    /** ISO-8601 text (the API's timestamps, e.g. 2024-05-01T08:30:00.123Z) or epoch seconds. */
    private static Instant instant(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochSecond(v.asLong());
        }
        if (v.isTextual()) {
            try {
                return OffsetDateTime.parse(v.asText()).toInstant();
            } catch (DateTimeException e) {
                return null;
            }
        }
        return null;
    }

    private static ServerResponse text(HttpStatus status, String message) {
        return ServerResponse.status(status).contentType(MediaType.TEXT_PLAIN).body(message);
    }
}
