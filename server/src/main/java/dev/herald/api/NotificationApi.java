package dev.herald.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Router.Access;
import dev.herald.auth.Principal;
import dev.herald.inbox.InboxLimits;
import dev.herald.inbox.InboxService;
import dev.herald.inbox.NewNotification;
import dev.herald.inbox.NotificationFilter;
import dev.herald.inbox.NotificationJson;
import dev.herald.protocol.Values;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import java.util.stream.LongStream;

/**
 * The inbox API ({@code /admin/system/notifications…}, SPEC §5): validates a request against
 * {@link InboxLimits}, calls the one {@link InboxService} use case it names and shapes the reply. A
 * user token acts on its own notifications only — another user's id answers 404 exactly like a
 * missing one (the service's {@code NoSuchNotificationException}, mapped by the {@link Router}); an
 * admin token or API key may name {@code user_id} and may send and retry.
 */
public final class NotificationApi {
    private static final String BASE = "/admin/system/notifications";

    private final InboxService service;
    private final int maxRecipients;
    /** Whether SMTP is configured: without it {@code escalate_after} is refused. */
    private final boolean escalation;

    public NotificationApi(InboxService service, int maxRecipients) {
        this(service, maxRecipients, false);
    }

    public NotificationApi(InboxService service, int maxRecipients, boolean escalation) {
        this.service = Objects.requireNonNull(service);
        this.maxRecipients = maxRecipients;
        this.escalation = escalation;
    }

    public void register(Router r) {
        r.get(BASE, Access.USER, this::list);
        r.get(BASE + "/unread", Access.USER, this::unread);
        r.get(BASE + "/unread-count", Access.USER, this::unreadCount);
        r.get(BASE + "/statistics", Access.USER, this::statistics);
        r.post(BASE + "/batch-read", Access.USER, this::batchRead);
        r.post(BASE + "/read-all", Access.USER, this::readAll);
        r.post(BASE + "/ack", Access.USER, this::ack);
        r.post(BASE + "/batch-delete", Access.USER, this::batchDelete);
        r.post(BASE + "/clear-read", Access.USER, this::clearRead);
        r.post(BASE + "/send", Access.ADMIN, this::send);
        r.post(BASE + "/retry-unsent", Access.ADMIN, this::retryUnsent);
        r.post(BASE + "/cleanup", Access.ADMIN, this::cleanup);
        r.get(BASE + "/{id}", Access.USER, this::show);
        r.post(BASE + "/{id}/read", Access.USER, this::read);
        r.post(BASE + "/batch-archive", Access.USER, this::batchArchive);
        r.get(BASE + "/preferences", Access.USER, this::preferences);
        r.put(BASE + "/preferences", Access.USER, this::updatePreferences);
        r.post(BASE + "/{id}/unread", Access.USER, this::markUnread);
        r.post(BASE + "/{id}/archive", Access.USER, this::archive);
        r.post(BASE + "/{id}/unarchive", Access.USER, this::unarchive);
        r.post(BASE + "/{id}/snooze", Access.USER, this::snooze);
        r.post(BASE + "/{id}/actions/{action_id}", Access.USER, this::takeAction);
        r.delete(BASE + "/{id}", Access.USER, this::delete);
    }

