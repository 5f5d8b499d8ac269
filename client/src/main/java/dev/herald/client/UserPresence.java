package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether a user was online: the reply of {@code check-online} and of {@code send-to-user} (where
 * it says whether the push reached a connection).
 *
 * @param userId the user
 * @param online whether the user had an open connection
 */
public record UserPresence(@JsonProperty("user_id") long userId, @JsonProperty("is_online") boolean online) {}
