package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.Herald;
import dev.herald.api.Router.Access;
import dev.herald.api.Router.RouteInfo;
import dev.herald.inbox.InboxLimits;
import dev.herald.protocol.ChannelName;
import dev.herald.protocol.Json;
import dev.herald.protocol.Values;
import dev.herald.testing.RawSocket;
import dev.herald.testing.SseClient;
import dev.herald.testing.TestServer;
import dev.herald.testing.TestServer.Response;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} against what the node really serves: it is public, an OpenAPI 3.1
 * document a real parser reads without a message, every route the {@link Router} registers is in it
 * with the same method and access (and every documented operation is a route), {@code /ws} answers
 * each status it documents, its limits are {@link InboxLimits}' own, and real replies of the main
 * operations carry exactly the fields their 200 schema lists (no undocumented field, no required one missing).
 *
 * <p>Adding a route without describing it (or the reverse) fails {@link #theDocumentAndTheRouter_agreeBothWays()}
 * with one line per difference: {@code missing from openapi.json: POST /x (ADMIN)},
 * {@code documented but not routed: GET /y}, {@code access differs: …}.
 */
class OpenApiTest {
    private static final String WS = "/ws";
    private static final String SSE = "/sse";
    /**
     * Paths the transport answers before the router (so no route lists them): each is documented and
     * checked by real requests instead, as {@code /ws} is in {@link #theWebSocketPath_answersEveryStatusItDocuments()}.
     */
    private static final String PUSHER = "/app/{key}";
    private static final Set<String> TRANSPORT_PATHS = Set.of(WS, SSE, PUSHER);
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private static TestServer server;
    private static Response served;
    private static JsonNode doc;

    @BeforeAll
    static void start() {
        // one connection per user, so the /ws check can meet the per-user limit (429)
        server = TestServer.start(Map.of("gateway.max-connections-per-user", "1"));
        served = server.call("GET", OpenApiDocument.PATH, null, null);
        doc = served.json();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void isServedToAnyone_asJson_withTheServersVersion() {
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        assertThat(served.contentType()).startsWith("application/json");
        assertThat(doc.path("openapi").asText()).startsWith("3.1.");
        assertThat(doc.path("info").path("version").asText()).isEqualTo(Herald.VERSION);
        assertThat(doc.path("servers").get(0).path("url").asText()).as("relative, so it works behind a proxy").isEqualTo("/");
        Response again = server.call("GET", OpenApiDocument.PATH, null, null);
        assertThat(again.body()).isEqualTo(served.body());
    }

    @Test
    void aRealOpenApiParser_readsItWithoutAMessage() {
        SwaggerParseResult result = parse(served.body());
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1.");
        assertThat(result.getOpenAPI().getPaths()).hasSize(doc.path("paths").size());
        assertThat(result.getOpenAPI().getComponents().getSecuritySchemes()).containsKeys("apiKey", "userToken");
    }

    @Test
    void theParserCheck_catchesABrokenDocument() {
        ObjectNode broken = doc.deepCopy();
        ObjectNode send = (ObjectNode) broken.path("paths").path("/admin/system/notifications/send").path("post");
        send.remove("responses");
        send.putObject("requestBody").putObject("content").putObject("application/json")
                .putObject("schema").put("$ref", "#/components/schemas/NoSuchSchema");
        assertThat(parse(broken.toString()).getMessages()).isNotEmpty();
    }

    @Test
    void theDocumentAndTheRouter_agreeBothWays() {
        List<RouteInfo> routes = server.herald().routes();
        assertThat(routes).as("the router lists its routes").hasSizeGreaterThan(30);
        assertThat(differences(routes, operations(doc, false)))
                .as("differences between the router and openapi.json (demo mode off)").isEmpty();
    }

    @Test
    void inDemoMode_theDemoOperationsAreRoutesToo() {
        try (TestServer demo = TestServer.start(Map.of("auth.jwt-secret", "", "auth.api-keys", ""))) {
            assertThat(demo.herald().settings().demo()).isTrue();
            JsonNode demoDoc = demo.call("GET", OpenApiDocument.PATH, null, null).json();
            assertThat(differences(demo.herald().routes(), operations(demoDoc, true)))
                    .as("differences between the router and openapi.json (demo mode on)").isEmpty();
        }
    }

    @Test
    void theComparison_namesEachDifference() {
        ObjectNode changed = doc.deepCopy();
        ((ObjectNode) changed.path("paths")).remove("/admin/websocket/broadcast");
        ((ObjectNode) changed.path("paths")).putObject("/admin/websocket/made-up").set("post",
                changed.path("paths").path("/admin/websocket/bind").path("post").deepCopy());
        ((ObjectNode) changed.path("paths").path("/metrics").path("get")).putArray("security");
        assertThat(differences(server.herald().routes(), operations(changed, false))).containsExactlyInAnyOrder(
                "missing from openapi.json: POST /admin/websocket/broadcast (ADMIN)",
                "access differs: GET /metrics: router ADMIN, openapi.json PUBLIC",
                "documented but not routed: POST /admin/websocket/made-up");
    }

    @Test
    void theWebSocketPath_answersEveryStatusItDocuments() {
        JsonNode ws = doc.path("paths").path(WS);
        assertThat(fieldNames(ws)).as("/ws is a GET only").containsExactly("get");
        Set<String> documented = fieldNames(ws.path("get").path("responses"));
        assertThat(ws.path("get").path("security")).as("a token, as a header or ?token=")
                .containsExactlyInAnyOrder(Json.MAPPER.createObjectNode().set("userToken", Json.MAPPER.createArrayNode()),
                        Json.MAPPER.createObjectNode().set("userTokenQuery", Json.MAPPER.createArrayNode()));
        assertThat(server.herald().routes()).as("/ws is the transport's, not a route")
                .noneMatch(r -> r.path().equals(WS));

        Map<String, Integer> seen = new TreeMap<>();
        String token = server.token(41);
        try (RawSocket first = RawSocket.open(server.port())) {
            seen.put("101", first.upgrade(WS + "?token=" + token, Map.of()).status());
            try (RawSocket s = RawSocket.open(server.port())) {
                seen.put("429", s.upgrade(WS + "?token=" + token, Map.of()).status());
            }
        }
        try (RawSocket s = RawSocket.open(server.port())) {
            seen.put("101 (header)", s.upgrade(WS, Map.of("Authorization", "Bearer " + server.token(42))).status());
        }
        seen.put("400", once(s -> s.request("GET", WS + "?token=" + server.token(43), Map.of(), null)));
        try (RawSocket s = RawSocket.open(server.port())) {
            RawSocket.HttpReply noToken = s.upgrade(WS, Map.of());
            seen.put("401", noToken.status());
            assertThat(noToken.json().get("data").isNull()).as("no token: data is null, " + noToken.body()).isTrue();
        }
        seen.put("403", once(s -> s.upgrade(WS + "?user_id=45&token=" + server.token(44), Map.of())));
        seen.put("422", once(s -> s.upgrade(WS + "?user_id=abc&token=" + server.token(46), Map.of())));
        seen.put("426", once(s -> s.upgrade(WS + "?token=" + server.token(47), Map.of("Sec-WebSocket-Version", "8"))));

        Map<String, Integer> expected = new TreeMap<>();
        documented.forEach(code -> expected.put(code, Integer.parseInt(code)));
        expected.put("101 (header)", 101);
        assertThat(seen).as("each documented /ws status, by a real request").isEqualTo(expected);
    }

    @Test
    void theEventStreamPath_answersEveryStatusItDocuments() {
        JsonNode sse = doc.path("paths").path(SSE);
        assertThat(fieldNames(sse)).as("/sse is a GET only").containsExactly("get");
        Set<String> documented = fieldNames(sse.path("get").path("responses"));
        assertThat(server.herald().routes()).as("/sse is the transport's, not a route")
                .noneMatch(r -> r.path().equals(SSE));

        Map<String, Integer> seen = new TreeMap<>();
        String token = server.token(51);
        try (SseClient first = SseClient.open(server.port(), SSE + "?token=" + token, Map.of())) {
            seen.put("200", first.status());
            assertThat(first.header("content-type")).startsWith("text/event-stream");
            first.awaitType("init");
            try (SseClient second = SseClient.open(server.port(), SSE + "?token=" + token, Map.of())) {
                seen.put("429", second.status());
            }
        }
        try (SseClient noToken = SseClient.open(server.port(), SSE, Map.of())) {
            seen.put("401", noToken.status());
        }
        try (SseClient other = SseClient.open(server.port(), SSE + "?user_id=53&token=" + server.token(52), Map.of())) {
            seen.put("403", other.status());
        }
        seen.put("405", once(s -> s.request("POST", SSE + "?token=" + server.token(54), Map.of(), new byte[0])));
        try (SseClient badCursor = SseClient.open(server.port(), SSE + "?token=" + server.token(55),
                Map.of("Last-Event-ID", "no cursor"))) {
            seen.put("422", badCursor.status());
        }

        Map<String, Integer> expected = new TreeMap<>();
        documented.forEach(code -> expected.put(code, Integer.parseInt(code)));
        assertThat(seen).as("each documented /sse status, by a real request").isEqualTo(expected);
    }

    @Test
    void thePusherWebSocketPath_answersWhatItDocuments() throws Exception {
        JsonNode app = doc.path("paths").path(PUSHER);
        assertThat(fieldNames(app)).as("/app/{key} is a GET only").containsExactly("get");
        assertThat(fieldNames(app.path("get").path("responses"))).containsExactlyInAnyOrder("101", "404", "426");
        assertThat(server.herald().routes()).noneMatch(r -> r.path().startsWith("/app/"));
        assertThat(server.call("GET", "/app/some-key?protocol=7", null, null).status()).as("off without pusher.apps").isEqualTo(404);
        try (TestServer on = TestServer.start(Map.of("pusher.apps", "1:k1:secret-0123456789abcdef"))) {
            var client = java.net.http.HttpClient.newHttpClient();
            var ws = client.newWebSocketBuilder().buildAsync(java.net.URI.create("ws://127.0.0.1:" + on.port() + "/app/k1?protocol=7"),
                    new java.net.http.WebSocket.Listener() {}).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ws).as("101 with the protocol on").isNotNull();
            ws.abort();
        }
    }

    @Test
    void itsLimits_areInboxLimits() {
        JsonNode send = schema(doc.path("paths").path("/admin/system/notifications/send").path("post")
                .path("requestBody").path("content").path("application/json").path("schema")).path("properties");
        assertThat(send.path("title").path("maxLength").asInt()).isEqualTo(InboxLimits.TITLE_MAX);
        assertThat(send.path("content").path("maxLength").asInt()).isEqualTo(InboxLimits.CONTENT_MAX);
        assertThat(send.path("action_type").path("maxLength").asInt()).isEqualTo(InboxLimits.ACTION_TYPE_MAX);
        assertThat(send.path("idempotency_key").path("maxLength").asInt()).isEqualTo(InboxLimits.IDEMPOTENCY_KEY_MAX);
        assertThat(strings(send.path("level").path("enum"))).isEqualTo(InboxLimits.LEVELS);
        assertThat(send.path("user_ids").path("maxItems").asInt()).isEqualTo(server.herald().settings().http().maxRecipients());

        JsonNode sent = schema(doc.path("paths").path("/admin/system/notifications/send").path("post").path("responses")
                .path("200").path("content").path("application/json").path("schema").path("allOf").get(1))
                .path("properties").path("data").path("properties");
        assertThat(sent.path("ids").path("maxItems").asInt()).isEqualTo(InboxLimits.SEND_IDS_SHOWN);

        JsonNode batch = schema(doc.path("paths").path("/admin/system/notifications/batch-read").path("post")
                .path("requestBody").path("content").path("application/json").path("schema")).path("properties");
        assertThat(batch.path("ids").path("maxItems").asInt()).isEqualTo(InboxLimits.IDS_MAX);

        Map<String, JsonNode> list = parameters(doc.path("paths").path("/admin/system/notifications").path("get"));
        assertThat(list.get("keyword").path("maxLength").asInt()).isEqualTo(InboxLimits.KEYWORD_MAX);
        assertThat(list.get("page").path("maximum").asInt()).isEqualTo(InboxLimits.PAGE_MAX);
        assertThat(list.get("page_size").path("maximum").asInt()).isEqualTo(InboxLimits.PAGE_SIZE_MAX);
        assertThat(list.get("page_size").path("default").asInt()).isEqualTo(InboxLimits.PAGE_SIZE_DEFAULT);
        assertThat(strings(list.get("type").path("enum"))).isEqualTo(InboxLimits.TYPES);
        assertThat(strings(list.get("category").path("enum"))).isEqualTo(InboxLimits.CATEGORIES);
        Map<String, JsonNode> unread = parameters(doc.path("paths").path("/admin/system/notifications/unread").path("get"));
        assertThat(unread.get("limit").path("maximum").asInt()).isEqualTo(InboxLimits.UNREAD_MAX);
        assertThat(unread.get("limit").path("default").asInt()).isEqualTo(InboxLimits.UNREAD_DEFAULT);

        // Inbox 2.0
        assertThat(send.path("group_key").path("maxLength").asInt()).isEqualTo(InboxLimits.GROUP_KEY_MAX);
        assertThat(send.path("group_window").path("maximum").asInt()).isEqualTo(InboxLimits.GROUP_WINDOW_MAX);
        assertThat(send.path("group_window").path("default").asInt()).isEqualTo(InboxLimits.GROUP_WINDOW_DEFAULT);
        assertThat(send.path("actions").path("maxItems").asInt()).isEqualTo(InboxLimits.ACTIONS_MAX);
        JsonNode action = doc.at("/components/schemas/Action/properties");
        assertThat(action.path("id").path("maxLength").asInt()).isEqualTo(InboxLimits.ACTION_ID_MAX);
        assertThat(action.path("label").path("maxLength").asInt()).isEqualTo(InboxLimits.ACTION_LABEL_MAX);
        assertThat(action.path("url").path("maxLength").asInt()).isEqualTo(InboxLimits.ACTION_URL_MAX);
        assertThat(strings(action.path("style").path("enum"))).isEqualTo(InboxLimits.ACTION_STYLES);
        assertThat(strings(doc.at("/components/schemas/Mode/enum"))).isEqualTo(InboxLimits.MODES);
        assertThat(doc.at("/components/schemas/Preferences/properties/email/maxLength").asInt()).isEqualTo(InboxLimits.EMAIL_MAX);
        assertThat(strings(list.get("archived").path("enum"))).isEqualTo(InboxLimits.ARCHIVED_FILTERS);
        assertThat(doc.at("/components/schemas/Notification/properties/group_key/maxLength").asInt()).isEqualTo(InboxLimits.GROUP_KEY_MAX);

        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("Id").path("maximum").asLong()).isEqualTo(Values.MAX_ID);
        assertThat(schemas.path("Channel").path("maxLength").asInt()).isEqualTo(ChannelName.MAX_LENGTH);
        assertThat(schemas.path("Notification").path("properties").path("title").path("maxLength").asInt())
                .isEqualTo(InboxLimits.TITLE_MAX);
    }

    @Test
    void realReplies_haveTheDocumentedFields() {
        String user = "?user_id=" + 71;
        Response sent = server.api("POST", "/admin/system/notifications/send",
                "{\"user_ids\":[71],\"title\":\"t\",\"content\":\"c\",\"data\":{\"k\":1}}");
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        long id = sent.data().get("ids").get(0).asLong();
        Map<String, Response> replies = new LinkedHashMap<>();
        replies.put("post /admin/system/notifications/send", sent);
        replies.put("get /admin/system/notifications", server.api("GET", "/admin/system/notifications" + user, null));
        replies.put("get /admin/system/notifications/unread", server.api("GET", "/admin/system/notifications/unread" + user, null));
        replies.put("get /admin/system/notifications/unread-count", server.api("GET", "/admin/system/notifications/unread-count" + user, null));
        replies.put("get /admin/system/notifications/statistics", server.api("GET", "/admin/system/notifications/statistics" + user, null));
        replies.put("get /admin/system/notifications/{id}", server.api("GET", "/admin/system/notifications/" + id + user, null));
        replies.put("post /admin/system/notifications/{id}/read", server.api("POST", "/admin/system/notifications/" + id + "/read" + user, null));
        replies.put("post /admin/system/notifications/batch-read", server.api("POST", "/admin/system/notifications/batch-read", "{\"user_id\":71,\"ids\":[" + id + "]}"));
        replies.put("get /admin/system/notifications/preferences", server.api("GET", "/admin/system/notifications/preferences" + user, null));
        replies.put("put /admin/system/notifications/preferences", server.api("PUT", "/admin/system/notifications/preferences",
                "{\"user_id\":71,\"categories\":{\"task\":\"quiet\"},\"email\":\"a@example.com\"}"));
        replies.put("post /admin/system/notifications/{id}/unread", server.api("POST", "/admin/system/notifications/" + id + "/unread" + user, null));
        replies.put("post /admin/system/notifications/{id}/archive", server.api("POST", "/admin/system/notifications/" + id + "/archive" + user, null));
        replies.put("post /admin/system/notifications/{id}/unarchive", server.api("POST", "/admin/system/notifications/" + id + "/unarchive" + user, null));
        replies.put("post /admin/system/notifications/batch-archive", server.api("POST", "/admin/system/notifications/batch-archive", "{\"user_id\":71,\"ids\":[" + id + "]}"));
        replies.put("post /admin/system/notifications/{id}/snooze", server.api("POST", "/admin/system/notifications/" + id + "/snooze",
                "{\"user_id\":71,\"until\":\"" + java.time.Instant.now().plusSeconds(3600) + "\"}"));
        Response withAction = server.api("POST", "/admin/system/notifications/send",
                "{\"user_ids\":[71],\"title\":\"t\",\"content\":\"c\",\"group_key\":\"g\",\"actions\":[{\"id\":\"ok\",\"label\":\"OK\"}]}");
        long actionId = withAction.data().get("ids").get(0).asLong();
        replies.put("post /admin/system/notifications/{id}/actions/{action_id}", server.api("POST",
                "/admin/system/notifications/" + actionId + "/actions/ok" + user, null));
        replies.put("delete /admin/system/notifications/{id}", server.api("DELETE", "/admin/system/notifications/" + id + user, null));
        replies.put("get /admin/websocket/online-count", server.api("GET", "/admin/websocket/online-count", null));
        replies.put("get /admin/websocket/online-users", server.api("GET", "/admin/websocket/online-users", null));
        replies.put("post /admin/websocket/check-online", server.api("POST", "/admin/websocket/check-online", "{\"user_id\":71}"));
        replies.put("post /admin/websocket/send-to-users", server.api("POST", "/admin/websocket/send-to-users", "{\"user_ids\":[71]}"));
        replies.put("post /admin/websocket/send-to-channel", server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"c\"}"));
        replies.put("get /health", server.call("GET", "/health", null, null));

        List<String> problems = new ArrayList<>();
        replies.forEach((operation, reply) -> {
            String[] mp = operation.split(" ", 2);
            JsonNode documented = schema(doc.path("paths").path(mp[1]).path(mp[0]).path("responses").path("200")
                    .path("content").path("application/json").path("schema"));
            JsonNode data = null;
            for (JsonNode part : documented.path("allOf")) {
                if (part.path("properties").has("data")) {
                    data = schema(part.path("properties").path("data"));
                }
            }
            if (reply.status() != 200) {
                problems.add(operation + " answered " + reply.status() + " " + reply.body());
            } else if (data == null) {
                problems.add(operation + ": no data schema documented for 200");
            } else {
                problems.addAll(fieldProblems(operation, data, reply.data()));
            }
        });
        JsonNode listed = replies.get("get /admin/system/notifications").data().get("list");
        assertThat(listed).as("the list holds the sent notification").isNotEmpty();
        problems.addAll(fieldProblems("a listed notification", schema(doc.at("/components/schemas/Notification")), listed.get(0)));
        assertThat(problems).as("replies that differ from openapi.json").isEmpty();
    }

    /** The fields {@code actual} has that {@code documented} does not list, and the required ones it lacks. */
    private static List<String> fieldProblems(String what, JsonNode documented, JsonNode actual) {
        List<String> out = new ArrayList<>();
        Set<String> listed = fieldNames(documented.path("properties"));
        Set<String> got = fieldNames(actual);
        got.stream().filter(f -> !listed.contains(f)).forEach(f -> out.add(what + ": field " + f + " is not documented"));
        strings(documented.path("required")).stream().filter(f -> !got.contains(f))
                .forEach(f -> out.add(what + ": required field " + f + " is missing"));
        return out;
    }

    // ---- the comparison

    /** One documented operation: {@code METHOD path} and the access its {@code security} means. */
    private record Operation(String key, String access) {}

    /**
     * The operations of {@code document} the router should serve: every one but those of
     * {@link #TRANSPORT_PATHS}, and the demo-only ones only when {@code demo}.
     */
    private static List<Operation> operations(JsonNode document, boolean demo) {
        List<Operation> out = new ArrayList<>();
        document.path("paths").properties().forEach(path -> {
            if (TRANSPORT_PATHS.contains(path.getKey())) {
                return;
            }
            path.getValue().properties().forEach(method -> {
                if (!METHODS.contains(method.getKey())) {
                    return;
                }
                JsonNode o = method.getValue();
                if (o.path("x-herald-demo-only").asBoolean() && !demo) {
                    return;
                }
                out.add(new Operation(method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), access(o.get("security"))));
            });
        });
        return out;
    }

    /**
     * What an operation's {@code security} means as a {@link Access}: none ({@code []}) is public;
     * the API key or any user token is user; the API key or a user token with the role
     * {@code admin} is admin. Anything else is named as it is, so it never matches.
     */
    private static String access(JsonNode security) {
        if (security == null) {
            return "no security given";
        }
        if (security.isEmpty()) {
            return Access.PUBLIC.name();
        }
        Map<String, Set<String>> alternatives = new HashMap<>();
        for (JsonNode requirement : security) {
            if (requirement.size() != 1) {
                return security.toString();
            }
            requirement.properties().forEach(e -> alternatives.put(e.getKey(), new TreeSet<>(strings(e.getValue()))));
        }
        if (alternatives.equals(Map.of("apiKey", Set.of(), "userToken", Set.of()))) {
            return Access.USER.name();
        }
        if (alternatives.equals(Map.of("apiKey", Set.of(), "userToken", Set.of("admin")))) {
            return Access.ADMIN.name();
        }
        return security.toString();
    }

    /** Each route missing from the document, each documented operation with no route, each access that differs. */
    private static List<String> differences(List<RouteInfo> routes, List<Operation> documented) {
        Map<String, String> routed = new TreeMap<>();
        routes.forEach(r -> routed.put(r.method() + " " + r.path(), r.access().name()));
        Map<String, String> described = new TreeMap<>();
        documented.forEach(o -> described.put(o.key(), o.access()));
        List<String> out = new ArrayList<>();
        routed.forEach((key, access) -> {
            if (!described.containsKey(key)) {
                out.add("missing from openapi.json: " + key + " (" + access + ")");
            } else if (!described.get(key).equals(access)) {
                out.add("access differs: " + key + ": router " + access + ", openapi.json " + described.get(key));
            }
        });
        described.keySet().stream().filter(k -> !routed.containsKey(k))
                .forEach(k -> out.add("documented but not routed: " + k));
        return out;
    }

    // ---- helpers

    private static SwaggerParseResult parse(String json) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIParser().readContents(json, null, options);
    }

    @FunctionalInterface
    private interface Exchange {
        RawSocket.HttpReply on(RawSocket socket);
    }

    /** The status of one request on a fresh connection. */
    private static int once(Exchange exchange) {
        try (RawSocket s = RawSocket.open(server.port())) {
            return exchange.on(s).status();
        }
    }

    /** A schema with a local {@code $ref} followed (and an {@code allOf} of one schema unwrapped). */
    private static JsonNode schema(JsonNode node) {
        JsonNode n = node;
        for (int i = 0; i < 10; i++) {
            if (n.has("$ref")) {
                n = doc.at(n.get("$ref").asText().substring(1));
            } else if (n.has("allOf") && n.get("allOf").size() == 1 && !n.has("type") && !n.has("enum")) {
                n = n.get("allOf").get(0);
            } else {
                return n;
            }
        }
        throw new AssertionError("$ref chain too long at " + node);
    }

    /** An operation's parameters by name, each as its (resolved) schema. */
    private static Map<String, JsonNode> parameters(JsonNode operation) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode p : operation.path("parameters")) {
            JsonNode param = schema(p);
            out.put(param.path("name").asText(), schema(param.path("schema")));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
