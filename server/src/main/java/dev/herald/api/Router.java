package dev.herald.api;

import dev.herald.auth.Credentials;
import dev.herald.auth.Principal;
import dev.herald.auth.TokenException;
import dev.herald.broker.BindRefusedException;
import dev.herald.broker.BrokerUnavailableException;
import dev.herald.inbox.NoSuchNotificationException;
import dev.herald.store.StoreBusyException;
import dev.herald.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps method + path to handlers, authenticates callers per route and turns every failure into an
 * envelope reply. Literal paths win over patterns with {@code {param}} segments, so
 * {@code /notifications/unread} is never taken for an id.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** Who may call a route: anyone, any valid user token (or better), or an admin token / API key. */
    public enum Access { PUBLIC, USER, ADMIN }

    @FunctionalInterface
    public interface Handler {
        CompletionStage<Reply> handle(Request request);
    }

    /**
     * Whether a caller may make one more request now (the HTTP rate limits): null to go on, or the
     * refusal (429). {@code principal} is null for public routes and for callers whose credential was
     * refused; {@code authorization} is the request's header (it names the API key of a backend
     * principal); {@code client} is the key of the client's address.
     */
    @FunctionalInterface
    public interface Admission {
        ApiException admit(Principal principal, String authorization, String client);
    }

    private record Route(String method, String path, String[] segments, Access access, Handler handler) {}

    /** A registered route as a caller sees it: method, path pattern ({@code {param}} segments) and access. */
    public record RouteInfo(String method, String path, Access access) {}

    private final Map<String, Route> literal = new HashMap<>();
    private final List<Route> patterns = new ArrayList<>();
    private final Credentials credentials;
    private volatile Admission admission = (principal, authorization, client) -> null;

    public Router(Credentials credentials) {
        this.credentials = Objects.requireNonNull(credentials);
    }

    public void get(String path, Access access, Handler handler) {
        add("GET", path, access, handler);
    }

    public void post(String path, Access access, Handler handler) {
        add("POST", path, access, handler);
    }

    public void put(String path, Access access, Handler handler) {
        add("PUT", path, access, handler);
    }

    public void delete(String path, Access access, Handler handler) {
        add("DELETE", path, access, handler);
    }

    /** Sets the check every request passes once its caller is known (by default everyone is let in). */
    public void admission(Admission admission) {
        this.admission = Objects.requireNonNull(admission);
    }

    private void add(String method, String path, Access access, Handler handler) {
        Route route = new Route(method, path, path.split("/"), access, handler);
        if (path.contains("{")) {
            patterns.add(route);
        } else if (literal.putIfAbsent(method + " " + path, route) != null) {
            throw new IllegalStateException("duplicate route " + method + " " + path);
        }
    }

    /**
     * Every registered route, sorted by path then method (read-only; for the OpenAPI document's test
     * and anything else that must agree with what is served).
     */
    public List<RouteInfo> routes() {
        List<RouteInfo> out = new ArrayList<>();
        literal.values().forEach(r -> out.add(new RouteInfo(r.method, r.path, r.access)));
        patterns.forEach(r -> out.add(new RouteInfo(r.method, r.path, r.access)));
        out.sort(Comparator.comparing(RouteInfo::path).thenComparing(RouteInfo::method));
        return List.copyOf(out);
    }

    /** Whether any route serves {@code path} (for any method). */
    public boolean serves(String path) {
        for (String m : List.of("GET", "POST", "PUT", "DELETE")) {
            if (literal.containsKey(m + " " + path)) {
                return true;
            }
        }
        String[] segments = path.split("/");
        return patterns.stream().anyMatch(r -> match(r, segments) != null);
    }

    /**
     * Routes one request. Every request is counted by {@link Admission} exactly once, also those
     * that end in 404, 405, 401 or 403, so probing unknown paths or guessing credentials is limited too.
     */
    public CompletionStage<Reply> route(String method, String path, Map<String, List<String>> query,
                                        String authorization, byte[] body, String client) {
        try {
            Route route = literal.get(method + " " + path);
            Map<String, String> params = Map.of();
            if (route == null) {
                String[] segments = path.split("/");
                for (Route r : patterns) {
                    Map<String, String> m = r.method.equals(method) ? match(r, segments) : null;
                    if (m != null) {
                        route = r;
                        params = m;
                        break;
                    }
                }
            }
            if (route == null) {
                admit(null, authorization, client);
                throw serves(path) ? new ApiException(405, method + " is not allowed on " + path)
                        : new ApiException(404, "no such endpoint: " + path);
            }
            Principal principal;
            try {
                principal = authorize(route.access, authorization);
            } catch (ApiException e) {
                admit(null, authorization, client);
                throw e;
            }
            admit(principal, authorization, client);
            Request request = new Request(method, path, query, params, body, principal);
            return route.handler.handle(request).exceptionally(this::failure);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    private void admit(Principal principal, String authorization, String client) {
        ApiException refused = admission.admit(principal, authorization, client);
        if (refused != null) {
            throw refused;
        }
    }

    private Principal authorize(Access access, String authorization) {
        if (access == Access.PUBLIC) {
            return null;
        }
        Principal p;
        try {
            p = credentials.authenticate(authorization);
        } catch (TokenException e) {
            // a refused token names its reason like the WebSocket upgrade does: data.errors.token
            throw e.code().startsWith("token_") ? new ApiException(401, e.getMessage(), Map.of("token", e.code()))
                    : new ApiException(401, e.getMessage());
        }
        if (access == Access.ADMIN && !p.admin()) {
            throw new ApiException(403, "this endpoint needs an API key or an admin token");
        }
        return p;
    }

    private static Map<String, String> match(Route r, String[] segments) {
        if (r.segments.length != segments.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>(2);
        for (int i = 0; i < segments.length; i++) {
            String s = r.segments[i];
            if (s.startsWith("{") && s.endsWith("}")) {
                params.put(s.substring(1, s.length() - 1), segments[i]);
            } else if (!s.equals(segments[i])) {
                return null;
            }
        }
        return params;
    }

    private Reply failure(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof ApiException e) {
            return Reply.error(e);
        }
        ApiException lower = lowerLayer(cause);
        if (lower != null) {
            return Reply.error(lower);
        }
        log.error("API handler failed", cause);
        return Reply.error(new ApiException(500, "internal error"));
    }

    /**
     * The status of a lower layer's failure (store, inbox, broker), or null for one this list does
     * not know (a bug: 500). The one place where another layer's exception becomes HTTP.
     */
    private static ApiException lowerLayer(Throwable t) {
        if (t instanceof BrokerUnavailableException) {
            return ApiException.unavailable("the broker cannot be reached; the message did not reach other nodes");
        }
        if (t instanceof BindRefusedException) {
            return new ApiException(429, t.getMessage() + " on its node; the connection was closed");
        }
        if (t instanceof StoreBusyException) {
            return ApiException.unavailable("the server is busy; try again shortly");
        }
        if (t instanceof StoreUnavailableException e) {
            return ApiException.unavailable(e.maybeCommitted()
                    ? "the database connection broke while committing; the change may have been kept: retry with the same idempotency key"
                    : "the database is unavailable; nothing was changed, try again");
        }
        if (t instanceof NoSuchNotificationException) {
            return ApiException.notFound("notification");
        }
        return null;
    }
}
