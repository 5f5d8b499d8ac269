package dev.herald.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One user's inbox ({@code /admin/system/notifications…}, docs/api.md "Inbox API"): list, count,
 * read and delete that user's notifications. Obtained either as the user —
 * {@link HeraldClient#asUser(String)} with the user's JWT, for code acting on a user's behalf — or
 * as the backend — {@link Notifications#forUser(long)}, with the API key naming {@code user_id}.
 *
 * <p>Another user's notification answers 404 exactly like a missing one ({@link HeraldException}
 * with status 404). Thread-safe and cheap: a view over the client's connection pool.
 */
public final class Inbox {
    private static final String BASE = "/admin/system/notifications";
    private static final TypeReference<List<Notification>> LIST = new TypeReference<>() {};

    private final Transport transport;
    private final String credential;
    private final long userId;

    /** {@code userId} 0: the credential's own user; otherwise named in every call (API key). */
    Inbox(Transport transport, String credential, long userId) {
        this.transport = transport;
        this.credential = Objects.requireNonNull(credential);
        this.userId = userId;
    }

    /**
     * {@code GET /admin/system/notifications}.
     *
     * @param query filters and paging
     * @return the page, newest first
     */
    public NotificationPage list(NotificationQuery query) {
        return transport.read(get("", query.params()), NotificationPage.class);
    }

    /** @return the first page (20) of all notifications, newest first; see {@link #list(NotificationQuery)} */
    public NotificationPage list() {
        return list(NotificationQuery.all());
    }

    /**
     * {@code GET …/unread?limit=}.
     *
     * @param limit 1 to 100
     * @return the newest unread notifications
     */
    public List<Notification> unread(int limit) {
        return transport.read(get("/unread", Map.of("limit", Integer.toString(limit))).path("list"), LIST);
    }

    /** @return the 10 newest unread notifications; see {@link #unread(int)} */
    public List<Notification> unread() {
        return transport.read(get("/unread", Map.of()).path("list"), LIST);
    }

    /** @return how many notifications are unread ({@code GET …/unread-count}) */
    public long unreadCount() {
        return get("/unread-count", Map.of()).path("count").asLong();
    }

    /** @return totals, read and unread, by type and by category ({@code GET …/statistics}) */
    public InboxStatistics statistics() {
        return transport.read(get("/statistics", Map.of()), InboxStatistics.class);
    }

    /**
     * {@code GET …/{id}}.
     *
     * @param id the notification
     * @return it
     * @throws HeraldException 404 when it does not exist, was deleted, or belongs to someone else
     */
    public Notification get(long id) {
        return transport.read(get("/" + id, Map.of()), Notification.class);
    }

    /**
     * {@code POST …/{id}/read}.
     *
     * @param id the notification
     * @return true when this call marked it read, false when it already was
     * @throws HeraldException 404 when it is not this user's
     */
    public boolean markRead(long id) {
        return change("POST", "/" + id + "/read", null).path("updated").asInt() > 0;
    }

    /**
     * {@code POST …/batch-read}.
     *
     * @param ids up to 1000 notifications (others' and unknown ids are skipped)
     * @return how many this call marked read
     */
    public int markRead(Collection<Long> ids) {
        return change("POST", "/batch-read", ids).path("updated").asInt();
    }

    /**
     * {@code POST …/ack}: marks notifications delivered, as a connected client's ack does (for a
     * client that reads the {@code /sse} event stream and so has no WebSocket to ack on).
     *
     * @param ids up to 1000 notifications (others', unknown and already delivered ids count 0)
     * @return how many this call marked delivered
     */
    public int acknowledge(Collection<Long> ids) {
        return change("POST", "/ack", ids).path("acknowledged").asInt();
    }

    /** @return how many notifications this call marked read ({@code POST …/read-all}) */
    public int markAllRead() {
        return change("POST", "/read-all", null).path("updated").asInt();
    }

    /**
     * {@code DELETE …/{id}} (a soft delete: gone from every list, count and push).
     *
     * @param id the notification
     * @return true when this call deleted it
     * @throws HeraldException 404 when it is not this user's or already deleted
     */
    public boolean delete(long id) {
        return change("DELETE", "/" + id, null).path("deleted").asInt() > 0;
    }

    /**
     * {@code POST …/batch-delete}.
     *
     * @param ids up to 1000 notifications (others' and unknown ids are skipped)
     * @return how many this call deleted
     */
    public int delete(Collection<Long> ids) {
        return change("POST", "/batch-delete", ids).path("deleted").asInt();
    }

    /** @return how many read notifications this call deleted ({@code POST …/clear-read}) */
    public int clearRead() {
        return change("POST", "/clear-read", null).path("deleted").asInt();
    }

    /**
     * {@code POST …/{id}/unread}.
     *
     * @param id the notification
     * @return true when this call marked it unread, false when it was unread
     * @throws HeraldException 404 when it is not this user's
     */
    public boolean markUnread(long id) {
        return change("POST", "/" + id + "/unread", null).path("updated").asInt() > 0;
    }

    /**
     * {@code POST …/{id}/archive}: out of the default list and the unread count.
     *
     * @param id the notification
     * @return true when this call archived it, false when it already was
     * @throws HeraldException 404 when it is not this user's
     */
    public boolean archive(long id) {
        return change("POST", "/" + id + "/archive", null).path("updated").asInt() > 0;
    }

    /**
     * {@code POST …/batch-archive}.
     *
     * @param ids up to 1000 notifications (others' and unknown ids are skipped)
     * @return how many this call archived
     */
    public int archive(Collection<Long> ids) {
        return change("POST", "/batch-archive", ids).path("updated").asInt();
    }

    /**
     * {@code POST …/{id}/unarchive}.
     *
     * @param id the notification
     * @return true when this call took it out of the archive
     * @throws HeraldException 404 when it is not this user's
     */
    public boolean unarchive(long id) {
        return change("POST", "/" + id + "/unarchive", null).path("updated").asInt() > 0;
    }

    /**
     * {@code POST …/{id}/snooze}: hidden from the list and the unread count until {@code until},
     * then shown and pushed again as new.
     *
     * @param id the notification
     * @param until in the future, at most 30 days ahead
     * @return the time it will show again (milliseconds)
     * @throws HeraldException 404 when it is not this user's, 422 for a time out of range
     */
    public Instant snooze(long id, Instant until) {
        ObjectNode body = transport.object();
        body.put("until", Objects.requireNonNull(until, "until").toString());
        return Instant.parse(transport.call("POST", BASE + "/" + id + "/snooze", withUser(Map.of()), body, credential, false)
                .path("snoozed_until").asText());
    }

    /**
     * {@code POST …/{id}/actions/{actionId}}: records the action and marks the notification read.
     *
     * @param id the notification
     * @param actionId one of its actions' ids
     * @return the notification after, with {@code actionTaken}
     * @throws HeraldException 404 when it is not this user's or offers no such action, 409 when an
     *                         action was taken already
     */
    public Notification takeAction(long id, String actionId) {
        String path = "/" + id + "/actions/" + URLEncoder.encode(Objects.requireNonNull(actionId, "actionId"), StandardCharsets.UTF_8)
                .replace("+", "%20");
        return transport.read(transport.call("POST", BASE + path, withUser(Map.of()), null, credential, false), Notification.class);
    }

    /** @return this user's preferences ({@code GET …/preferences}) */
    public NotificationPreferences preferences() {
        return transport.read(get("/preferences", Map.of()), NotificationPreferences.class);
    }

    /**
     * {@code PUT …/preferences}: merges the given modes ({@code on}, {@code quiet}, {@code off};
     * {@code on} removes one) into the user's preferences.
     *
     * @param categories mode per category to change (may be empty)
     * @param types mode per type to change (may be empty)
     * @return all the preferences after
     * @throws HeraldException 422 naming an unknown category, type or mode (then nothing changed)
     */
    public NotificationPreferences updatePreferences(Map<String, String> categories, Map<String, String> types) {
        ObjectNode body = transport.object();
        body.set("categories", transport.tree(Objects.requireNonNull(categories, "categories")));
        body.set("types", transport.tree(Objects.requireNonNull(types, "types")));
        return putPreferences(body);
    }

    /**
     * {@code PUT …/preferences} with only {@code email}.
     *
     * @param email the address for escalation, or null to clear it
     * @return all the preferences after
     * @throws HeraldException 422 when it is not an address
     */
    public NotificationPreferences updateEmail(String email) {
        ObjectNode body = transport.object();
        if (email == null) {
            body.putNull("email");
        } else {
            body.put("email", email);
        }
        return putPreferences(body);
    }

    private NotificationPreferences putPreferences(ObjectNode body) {
        return transport.read(transport.call("PUT", BASE + "/preferences", withUser(Map.of()), body, credential, false),
                NotificationPreferences.class);
    }

    private JsonNode get(String path, Map<String, String> query) {
        return transport.get(BASE + path, withUser(query), credential);
    }

    /** A change (not retried: Herald's answer counts what this call changed). */
    private JsonNode change(String method, String path, Collection<Long> ids) {
        ObjectNode body = null;
        if (ids != null) {
            body = transport.object();
            var array = body.putArray("ids");
            ids.forEach(id -> array.add(Objects.requireNonNull(id, "id")));
        }
        return transport.call(method, BASE + path, withUser(Map.of()), body, credential, false);
    }

    private Map<String, String> withUser(Map<String, String> query) {
        if (userId == 0) {
            return query;
        }
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("user_id", Long.toString(userId));
        return q;
    }
}
