package dev.herald.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One user's notification preferences (docs/inbox.md "Preferences"): a mode per category and per
 * type — {@code on} (the default, never listed), {@code quiet} (stored and counted, never pushed)
 * or {@code off} (not stored) — the stricter of a notification's two applying, and the e-mail
 * address for escalation.
 *
 * @param categories mode per category that is not {@code on}
 * @param types      mode per type that is not {@code on}
 * @param email      the address, or null
 */
public record NotificationPreferences(
        @JsonProperty("categories") Map<String, String> categories,
        @JsonProperty("types") Map<String, String> types,
        @JsonProperty("email") String email) {
    /**
     * Normalizes what was read: maps are copied (unmodifiable), JSON {@code null} becomes empty.
     *
     * @param categories see the record description
     * @param types see the record description
     * @param email see the record description
     */
    public NotificationPreferences {
        categories = categories == null ? Map.of() : Map.copyOf(categories);
        types = types == null ? Map.of() : Map.copyOf(types);
    }
}