    private CompletionStage<Reply> list(Request req) {
        long user = user(req, null);
        Map<String, String> errors = new LinkedHashMap<>();
        String keyword = req.param("keyword");
        if (keyword != null && keyword.length() > InboxLimits.KEYWORD_MAX) {
            errors.put("keyword", "must be at most " + InboxLimits.KEYWORD_MAX + " characters");
        } else if (Values.hasNul(keyword)) {
            errors.put("keyword", Values.NUL_RULE);
        }
        Boolean isRead = bool(req.param("is_read"), "is_read", errors);
        String type = oneOf(req.param("type"), InboxLimits.TYPES, "type", errors);
        String category = oneOf(req.param("category"), InboxLimits.CATEGORIES, "category", errors);
        LocalDate start = date(req.param("start_date"), "start_date", errors);
        LocalDate end = date(req.param("end_date"), "end_date", errors);
        if (start != null && end != null && start.isAfter(end)) {
            errors.put("start_date", "must not be after end_date");
        }
        String archivedParam = oneOf(req.param("archived"), InboxLimits.ARCHIVED_FILTERS, "archived", errors);
        Boolean archived = archivedParam == null || archivedParam.equals("false") ? Boolean.FALSE
                : archivedParam.equals("true") ? Boolean.TRUE : null;
        int page = intParam(req.param("page"), 1, 1, InboxLimits.PAGE_MAX, "page", errors);
        int pageSize = intParam(req.param("page_size"), InboxLimits.PAGE_SIZE_DEFAULT, 1, InboxLimits.PAGE_SIZE_MAX, "page_size", errors);
        if (!errors.isEmpty()) {
            throw new ApiException(422, "validation failed", errors);
        }
        var filter = new NotificationFilter(user, blankToNull(keyword), isRead, type, category, start, end, page, pageSize,
                archived);
        return service.list(filter).thenApply(p -> Reply.ok(Map.of(
                "list", p.list().stream().map(NotificationJson::of).toList(),
                "total", p.total(), "page", p.page(), "page_size", p.pageSize())));
    }

    private CompletionStage<Reply> unread(Request req) {
        long user = user(req, null);
        Map<String, String> errors = new LinkedHashMap<>();
        int limit = intParam(req.param("limit"), InboxLimits.UNREAD_DEFAULT, 1, InboxLimits.UNREAD_MAX, "limit", errors);
        if (!errors.isEmpty()) {
            throw new ApiException(422, "validation failed", errors);
        }
        return service.unread(user, limit)
                .thenApply(list -> Reply.ok(Map.of("list", list.stream().map(NotificationJson::of).toList())));
    }

    private CompletionStage<Reply> unreadCount(Request req) {
        long user = user(req, null);
        return service.unreadCount(user).thenApply(n -> Reply.ok(Map.of("count", n)));
    }

    private CompletionStage<Reply> statistics(Request req) {
        long user = user(req, null);
        return service.statistics(user).thenApply(s -> Reply.ok(Map.of(
                "total", s.total(), "unread", s.unread(), "read", s.read(),
                "by_type", s.byType(), "by_category", s.byCategory(),
                "archived", s.archived(), "snoozed", s.snoozed())));
    }

    private CompletionStage<Reply> show(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        return service.find(user, id).thenApply(n -> Reply.ok(NotificationJson.of(n)));
    }

    private CompletionStage<Reply> read(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        return service.markOneRead(user, id).thenApply(n -> Reply.ok(Map.of("id", id, "is_read", true, "updated", n)));
    }

    private CompletionStage<Reply> delete(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        return service.deleteOne(user, id).thenApply(n -> Reply.ok(Map.of("id", id, "deleted", n)));
    }

    private CompletionStage<Reply> preferences(Request req) {
        long user = user(req, null);
        return service.preferences(user).thenApply(p -> Reply.ok(preferencesJson(p)));
    }

