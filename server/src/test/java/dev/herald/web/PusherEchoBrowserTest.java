package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.pusher.PusherClient;
import dev.herald.pusher.PusherNodeTest;
import dev.herald.pusher.PusherSignature;
import dev.herald.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Laravel Echo with pusher-js in Chromium against a real node, the way a Laravel page runs: the
 * scripts are the browser builds from src/test/node/pusher (pusher-js 8.6.0, laravel-echo 2.5.0),
 * and a small HTTP server plays the Laravel app — it serves the page and answers Echo's own
 * {@code POST /broadcasting/auth} (form-encoded socket_id and channel_name) with signatures.
 */
class PusherEchoBrowserTest {
    static final String KEY = "browser-key";
    static final String SECRET = "browser-secret-0123456789";

    private static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>echo</title>
            <script src="/pusher.js"></script><script src="/echo.js"></script>
            <script>
              window.got = []; window.joins = []; window.here = null;
              const echo = new Echo.default({ broadcaster: 'pusher', key: '%s', cluster: 'mt1', wsHost: '127.0.0.1',
                wsPort: %d, forceTLS: false, enabledTransports: ['ws'], disableStats: true,
                authEndpoint: '/broadcasting/auth' });
              echo.channel('browser-orders').listen('.shipped', (e) => window.got.push(e));
              echo.join('browser').here((u) => (window.here = u)).joining((u) => window.joins.push(u));
            </script>
            """;

    private static void reply(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    /** The Laravel app's /broadcasting/auth: the signed-in user is 42. */
    private static void auth(HttpExchange x) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String socket = form.get("socket_id");
        String channel = form.get("channel_name");
        String json;
        if (channel.startsWith("presence-")) {
            String data = "{\"user_id\":\"42\",\"user_info\":{\"name\":\"Browser\"}}";
            json = "{\"auth\":\"" + KEY + ":" + PusherSignature.hmac(SECRET, socket + ":" + channel + ":" + data)
                    + "\",\"channel_data\":" + dev.herald.protocol.Json.MAPPER.writeValueAsString(data) + "}";
        } else {
            json = "{\"auth\":\"" + KEY + ":" + PusherSignature.hmac(SECRET, socket + ":" + channel) + "\"}";
        }
        reply(x, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void echoInChromium_receivesPushes_andSeesPresence() throws Exception {
        PusherNodeTest.installClients();
        Path modules = PusherNodeTest.DIR.resolve("node_modules");
        try (TestServer server = TestServer.start(Map.of("pusher.apps", "9:" + KEY + ":" + SECRET));
             Browser browser = Browser.start()) {
            HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] page = PAGE.formatted(KEY, server.port()).getBytes(StandardCharsets.UTF_8);
            app.createContext("/", x -> reply(x, 200, "text/html", page));
            app.createContext("/pusher.js", x -> reply(x, 200, "text/javascript",
                    Files.readAllBytes(modules.resolve("pusher-js/dist/web/pusher.js"))));
            app.createContext("/echo.js", x -> reply(x, 200, "text/javascript",
                    Files.readAllBytes(modules.resolve("laravel-echo/dist/echo.iife.js"))));
            app.createContext("/broadcasting/auth", PusherEchoBrowserTest::auth);
            app.start();
            try {
                browser.open("http://127.0.0.1:" + app.getAddress().getPort() + "/");
                browser.await("Echo joined the presence channel", () -> browser.script("return JSON.stringify(window.here)"),
                        h -> h != null && h.toString().contains("Browser"));

                var sent = server.api("POST", "/admin/websocket/send-to-channel",
                        "{\"channel\":\"browser-orders\",\"type\":\"shipped\",\"data\":{\"id\":5}}");
                assertThat(sent.status()).as(sent.body()).isEqualTo(200);
                browser.await("the Herald push in Echo", () -> browser.script("return JSON.stringify(window.got)"),
                        g -> g.toString().equals("[{\"id\":5}]"));

                try (PusherClient other = PusherClient.connect(server, KEY)) {
                    String d = "{\"user_id\":\"7\",\"user_info\":{\"name\":\"Raw\"}}";
                    other.subscribe("presence-browser",
                            KEY + ":" + PusherSignature.hmac(SECRET, other.socketId + ":presence-browser:" + d), d);
                    browser.await("Echo's joining()", () -> browser.script("return JSON.stringify(window.joins)"),
                            j -> j.toString().equals("[{\"name\":\"Raw\"}]"));
                }
                List<String> errors = browser.console().stream().filter(m -> m.contains("SEVERE")).toList();
                assertThat(errors).as("console errors").isEmpty();
            } finally {
                app.stop(0);
            }
        }
    }
}
