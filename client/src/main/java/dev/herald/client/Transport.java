package dev.herald.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one request/reply path of the client: builds the HTTP request, sends it, applies the retry
 * policy and reads Herald's envelope. Every public method of the client ends here.
 *
 * <p>Retry policy: only a {@linkplain Call#retryable() retryable} call (a GET, or an inbox send,
 * which carries its idempotency key in the body of every attempt) is tried again, at most
 * {@code maxRetries} times, when no answer arrived (connect failure, connection reset or closed —
 * not a request timeout, so a call never takes much longer than its timeout), or on 429, 502, 503
 * and 504. The wait before attempt {@code n} is exponential from {@code retryBackoff} (capped at
 * 32 times it) with full jitter, or what a {@code Retry-After} header asks if that is longer (up to
 * {@link #RETRY_AFTER_MAX}; an answer asking more is not retried).
 */
final class Transport {
    /** The longest {@code Retry-After} the client waits for; longer ones are returned to the caller. */
    static final Duration RETRY_AFTER_MAX = Duration.ofSeconds(30);

    /** One API call. {@code query} values may be null (left out); {@code body} null for none. */
    record Call(String method, String path, Map<String, String> query, JsonNode body, String credential, boolean retryable) {
        Call {
            Objects.requireNonNull(method);
            Objects.requireNonNull(path);
            query = query == null ? Map.of() : query;
        }
    }

    /** A received answer: its status, the envelope's message and data (null node for none), raw body. */
    record Reply(int status, String message, JsonNode data, String contentType, byte[] body) {}

    final ObjectMapper json;
    private final HttpClient http;
    private final String base;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;

    Transport(URI baseUrl, Duration connectTimeout, Duration requestTimeout, int maxRetries, Duration retryBackoff) {
        String b = baseUrl.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.requestTimeout = requestTimeout;
        this.maxRetries = maxRetries;
        this.retryBackoff = retryBackoff;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** Sends {@code call} and answers its {@code data}; any status but 2xx throws {@link HeraldException}. */
    JsonNode data(Call call) {
        Reply r = send(call);
        if (r.status() / 100 != 2) {
            throw failure(r);
        }
        return r.data();
    }

    /** Sends {@code call} with the retry policy and answers whatever status came back. */
    Reply send(Call call) {
        HttpRequest request = request(call);
        for (int attempt = 0; ; attempt++) {
            boolean last = !call.retryable() || attempt >= maxRetries;
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                if (last) {
                    throw new HeraldException(call.method() + " " + call.path() + ": no connection within the connect timeout", e, true);
                }
                pause(attempt, null);
                continue;
            } catch (HttpTimeoutException e) {
                throw new HeraldException(call.method() + " " + call.path() + ": no answer within " + requestTimeout, e, true);
            } catch (IOException e) {
                if (last) {
                    String what = e instanceof ConnectException ? "cannot connect" : "connection failed";
                    throw new HeraldException(call.method() + " " + call.path() + ": " + what + ": " + e, e, false);
                }
                pause(attempt, null);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HeraldException(call.method() + " " + call.path() + ": interrupted", e, false);
            }
            Reply reply = read(response);
            int s = reply.status();
            if (!last && (s == 429 || s == 502 || s == 503 || s == 504)) {
                Duration retryAfter = retryAfter(response);
                if (retryAfter == null || retryAfter.compareTo(RETRY_AFTER_MAX) <= 0) {
                    pause(attempt, retryAfter);
                    continue;
                }
            }
            return reply;
        }
    }

    /** {@code GET path}: a retryable call; answers the reply's {@code data}. */
    JsonNode get(String path, Map<String, String> query, String credential) {
        return data(new Call("GET", path, query, null, credential, true));
    }

    /** {@code POST} (or another method) with a JSON body; retried only when {@code retryable}. */
    JsonNode call(String method, String path, Map<String, String> query, JsonNode body, String credential, boolean retryable) {
        return data(new Call(method, path, query, body, credential, retryable));
    }

    /** A new JSON object for a request body. */
    ObjectNode object() {
        return json.createObjectNode();
    }

    /** A caller's value (push {@code data}, notification {@code data}) as JSON. */
    JsonNode tree(Object value) {
        try {
            return json.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** A reply's {@code data} (or a part of it) as {@code type}. */
    <T> T read(JsonNode node, Class<T> type) {
        return convert(node, json.getTypeFactory().constructType(type));
    }

    /** A reply's {@code data} (or a part of it) as {@code type}. */
    <T> T read(JsonNode node, TypeReference<T> type) {
        return convert(node, json.getTypeFactory().constructType(type));
    }

    private <T> T convert(JsonNode node, JavaType type) {
        try {
            return json.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new HeraldException("unexpected answer from Herald: " + e.getMessage(), e, false);
        }
    }

    HeraldException failure(Reply r) {
        Map<String, String> errors = new LinkedHashMap<>();
        JsonNode e = r.data().path("errors");
        e.fields().forEachRemaining(f -> errors.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
        String message = r.message() != null ? r.message() : "HTTP " + r.status();
        return new HeraldException(r.status(), r.status(), message, errors);
    }

    private HttpRequest request(Call call) {
        StringBuilder uri = new StringBuilder(base).append(call.path());
        char sep = '?';
        for (var q : call.query().entrySet()) {
            if (q.getValue() != null) {
                uri.append(sep).append(encode(q.getKey())).append('=').append(encode(q.getValue()));
                sep = '&';
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (call.credential() != null) {
            b.header("Authorization", "Bearer " + call.credential());
        }
        if (call.body() != null) {
            byte[] body;
            try {
                body = json.writeValueAsBytes(call.body());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write the request body as JSON", e);
            }
            b.header("Content-Type", "application/json; charset=utf-8");
            b.method(call.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private Reply read(HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        byte[] body = response.body();
        String message = null;
        JsonNode data = NullNode.getInstance();
        if (type.startsWith("application/json") && body.length > 0) {
            try {
                JsonNode envelope = json.readTree(body);
                message = envelope.path("message").isTextual() ? envelope.get("message").asText() : null;
                data = envelope.path("data").isMissingNode() ? NullNode.getInstance() : envelope.get("data");
            } catch (IOException e) {
                message = "unreadable JSON answer (HTTP " + response.statusCode() + ")";
            }
        }
        return new Reply(response.statusCode(), message, data, type, body);
    }

    /** Waits before attempt {@code attempt + 1}: the longer of the jittered backoff and {@code retryAfter}. */
    private void pause(int attempt, Duration retryAfter) {
        long cap = retryBackoff.toMillis() << Math.min(attempt, 5);
        long wait = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        if (retryAfter != null) {
            wait = Math.max(wait, retryAfter.toMillis());
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeraldException("interrupted while waiting to retry", e, false);
        }
    }

    /** A {@code Retry-After} in seconds or as an HTTP date, or null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        String v = response.headers().firstValue("Retry-After").orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
