package dev.herald.inbox;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a send stores for each recipient. The store checks only what its columns require
 * (lengths, presence); the API validates the allowed {@code type} and {@code category} values
 * and the content limit before it gets here.
 *
 * @param title 1–{@value InboxLimits#TITLE_MAX} characters, not blank
 * @param content the body, may be empty, never null
 * @param type e.g. {@code info}, 1–{@value InboxLimits#CODE_MAX} characters
 * @param category e.g. {@code system}, 1–{@value InboxLimits#CODE_MAX} characters
 * @param data extra JSON, or null for none (a JSON {@code null} literal is stored as none)
 * @param actionType at most {@value InboxLimits#ACTION_TYPE_MAX} characters, or null
 * @param actionData free text for the action (often a URL or JSON), or null
 * @param level {@code urgent} (store and push) or {@code normal} (store only, never pushed)
 */
public record NewNotification(
        String title,
        String content,
        String type,
        String category,
        JsonNode data,
        String actionType,
        String actionData,
        String level) {

    public NewNotification {
        requireNonNull(title, "title");
        requireNonNull(content, "content");
        requireNonNull(type, "type");
        requireNonNull(category, "category");
        if (title.isBlank() || title.length() > InboxLimits.TITLE_MAX) {
            throw new IllegalArgumentException("title must be 1-" + InboxLimits.TITLE_MAX + " characters and not blank");
        }
        checkCode("type", type, false);
        checkCode("category", category, false);
        checkCode("actionType", actionType, true);
        requireNonNull(level, "level");
        if (!InboxLimits.LEVELS.contains(level)) {
            throw new IllegalArgumentException("level must be one of " + InboxLimits.LEVELS + ": " + level);
        }
        if (data != null && (data.isNull() || data.isMissingNode())) {
            data = null;
        }
    }

    /** An urgent notification (store and push). */
    public NewNotification(String title, String content, String type, String category, JsonNode data,
                           String actionType, String actionData) {
        this(title, content, type, category, data, actionType, actionData, InboxLimits.URGENT);
    }

    /** The same notification at {@code level} ({@code urgent} or {@code normal}). */
    public NewNotification withLevel(String level) {
        return new NewNotification(title, content, type, category, data, actionType, actionData, level);
    }

    /** Whether it is pushed: {@code urgent}; {@code normal} is store only. */
    public boolean pushed() {
        return InboxLimits.URGENT.equals(level);
    }

    /** A notification with no extra data and no action. */
    public static NewNotification of(String title, String content, String type, String category) {
        return new NewNotification(title, content, type, category, null, null, null);
    }

    private static void checkCode(String field, String value, boolean nullable) {
        if (value == null) {
            if (!nullable) {
                throw new IllegalArgumentException(field + " is required");
            }
            return;
        }
        if (value.isEmpty() || value.length() > InboxLimits.CODE_MAX) {
            throw new IllegalArgumentException(field + " must be 1-" + InboxLimits.CODE_MAX + " characters");
        }
    }
}
