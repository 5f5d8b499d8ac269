package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.auth.Principal;
import dev.herald.protocol.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One HTTP API call, after routing and authentication. {@code principal} is null on public routes.
 */
public record Request(
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> pathParams,
        byte[] body,
        Principal principal) {

    /** The body as a JSON object (an empty body counts as {}); 400 when it is not one. */
    public JsonBody json() {
        if (body.length == 0) {
            return new JsonBody(Json.MAPPER.createObjectNode());
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ApiException(400, "the request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object");
        }
        return new JsonBody((ObjectNode) root);
    }

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }
}
