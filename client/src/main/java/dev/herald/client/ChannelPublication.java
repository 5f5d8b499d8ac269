package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A message published to a channel ({@code send-to-channel}, {@code push-data-update-channel}).
 *
 * @param channel the channel
 * @param offset  the publication's position in the channel's history (what subscribers pass as
 *                {@code since} to catch up)
 */
public record ChannelPublication(@JsonProperty("channel") String channel, @JsonProperty("offset") long offset) {}
