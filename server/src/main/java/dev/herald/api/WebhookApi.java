package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Router.Access;
import dev.herald.protocol.Json;
import dev.herald.webhooks.Webhooks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Admin view of the webhook outbox (docs/webhooks.md): the events that used up their attempts, and
 * sending them again. 409 when webhooks are not configured.
 */
public final class WebhookApi {
    private static final String BASE = "/admin/webhooks";
    private static final int IDS_MAX = 1000;

    private final Optional<Webhooks> webhooks;

    public WebhookApi(Optional<Webhooks> webhooks) {
        this.webhooks = webhooks;
    }

    public void register(Router r) {
        r.get(BASE + "/failed", Access.ADMIN, this::failed);
        r.post(BASE + "/replay", Access.ADMIN, this::replay);
    }

    private Webhooks webhooks() {
        return webhooks.orElseThrow(() -> new ApiException(409, "webhooks are not configured (webhooks.url)"));
    }

    private CompletionStage<Reply> failed(Request req) {
        int limit = 100;
        String raw = req.param("limit");
        if (raw != null && !raw.isEmpty()) {
            try {
                limit = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw new ApiException(422, "validation failed", Map.of("limit", "must be a whole number from 1 to 1000"));
            }
        }
        return webhooks().failed(limit).thenApply(list -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Webhooks.FailedEvent f : list) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", f.id());
                m.put("type", f.type());
                m.put("attempts", f.attempts());
                m.put("last_error", f.lastError());
                m.put("created_at", f.createdAt().toString());
                m.put("event", parse(f.event()));
                out.add(m);
            }
            return Reply.ok(Map.of("count", out.size(), "list", out));
        });
    }

    private static JsonNode parse(String event) {
        try {
            return Json.MAPPER.readTree(event);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(event);
        }
    }

    private CompletionStage<Reply> replay(Request req) {
        JsonBody b = req.json();
        List<String> ids = new ArrayList<>();
        JsonNode node = b.value("ids");
        if (node != null && !node.isNull()) {
            if (!node.isArray() || node.size() > IDS_MAX) {
                b.error("ids", "must be an array of at most " + IDS_MAX + " event ids");
            } else {
                for (JsonNode id : node) {
                    if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > 64) {
                        b.error("ids", "must hold event ids (strings of 1-64 characters)");
                        break;
                    }
                    ids.add(id.asText());
                }
            }
        }
        b.validate();
        return webhooks().replay(ids).thenApply(n -> Reply.ok(Map.of("count", n)));
    }
}
