package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * An action a notification offers (docs/inbox.md "Actions"): a button the owner takes with
 * {@link Inbox#takeAction(long, String)}. At most three per notification.
 *
 * @param id    1 to 32 characters, distinct within the notification
 * @param label the button's text, 1 to 64 characters
 * @param url   an http(s) URL or a path starting with {@code /}, or null
 * @param style {@code primary} or {@code secondary}, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationAction(
        @JsonProperty("id") String id,
        @JsonProperty("label") String label,
        @JsonProperty("url") String url,
        @JsonProperty("style") String style) {
    /**
     * Checks the required parts.
     *
     * @param id see the record description
     * @param label see the record description
     * @param url see the record description
     * @param style see the record description
     */
    public NotificationAction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
    }

    /**
     * @param id the action's id
     * @param label its text
     * @return an action without URL or style
     */
    public static NotificationAction of(String id, String label) {
        return new NotificationAction(id, label, null, null);
    }
}
