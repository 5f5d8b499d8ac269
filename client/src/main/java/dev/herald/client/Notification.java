package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One stored notification of a user's inbox, as Herald shows it (docs/inbox.md, "The record").
 *
 * @param id                its id
 * @param userId            the recipient
 * @param title             the title
 * @param content           the text
 * @param type              {@code info, success, warning, error, task} or {@code system}
 * @param category          {@code system, task, message, reminder} or {@code announcement}
 * @param data              the JSON object sent with it, or null
 * @param actionType        e.g. {@code link}, or null
 * @param actionData        text for the action (a URL for {@code link}), or null
 * @param read              whether the user read it
 * @param readAt            when it was first read, or null
 * @param sentViaWebsocket  whether a client acknowledged its delivery
 * @param sentAt            when it was first acknowledged, or null
 * @param retryCount        how often the retry job pushed it again
 * @param createdAt         when it was stored
 * @param updatedAt         when it last changed
 * @param level             {@code urgent} (pushed) or {@code normal} (stored only)
 * @param archived          whether it is archived (out of the default list and the unread count)
 * @param snoozedUntil      when a snoozed one shows again, or null
 * @param groupKey          the collapsing key it was sent with, or null
 * @param groupCount        how many sends were collapsed into it (1 for an ordinary one)
 * @param actions           the actions it offers (empty for none)
 * @param actionTaken       the action the owner took, or null
 * @param escalateAt        when it is due for its e-mail escalation ({@code escalate_after}), or null
 * @param escalatedAt       when the server claimed it for its escalation e-mail, or null
 */
public record Notification(
        @JsonProperty("id") long id,
        @JsonProperty("user_id") long userId,
        @JsonProperty("title") String title,
        @JsonProperty("content") String content,
        @JsonProperty("type") String type,
        @JsonProperty("category") String category,
        @JsonProperty("data") JsonNode data,
        @JsonProperty("action_type") String actionType,
        @JsonProperty("action_data") String actionData,
        @JsonProperty("is_read") boolean read,
        @JsonProperty("read_at") Instant readAt,
        @JsonProperty("sent_via_websocket") boolean sentViaWebsocket,
        @JsonProperty("sent_at") Instant sentAt,
        @JsonProperty("retry_count") int retryCount,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt,
        @JsonProperty("level") String level,
        @JsonProperty("archived") boolean archived,
        @JsonProperty("snoozed_until") Instant snoozedUntil,
        @JsonProperty("group_key") String groupKey,
        @JsonProperty("group_count") int groupCount,
        @JsonProperty("actions") List<NotificationAction> actions,
        @JsonProperty("action_taken") ActionTaken actionTaken,
        @JsonProperty("escalate_at") Instant escalateAt,
        @JsonProperty("escalated_at") Instant escalatedAt) {
    /**
     * Normalizes what was read: lists and maps are copied (unmodifiable), JSON {@code null} becomes {@code null} or empty.
     *
     * @param id see the record description
     * @param userId see the record description
     * @param title see the record description
     * @param content see the record description
     * @param type see the record description
     * @param category see the record description
     * @param data see the record description
     * @param actionType see the record description
     * @param actionData see the record description
     * @param read see the record description
     * @param readAt see the record description
     * @param sentViaWebsocket see the record description
     * @param sentAt see the record description
     * @param retryCount see the record description
     * @param createdAt see the record description
     * @param updatedAt see the record description
     * @param level see the record description
     * @param archived see the record description
     * @param snoozedUntil see the record description
     * @param groupKey see the record description
     * @param groupCount see the record description
     * @param actions see the record description
     * @param actionTaken see the record description
     * @param escalateAt see the record description
     * @param escalatedAt see the record description
     */
    public Notification {
        data = data == null || data.isNull() ? null : data;
        actions = actions == null ? List.of() : List.copyOf(actions);
        groupCount = Math.max(1, groupCount);
    }
}
