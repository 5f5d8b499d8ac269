package dev.herald.spring;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * One webhook from Herald whose signature checked out, published by the webhook endpoint
 * ({@code herald.webhook.path}) to the application's {@code @EventListener} methods before the
 * endpoint answers. A listener that throws makes the endpoint answer 500, so Herald delivers the
 * event again later: delivery is at least once, so dedupe on {@link #getId()}.
 *
 * <pre>{@code
 * @EventListener(condition = "#root.event.type == 'notification.read'")
 * void onRead(HeraldWebhookEvent event) {
 *     long notificationId = event.getData().path("notification_id").asLong();
 * }
 * }</pre>
 */
public class HeraldWebhookEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;

    /** The event's {@code id}. */
    private final String id;
    /** The event's {@code type}. */
    private final String type;
    /** The event's {@code created_at}, or null. */
    private final Instant createdAt;
    /** The event's {@code data}. */
    private final transient JsonNode data;

    /**
     * @param source    the publisher (the webhook endpoint)
     * @param id        the event's unique id
     * @param type      e.g. {@code notification.read}, {@code user.online}
     * @param createdAt when Herald made the event, or null if the body had none that could be read
     * @param data      the event's {@code data} (a missing one is JSON null)
     */
    public HeraldWebhookEvent(Object source, String id, String type, Instant createdAt, JsonNode data) {
        super(source);
        this.id = Objects.requireNonNull(id, "id");
        this.type = Objects.requireNonNull(type, "type");
        this.createdAt = createdAt;
        this.data = Objects.requireNonNull(data, "data");
    }

    /** @return the event's unique id: the same on every delivery attempt of one event */
    public String getId() {
        return id;
    }

    /**
     * @return the event type: {@code notification.delivered}, {@code notification.read},
     *         {@code notification.action}, {@code notification.escalated}, {@code user.online},
     *         {@code user.offline}
     */
    public String getType() {
        return type;
    }

    /** @return when Herald made the event ({@code created_at}), or null if it could not be read */
    public Instant getCreatedAt() {
        return createdAt;
    }

    /** @return the event's {@code data} object (JSON null when absent) */
    public JsonNode getData() {
        return data;
    }

    @Override
    public String toString() {
        return "HeraldWebhookEvent[id=" + id + ", type=" + type + ", createdAt=" + createdAt + ", data=" + data + "]";
    }
}