    /**
     * Merges any subset of {@code {categories, types, email}} into the user's preferences; every
     * other key, an unknown category or type, an unknown mode or a bad address answers 422 naming
     * it, and then nothing is changed.
     */
    private CompletionStage<Reply> updatePreferences(Request req) {
        JsonBody b = req.json();
        long user = user(req, b);
        for (var names = b.root().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("categories", "types", "email", "user_id").contains(name)) {
                b.error(name, "is not a preference (categories, types, email)");
            }
        }
        Map<String, String> categories = modes(b, "categories", InboxLimits.CATEGORIES);
        Map<String, String> types = modes(b, "types", InboxLimits.TYPES);
        boolean setEmail = b.root().has("email"); // a JSON null clears it
        String email = null;
        if (setEmail && b.value("email") != null) {
            email = b.string("email", InboxLimits.EMAIL_MAX, true);
            if (email != null && !email(email)) {
                b.error("email", "must be an e-mail address like name@example.com");
            }
        }
        b.validate();
        return service.updatePreferences(user, categories, types, setEmail, email)
                .thenApply(p -> Reply.ok(preferencesJson(p)));
    }

    private static Map<String, Object> preferencesJson(dev.herald.inbox.Preferences p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("categories", p.categories());
        m.put("types", p.types());
        m.put("email", p.email());
        return m;
    }

    /** An object of name → mode where every name is one of {@code names}; empty when absent. */
    private static Map<String, String> modes(JsonBody b, String field, List<String> names) {
        JsonNode v = b.value(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            b.error(field, "must be an object of name: mode");
            return out;
        }
        v.properties().forEach(e -> {
            String at = field + "." + e.getKey();
            if (!names.contains(e.getKey())) {
                b.error(at, "is not one of " + String.join(", ", names));
            } else if (!e.getValue().isTextual() || !InboxLimits.MODES.contains(e.getValue().asText())) {
                b.error(at, "must be one of " + String.join(", ", InboxLimits.MODES));
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    /** A plain address: one @, a local part and a dotted domain, no spaces or control characters. */
    static boolean email(String s) {
        return s.length() <= InboxLimits.EMAIL_MAX
                && s.matches("[^@\\s\\p{Cntrl}]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");
    }

    private CompletionStage<Reply> markUnread(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        return service.markUnread(user, id).thenApply(n -> Reply.ok(Map.of("id", id, "is_read", false, "updated", n)));
    }

    private CompletionStage<Reply> archive(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        return service.archiveOne(user, id).thenApply(n -> Reply.ok(Map.of("id", id, "archived", true, "updated", n)));
    }

    private CompletionStage<Reply> unarchive(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        return service.unarchive(user, id).thenApply(n -> Reply.ok(Map.of("id", id, "archived", false, "updated", n)));
    }

    private CompletionStage<Reply> batchArchive(Request req) {
        return changeIds(req, "updated", service::archive);
    }

    /** {@code {until}}: an ISO-8601 instant with offset, after now and at most 30 days ahead. */
    private CompletionStage<Reply> snooze(Request req) {
        long id = pathId(req);
        JsonBody b = req.json();
        long user = user(req, b);
        String text = b.string("until", 64, true);
        Instant until = null;
        if (text != null) {
            Instant now = service.now();
            try {
                until = OffsetDateTime.parse(text).toInstant();
                if (!until.isAfter(now)) {
                    b.error("until", "must be in the future");
                } else if (until.isAfter(now.plus(Duration.ofDays(InboxLimits.SNOOZE_MAX_DAYS)))) {
                    b.error("until", "must be at most " + InboxLimits.SNOOZE_MAX_DAYS + " days ahead");
                }
            } catch (DateTimeParseException e) {
                b.error("until", "must be an ISO-8601 date-time with offset, e.g. 2026-01-31T09:00:00Z");
            }
        }
        b.validate();
        Instant wake = until;
        return service.snooze(user, id, wake).thenApply(n -> Reply.ok(Map.of("id", id,
                "snoozed_until", NotificationJson.date(wake.truncatedTo(ChronoUnit.MILLIS)))));
    }

    /** The owner takes an offered action: answers the record; 404 for an unknown action, 409 when one was taken. */
    private CompletionStage<Reply> takeAction(Request req) {
        long user = user(req, null);
        long id = pathId(req);
        String actionId = req.pathParam("action_id");
        return service.takeAction(user, id, actionId).thenApply(o -> switch (o.result()) {
            case TAKEN -> Reply.ok(NotificationJson.of(o.notification()));
            case NOT_FOUND -> throw ApiException.notFound("notification");
            case NO_SUCH_ACTION -> throw ApiException.notFound("action");
            case ALREADY_TAKEN -> throw new ApiException(409, "an action was already taken on this notification");
        });
    }

    private CompletionStage<Reply> batchRead(Request req) {
        return changeIds(req, "updated", service::markRead);
    }

    /**
     * The WebSocket {@code ack} frame over HTTP (for clients on the event stream): marks the user's
     * own undelivered {@code ids} delivered; anyone else's count 0. Answers {@code {acknowledged}}.
     */
    private CompletionStage<Reply> ack(Request req) {
        return changeIds(req, "acknowledged", service::acknowledge);
    }

    private CompletionStage<Reply> readAll(Request req) {
        return changeAll(req, "updated", service::markAllRead);
    }

    private CompletionStage<Reply> batchDelete(Request req) {
        return changeIds(req, "deleted", service::delete);
    }

    private CompletionStage<Reply> clearRead(Request req) {
        return changeAll(req, "deleted", service::clearRead);
    }

    /** A change to the {@code ids} of the body's user; answers {@code {key: rows changed}}. */
    private CompletionStage<Reply> changeIds(Request req, String key,
                                             BiFunction<Long, long[], CompletionStage<Integer>> change) {
        JsonBody b = req.json();
        long user = user(req, b);
        long[] ids = b.ids("ids", InboxLimits.IDS_MAX, true);
        b.validate();
        return change.apply(user, ids).thenApply(n -> Reply.ok(Map.of(key, n)));
    }

    /** A change to all the body's user's notifications; answers {@code {key: rows changed}}. */
    private CompletionStage<Reply> changeAll(Request req, String key, LongFunction<CompletionStage<Integer>> change) {
        JsonBody b = req.json();
        long user = user(req, b);
        b.validate();
        return change.apply(user).thenApply(n -> Reply.ok(Map.of(key, n)));
    }

    private CompletionStage<Reply> send(Request req) {
        JsonBody b = req.json();
        long[] users = b.ids("user_ids", maxRecipients, false);
        long recipient = b.optionalPositiveId("recipient_id");
        if (recipient > 0) {
            users = LongStream.concat(Arrays.stream(users), LongStream.of(recipient))
                    .distinct().toArray();
        }
        String title = b.string("title", InboxLimits.TITLE_MAX, true);
        String content = b.string("content", InboxLimits.CONTENT_MAX, true);
        if (content != null && content.getBytes(StandardCharsets.UTF_8).length > InboxLimits.CONTENT_MAX) {
            b.error("content", "must be at most " + InboxLimits.CONTENT_MAX + " bytes of UTF-8 (64 KiB)");
        }
        String type = b.has("type") ? b.string("type", InboxLimits.CODE_MAX, true) : "info";
        if (type != null && !InboxLimits.TYPES.contains(type)) {
            b.error("type", "must be one of " + String.join(", ", InboxLimits.TYPES));
        }
        String category = b.has("category") ? b.string("category", InboxLimits.CODE_MAX, true) : "system";
        if (category != null && !InboxLimits.CATEGORIES.contains(category)) {
            b.error("category", "must be one of " + String.join(", ", InboxLimits.CATEGORIES));
        }
        String level = b.has("level") ? b.string("level", InboxLimits.LEVEL_MAX, true) : "urgent";
        if (level != null && !InboxLimits.LEVELS.contains(level)) {
            b.error("level", "must be urgent (store and push) or normal (store only)");
        }
        JsonNode data = b.object("data");
        String actionType = b.string("action_type", InboxLimits.ACTION_TYPE_MAX, false);
        String actionData = actionData(b);
        String key = b.string("idempotency_key", InboxLimits.IDEMPOTENCY_KEY_MAX, false);
        if (key != null && key.isBlank()) {
            b.error("idempotency_key", "must not be empty");
        }
        String groupKey = b.string("group_key", InboxLimits.GROUP_KEY_MAX, false);
        if (groupKey != null && groupKey.isEmpty()) {
            b.error("group_key", "must be 1-" + InboxLimits.GROUP_KEY_MAX + " characters");
        }
        int groupWindow = groupWindow(b);
        JsonNode actions = actions(b);
        boolean force = b.bool("force", false);
        int escalateAfter = escalateAfter(b);
        b.validate();
        var n = new NewNotification(title, content, type, category, data, actionType, actionData).withLevel(level)
                .withGroup(groupKey, groupWindow).withActions(actions).withForce(force).withEscalation(escalateAfter);
        return service.send(users, n, key).thenApply(r -> Reply.ok(Map.of(
                "count", r.count(), "ids", r.ids(), "duplicate", r.duplicate(), "pushed", r.pushedTo().size(),
                "skipped", r.skipped(), "collapsed", r.collapsed())));
    }

    private CompletionStage<Reply> retryUnsent(Request req) {
        Map<String, String> errors = new LinkedHashMap<>();
        int limit = intParam(req.param("limit"), 100, 1, 10_000, "limit", errors);
        if (!errors.isEmpty()) {
            throw new ApiException(422, "validation failed", errors);
        }
        return service.retryUnsent(limit).thenApply(n -> Reply.ok(Map.of("count", n)));
    }

    private CompletionStage<Reply> cleanup(Request req) {
        Map<String, String> errors = new LinkedHashMap<>();
        int days = intParam(req.param("days"), 30, 1, 36_500, "days", errors);
        if (!errors.isEmpty()) {
            throw new ApiException(422, "validation failed", errors);
        }
        return service.cleanup(days).thenApply(n -> Reply.ok(Map.of("count", n, "days", days)));
    }

    /**
     * Whose inbox a call acts on: the token's own user, or — for an admin token or API key — the
     * {@code user_id} in the query or body. A user token naming someone else gets 403.
     */
    private static long user(Request req, JsonBody body) {
        Principal p = req.principal();
        String raw = req.param("user_id");
        long named = 0;
        if (raw != null) {
            named = Values.id(raw);
        } else if (body != null && body.has("user_id")) {
            named = body.positiveId("user_id");
            body.validate();
        }
        if (named < 0) {
            throw new ApiException(422, "validation failed", Map.of("user_id", Values.ID_RULE));
        }
        if (named > 0) {
            if (!p.admin() && named != p.userId()) {
                throw new ApiException(403, "only an admin token or API key may name another user_id");
            }
            return named;
        }
        if (!p.hasUser()) {
            throw new ApiException(422, "validation failed", Map.of("user_id", "is required when calling with an API key"));
        }
        return p.userId();
    }

    /** The {@code {id}} of the path; anything but an id (see {@link Values#id(String)}) is a notification that does not exist. */
    private static long pathId(Request req) {
        long id = Values.id(req.pathParam("id"));
        if (id < 0) {
            throw ApiException.notFound("notification");
        }
        return id;
    }

    private static String actionData(JsonBody b) {
        JsonNode v = b.value("action_data");
        if (v == null) {
            return null;
        }
        if (Values.hasNul(v)) {
            b.error("action_data", Values.NUL_RULE);
            return null;
        }
        String text = v.isTextual() ? v.asText() : v.toString();
        if (text.length() > InboxLimits.CONTENT_MAX) {
            b.error("action_data", "must be at most " + InboxLimits.CONTENT_MAX + " characters");
            return null;
        }
        return text;
    }

    /** {@code escalate_after}: 0 when absent or null; refused without SMTP. */
    private int escalateAfter(JsonBody b) {
        JsonNode v = b.value("escalate_after");
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.asLong() < InboxLimits.ESCALATE_AFTER_MIN
                || v.asLong() > InboxLimits.ESCALATE_AFTER_MAX) {
            b.error("escalate_after", "must be a whole number of seconds from " + InboxLimits.ESCALATE_AFTER_MIN
                    + " to " + InboxLimits.ESCALATE_AFTER_MAX);
            return 0;
        }
        if (!escalation) {
            b.error("escalate_after", "e-mail escalation is not configured (smtp.host)");
            return 0;
        }
        return v.asInt();
    }

    private static int groupWindow(JsonBody b) {
        JsonNode v = b.value("group_window");
        if (v == null) {
            return InboxLimits.GROUP_WINDOW_DEFAULT;
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > InboxLimits.GROUP_WINDOW_MAX) {
            b.error("group_window", "must be a whole number of seconds from 1 to " + InboxLimits.GROUP_WINDOW_MAX);
            return InboxLimits.GROUP_WINDOW_DEFAULT;
        }
        return v.asInt();
    }

    /**
     * {@code actions}: at most {@value InboxLimits#ACTIONS_MAX} of {@code {id, label, url?, style?}}
     * with distinct ids; stored as given but for unknown fields, which are refused.
     */
    private static JsonNode actions(JsonBody b) {
        JsonNode v = b.value("actions");
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            b.error("actions", "must be an array");
            return null;
        }
        if (v.size() > InboxLimits.ACTIONS_MAX) {
            b.error("actions", "must have at most " + InboxLimits.ACTIONS_MAX + " actions");
            return null;
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode a = v.get(i);
            String at = "actions[" + i + "]";
            if (!a.isObject()) {
                b.error(at, "must be an object {id, label, url?, style?}");
                return null;
            }
            for (var names = a.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!List.of("id", "label", "url", "style").contains(name)) {
                    b.error(at + "." + name, "is not a field of an action (id, label, url, style)");
                }
            }
            String id = text(a.get("id"));
            if (id == null || id.isEmpty() || id.length() > InboxLimits.ACTION_ID_MAX || Values.hasNul(id)) {
                b.error(at + ".id", "must be 1-" + InboxLimits.ACTION_ID_MAX + " characters");
            } else if (!ids.add(id)) {
                b.error(at + ".id", "must differ from the other actions' ids");
            }
            String label = text(a.get("label"));
            if (label == null || label.isBlank() || label.length() > InboxLimits.ACTION_LABEL_MAX || Values.hasNul(label)) {
                b.error(at + ".label", "must be 1-" + InboxLimits.ACTION_LABEL_MAX + " characters and not blank");
            }
            JsonNode url = a.get("url");
            if (url != null && !url.isNull() && !actionUrl(text(url))) {
                b.error(at + ".url", "must be an http(s) URL or a path starting with /, at most "
                        + InboxLimits.ACTION_URL_MAX + " characters");
            }
            JsonNode style = a.get("style");
            if (style != null && !style.isNull() && !InboxLimits.ACTION_STYLES.contains(text(style))) {
                b.error(at + ".style", "must be one of " + String.join(", ", InboxLimits.ACTION_STYLES));
            }
        }
        return v;
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** An absolute http(s) URL with a host, or a path ({@code /…} but not {@code //…}). */
    static boolean actionUrl(String url) {
        if (url == null || url.isEmpty() || url.length() > InboxLimits.ACTION_URL_MAX || Values.hasNul(url)
                || url.chars().anyMatch(ch -> ch <= ' ')) {
            return false;
        }
        if (url.startsWith("/")) {
            return !url.startsWith("//");
        }
        try {
            java.net.URI u = new java.net.URI(url);
            return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                    && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Boolean bool(String v, String field, Map<String, String> errors) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        switch (v) {
            case "true", "1" -> { return true; }
            case "false", "0" -> { return false; }
            default -> {
                errors.put(field, "must be true or false");
                return null;
            }
        }
    }

    private static String oneOf(String v, List<String> allowed, String field, Map<String, String> errors) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!allowed.contains(v)) {
            errors.put(field, "must be one of " + String.join(", ", allowed));
            return null;
        }
        return v;
    }

    private static int intParam(String v, int fallback, int min, int max, String field, Map<String, String> errors) {
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.put(field, "must be a whole number from " + min + " to " + max);
        return fallback;
    }

    /** A UTC day, inclusive, within the bounds every database holds (see {@link Values#day}). */
    private static LocalDate date(String v, String field, Map<String, String> errors) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        LocalDate day = Values.day(v);
        if (day == null) {
            errors.put(field, Values.DAY_RULE);
        }
        return day;
    }
}
