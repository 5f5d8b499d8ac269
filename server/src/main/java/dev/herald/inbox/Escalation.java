package dev.herald.inbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A notification the escalation job claimed (its {@code escalated_at} is recorded) and must now
 * mail once to {@code email}.
 *
 * @param actionData the notification's action text (often a URL), or null
 * @param actions its offered actions (JSON array) or null
 */
public record Escalation(long id, long userId, String email, String title, String content, String actionData,
                         JsonNode actions) {}
