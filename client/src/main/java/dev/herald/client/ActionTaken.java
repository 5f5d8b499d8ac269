package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The action the owner took on a notification.
 *
 * @param id the action's id
 * @param at when it was taken
 */
public record ActionTaken(@JsonProperty("id") String id, @JsonProperty("at") Instant at) {}
