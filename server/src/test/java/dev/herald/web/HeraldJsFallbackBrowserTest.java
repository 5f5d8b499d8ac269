package dev.herald.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * herald.js in Chromium behind a proxy that refuses WebSocket upgrades: the client falls back to
 * the event stream by itself, and the page still gets its pushes, channel publications and
 * notifications, and acks them (over HTTP).
 */
class HeraldJsFallbackBrowserTest {
    private static final String START_CLIENT = """
            const [token, done] = [arguments[0], arguments[arguments.length - 1]];
            import('/herald.js').then(({ Herald }) => {
              const log = window.heraldLog = { states: [], pushes: [], messages: [], notifications: [], subscribed: [] };
              const herald = window.herald = new Herald({ url: '/ws', token, reconnect: { baseMs: 200, maxMs: 1000 } });
              herald.on('state', (s) => log.states.push(s.state + ':' + s.transport));
              herald.on('order.paid', (data) => log.pushes.push(data.order));
              herald.on('notification', (n) => log.notifications.push(n.id));
              herald.subscribe('orders', (data, frame) => log.messages.push(frame.offset + ':' + data.data.id),
                  { onSubscribed: (info) => log.subscribed.push(info.channel) });
              herald.connect();
              done(true);
            }, (error) => done(String(error)));
            """;

    @Test
    void blockedWebSocket_fallsBackToTheEventStream_andStillGetsPushesAndAcks() {
        try (TestServer server = WebServers.start();
             UpgradeBlockingProxy proxy = new UpgradeBlockingProxy(server.port());
             Browser browser = Browser.start()) {
            browser.open("http://127.0.0.1:" + proxy.port() + "/");
            assertThat(browser.asyncScript(START_CLIENT, server.token(1))).isEqualTo(true);
            browser.await("open on the event stream", () -> log(browser, "states"), s -> s.contains("open:sse"));
            assertThat(proxy.refusedUpgrades()).as("the WebSocket was really tried and refused").isGreaterThanOrEqualTo(2);
            assertThat(browser.script("return window.herald.transport")).isEqualTo("sse");
            browser.await("the channel joined", () -> log(browser, "subscribed"), s -> s.contains("orders"));

            server.api("POST", "/admin/websocket/send-to-user", "{\"user_id\":1,\"type\":\"order.paid\",\"data\":{\"order\":\"o-7\"}}");
            browser.await("the push", () -> log(browser, "pushes"), p -> p.contains("o-7"));
            var published = server.api("POST", "/admin/websocket/push-data-update-channel",
                    "{\"channel\":\"orders\",\"resource_type\":\"order\",\"action\":\"update\",\"data\":{\"id\":5}}");
            assertThat(published.status()).isEqualTo(200);
            browser.await("the channel publication", () -> log(browser, "messages"), m -> m.size() == 1);

            var sent = server.api("POST", "/admin/system/notifications/send",
                    "{\"user_ids\":[1],\"title\":\"through the stream\",\"content\":\"c\"}");
            long id = sent.data().get("ids").get(0).asLong();
            browser.await("the notification", () -> log(browser, "notifications"), n -> n.contains(id));
            // herald.js acks it by itself (autoAck), over POST /admin/system/notifications/ack
            TestServer.Response[] record = new TestServer.Response[1];
            Await.until("the notification marked delivered by the HTTP ack", () -> {
                record[0] = server.call("GET", "/admin/system/notifications/" + id, server.token(1), null);
                return record[0].data().get("sent_via_websocket").asBoolean();
            });
            // a channel joined on the open stream: the stream is reopened with it, nothing else is lost
            browser.script("""
                    window.heraldLog.prices = [];
                    herald.subscribe('prices', (data) => window.heraldLog.prices.push(data.p),
                        { onSubscribed: (info) => window.heraldLog.subscribed.push(info.channel) });
                    """);
            browser.await("the prices channel joined", () -> log(browser, "subscribed"), s -> s.contains("prices"));
            server.api("POST", "/admin/websocket/send-to-channel", "{\"channel\":\"prices\",\"type\":\"tick\",\"data\":{\"p\":42}}");
            server.api("POST", "/admin/websocket/push-data-update-channel",
                    "{\"channel\":\"orders\",\"resource_type\":\"order\",\"action\":\"update\",\"data\":{\"id\":6}}");
            browser.await("the new channel's publication", () -> log(browser, "prices"), p -> p.contains(42L));
            browser.await("the old channel still delivers, once each", () -> log(browser, "messages"),
                    m -> m.equals(List.of("1:5", "2:6")));
            Await.until("one stream left after the swap", () -> server.herald().users().connectionsOf(1).length == 1);
            List<Object> states = log(browser, "states");
            assertThat(states).doesNotContain("open:websocket");
            assertThat(states.subList(states.indexOf("open:sse"), states.size()))
                    .as("the swap to a stream with the new channel is no reconnect for the page").containsExactly("open:sse");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> log(Browser browser, String name) {
        return (List<Object>) browser.script("return window.heraldLog." + name);
    }
}
