package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** herald.js in a real browser against a real server: channels, resume, requests, tokens, kicks. */
class HeraldJsBrowserTest {
    /** Loads herald.js into the page and starts a client whose events are recorded in window.heraldLog. */
    private static final String START_CLIENT = """
            const [token, options, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
            import('/herald.js').then(({ Herald }) => {
              const log = window.heraldLog = { states: [], messages: [], subscribed: [], errors: [], tokens: 0 };
              let calls = 0;
              const tokenProvider = async () => {
                calls += 1;
                log.tokens = calls;
                if (calls === 1) return token;
                if (options.failRefresh && calls === 2) throw new Error('refresh refused for the test');
                const reply = await fetch('/demo/token', { method: 'POST', body: JSON.stringify({ user_id: 1 }) });
                return (await reply.json()).data.token;
              };
              const herald = window.herald = new Herald({ url: '/ws', tokenProvider, reconnect: { baseMs: 200, maxMs: 1000 } });
              herald.on('state', (s) => log.states.push(s.state + (s.code ? ':' + s.code : '')));
              herald.on('error', (e) => log.errors.push(e.code));
              herald.subscribe('orders', (data, frame) => log.messages.push(frame.offset + ':' + data.data.id),
                  { onSubscribed: (info) => log.subscribed.push(info) });
              herald.connect();
              done(true);
            }, (error) => done(String(error)));
            """;

    @Test
    void subscription_receivesPublications_andResumesAfterARestart() {
        TestServer server = WebServers.start();
        try (Browser browser = Browser.start()) {
            startClient(browser, server, server.token(1), Map.of());
            browser.await("the first subscribe ack", () -> count(browser, "subscribed"), n -> n == 1);
            publish(server, 1);
            publish(server, 2);
            browser.await("two publications", () -> log(browser, "messages"), m -> m.equals(List.of("1:1", "2:2")));

            server = WebServers.restart(server);
            browser.await("a resubscribe after the restart", () -> count(browser, "subscribed"), n -> n == 2);
            assertThat(browser.script("return window.heraldLog.subscribed[1]"))
                    .as("a restarted single node has a new history epoch, so nothing can be replayed")
                    .isEqualTo(Map.of("channel", "orders", "offset", 0L, "resumed", true, "recovered", false));
            publish(server, 3);
            browser.await("the publication after the restart", () -> log(browser, "messages"),
                    m -> m.equals(List.of("1:1", "2:2", "1:3")));
            assertThat(log(browser, "states"))
                    .as("a graceful shutdown closes with 1012; the client reconnects by itself")
                    .containsSubsequence("open", "reconnecting:1012", "connecting", "open");
        } finally {
            server.close();
        }
    }

    @Test
    void request_isAnsweredByTheReplyWithItsId() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            startClient(browser, server, server.token(1), Map.of());
            // request() refuses with not_open until the socket is open; connect() only starts dialling.
            browser.await("the link", () -> log(browser, "states"), s -> s.contains("open"));
            Object reply = browser.asyncScript("""
                    const done = arguments[arguments.length - 1];
                    Promise.all([
                      herald.request('presence', { user_ids: [2, 1] }),
                      herald.request('ping'),
                      herald.request('subscribe', { channel: 'private-secret' }).catch((e) => e.code),
                    ]).then(([presence, pong, refused]) => done([presence.online, typeof pong.timestamp, refused]),
                        (error) => done('rejected: ' + error.code));
                    """);
            assertThat(reply).isEqualTo(List.of(List.of(1L), "number", "forbidden"));
        }
    }

    @Test
    void anExpiringToken_isRefreshedOnTheOpenConnection() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            String shortLived = server.token(1, false, List.of(), Duration.ofSeconds(4));
            startClient(browser, server, shortLived, Map.of());
            browser.await("a refreshed token", () -> ((Number) browser.script("return window.heraldLog.tokens")).intValue(), n -> n >= 2);
            WebServers.pause(Duration.ofSeconds(4));
            assertThat(log(browser, "states")).containsExactly("connecting", "open");
            publish(server, 9);
            browser.await("a publication on the refreshed connection", () -> log(browser, "messages"), m -> m.contains("1:9"));
        }
    }

    @Test
    void anExpiredToken_isReplacedFromTheProviderAndTheClientReconnects() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            String shortLived = server.token(1, false, List.of(), Duration.ofSeconds(3));
            startClient(browser, server, shortLived, Map.of("failRefresh", true));
            browser.await("token_expired from the server", () -> log(browser, "errors"), e -> e.contains("token_expired"));
            browser.await("a new connection with a fresh token", () -> log(browser, "states"),
                    s -> s.size() >= 4 && s.get(s.size() - 1).equals("open"));
            assertThat(log(browser, "states")).contains("reconnecting:4002");
        }
    }

    @Test
    void aKickedClient_staysDisconnected() {
        try (TestServer server = WebServers.start(); Browser browser = Browser.start()) {
            startClient(browser, server, server.token(1), Map.of());
            browser.await("the link", () -> log(browser, "states"), s -> s.contains("open"));
            server.api("POST", "/admin/websocket/disconnect-user", "{\"user_id\":1}");
            browser.await("the closed state", () -> log(browser, "states"), s -> s.get(s.size() - 1).equals("closed:4001"));
            WebServers.pause(Duration.ofSeconds(2));
            assertThat(server.api("GET", "/admin/websocket/online-users", null).data().get("count").asInt()).isZero();
        }
    }

    private static void startClient(Browser browser, TestServer server, String token, Map<String, Object> options) {
        browser.open(server.baseUrl() + "/");
        assertThat(browser.asyncScript(START_CLIENT, token, options)).isEqualTo(true);
    }

    private static void publish(TestServer server, int id) {
        var reply = server.api("POST", "/admin/websocket/push-data-update-channel",
                "{\"channel\":\"orders\",\"resource_type\":\"order\",\"action\":\"update\",\"data\":{\"id\":" + id + "}}");
        assertThat(reply.status()).isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> log(Browser browser, String name) {
        return (List<Object>) browser.script("return window.heraldLog." + name);
    }

    private static int count(Browser browser, String name) {
        return log(browser, name).size();
    }
}
