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
 * @param groupKey collapsing key, 1–{@value InboxLimits#GROUP_KEY_MAX} characters, or null for none
 * @param groupWindowSeconds how long a group collapses, 1–{@value InboxLimits#GROUP_WINDOW_MAX} seconds
 * @param actions JSON array of offered actions (checked by the API, see {@link InboxLimits#ACTIONS_MAX}), or null
 * @param force store and push for every recipient regardless of their preferences (admin)
 * @param escalateAfterSeconds 0 for none, else {@value InboxLimits#ESCALATE_AFTER_MIN}–{@value InboxLimits#ESCALATE_AFTER_MAX}:
 *        one email to the recipient if still unread that long after it was stored (docs/inbox.md)
 */
public record NewNotification(
        String title,
        String content,
        String type,
        String category,
        JsonNode data,
        String actionType,
        String actionData,
        String level,
        String groupKey,
        int groupWindowSeconds,
        JsonNode actions,
        boolean force,
        int escalateAfterSeconds) {

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
        if (groupKey != null && (groupKey.isEmpty() || groupKey.length() > InboxLimits.GROUP_KEY_MAX)) {
            throw new IllegalArgumentException("groupKey must be 1-" + InboxLimits.GROUP_KEY_MAX + " characters");
        }
        if (groupWindowSeconds < 1 || groupWindowSeconds > InboxLimits.GROUP_WINDOW_MAX) {
            throw new IllegalArgumentException("groupWindowSeconds must be 1-" + InboxLimits.GROUP_WINDOW_MAX);
        }
        if (actions != null && (actions.isNull() || actions.isMissingNode() || actions.isEmpty())) {
            actions = null;
        }
        if (actions != null && (!actions.isArray() || actions.size() > InboxLimits.ACTIONS_MAX)) {
            throw new IllegalArgumentException("actions must be an array of at most " + InboxLimits.ACTIONS_MAX);
        }
        if (escalateAfterSeconds != 0 && (escalateAfterSeconds < InboxLimits.ESCALATE_AFTER_MIN
                || escalateAfterSeconds > InboxLimits.ESCALATE_AFTER_MAX)) {
            throw new IllegalArgumentException("escalateAfterSeconds must be 0 or " + InboxLimits.ESCALATE_AFTER_MIN
                    + "-" + InboxLimits.ESCALATE_AFTER_MAX);
        }
    }

    /** A notification that never escalates. */
    public NewNotification(String title, String content, String type, String category, JsonNode data,
                           String actionType, String actionData, String level, String groupKey,
                           int groupWindowSeconds, JsonNode actions, boolean force) {
        this(title, content, type, category, data, actionType, actionData, level, groupKey, groupWindowSeconds,
                actions, force, 0);
    }

    /** The same notification, escalating by email after {@code seconds} unread (0: never). */
    public NewNotification withEscalation(int seconds) {
        return new NewNotification(title, content, type, category, data, actionType, actionData, level, groupKey,
                groupWindowSeconds, actions, force, seconds);
    }

    /** A notification at {@code level}, without group or actions. */
    public NewNotification(String title, String content, String type, String category, JsonNode data,
                           String actionType, String actionData, String level) {
        this(title, content, type, category, data, actionType, actionData, level, null,
                InboxLimits.GROUP_WINDOW_DEFAULT, null, false);
    }

    /** The same notification collapsing under {@code key} for {@code windowSeconds}. */
    public NewNotification withGroup(String key, int windowSeconds) {
        return new NewNotification(title, content, type, category, data, actionType, actionData, level, key,
                windowSeconds, actions, force, escalateAfterSeconds);
    }

    /** The same notification offering {@code array} (a JSON array of actions, or null). */
    public NewNotification withActions(JsonNode array) {
        return new NewNotification(title, content, type, category, data, actionType, actionData, level, groupKey,
                groupWindowSeconds, array, force, escalateAfterSeconds);
    }

    /** An urgent notification (store and push). */
    public NewNotification(String title, String content, String type, String category, JsonNode data,
                           String actionType, String actionData) {
        this(title, content, type, category, data, actionType, actionData, InboxLimits.URGENT);
    }

    /** The same notification at {@code level} ({@code urgent} or {@code normal}). */
    public NewNotification withLevel(String level) {
        return new NewNotification(title, content, type, category, data, actionType, actionData, level, groupKey,
                groupWindowSeconds, actions, force, escalateAfterSeconds);
    }

    /** The same notification, ignoring the recipients' preferences when {@code value}. */
    public NewNotification withForce(boolean value) {
        return new NewNotification(title, content, type, category, data, actionType, actionData, level, groupKey,
                groupWindowSeconds, actions, value, escalateAfterSeconds);
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
