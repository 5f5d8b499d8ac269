package dev.herald;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A POST to a running node's admin API, for the maintenance commands of the CLI. */
final class AdminCall {
    /** A call that failed: the node is down or refused; the message says which. */
    static final class CallException extends RuntimeException {
        CallException(String message) {
            super(message);
        }
    }

    private AdminCall() {}

    static String post(String url, String bearer) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new CallException(url + " answered " + res.statusCode() + ": " + res.body());
            }
            return res.body();
        } catch (IOException e) {
            throw new CallException("cannot reach a running Herald at " + url + " (" + e.getMessage()
                    + "); start it with `serve`, or pass --url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallException("interrupted");
        }
    }
}
