package dev.herald.pusher;

import dev.herald.config.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Pusher apps this node serves ({@code pusher.apps}), found by public key (WebSocket
 * {@code /app/{key}}, the HTTP API's {@code auth_key}) or by id (the HTTP API's path). Immutable.
 */
public final class PusherApps {
    private final Map<String, Settings.PusherApp> byKey = new HashMap<>();
    private final Map<String, Settings.PusherApp> byId = new HashMap<>();

    public PusherApps(List<Settings.PusherApp> apps) {
        for (Settings.PusherApp app : apps) {
            byKey.put(app.key(), app);
            byId.put(app.id(), app);
        }
    }

    public boolean enabled() {
        return !byKey.isEmpty();
    }

    public Optional<Settings.PusherApp> byKey(String key) {
        return Optional.ofNullable(key == null ? null : byKey.get(key));
    }

    public Optional<Settings.PusherApp> byId(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }
}
