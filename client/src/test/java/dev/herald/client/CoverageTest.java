package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.client.testing.FlakyProxy;
import dev.herald.client.testing.HeraldProcess;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation the server documents in {@code GET /openapi.json} for backends and users (tags
 * {@code server}, {@code inbox}, {@code operations}; not the demo endpoints nor the WebSocket
 * transport) is reached by some client method: each public method is called once through a proxy
 * that notes the requests, and the requests are compared with the document.
 */
class CoverageTest {
    static final Set<String> COVERED_TAGS = Set.of("server", "inbox", "operations");

    static HeraldProcess herald;
    static FlakyProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        herald = HeraldProcess.start();
        proxy = FlakyProxy.start(herald.port());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void everyDocumentedOperationHasAClientMethod() {
        HeraldClient c = HeraldClient.builder().baseUrl(URI.create("http://127.0.0.1:" + proxy.port()))
                .apiKey(HeraldProcess.API_KEY).build();
        // server API
        c.onlineCount();
        c.onlineUsers();
        c.checkOnline(1);
        c.sendToUser(1, null, null);
        c.sendToUsers(List.of(1L), null, null);
        c.broadcast(null, null);
        c.sendToChannel("c", null, null);
        c.sendNotification("t", "m", null, null);
        c.sendNotificationToUsers(List.of(1L), "t", "m", null, null);
        c.pushDataUpdate(List.of(1L), "r", "a", null);
        c.pushDataUpdateChannel("c", "r", "a", null);
        c.disconnectUser(1);
        assertThat(catchThrowableOfType(HeraldException.class, () -> c.bind("no-such-client", 1)).status()).isEqualTo(404);
        // inbox
        long id = c.notifications().send(NewNotification.builder().userIds(1).title("t").content("c").build()).ids().get(0);
        c.notifications().retryUnsent(10);
        c.notifications().cleanup(30);
        Inbox inbox = c.asUser(herald.userToken(1));
        inbox.list();
        inbox.unread();
        inbox.unreadCount();
        inbox.statistics();
        inbox.get(id);
        inbox.markRead(id);
        inbox.markRead(List.of(id));
        inbox.acknowledge(List.of(id));
        inbox.markAllRead();
        inbox.preferences();
        inbox.updatePreferences(java.util.Map.of(), java.util.Map.of());
        inbox.updateEmail(null);
        inbox.markUnread(id);
        inbox.archive(id);
        inbox.unarchive(id);
        inbox.archive(List.of(id));
        inbox.snooze(id, java.time.Instant.now().plusSeconds(3600));
        assertThat(catchThrowableOfType(HeraldException.class, () -> inbox.takeAction(id, "none")).status()).isEqualTo(404);
        inbox.delete(List.of(id));
        inbox.clearRead();
        assertThat(catchThrowableOfType(HeraldException.class, () -> inbox.delete(id)).status()).isEqualTo(404);
        // operations
        c.health();
        c.live();
        c.ready();
        c.metrics();
        JsonNode doc = c.openApi();

        Set<String> documented = new TreeSet<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            boolean covered = false;
            for (JsonNode tag : op.getValue().path("tags")) {
                covered |= COVERED_TAGS.contains(tag.asText());
            }
            if (covered) {
                documented.add(op.getKey().toUpperCase() + " " + p.getKey());
            }
        }));
        Set<String> called = new TreeSet<>();
        for (String r : proxy.requests()) {
            String path = r.replaceAll("\\?.*", "").replaceAll("/notifications/[0-9]+", "/notifications/{id}")
                    .replaceAll("/actions/[^/]+$", "/actions/{action_id}");
            called.add(path);
        }
        assertThat(documented).hasSizeGreaterThan(30);
        assertThat(called).containsAll(documented);
    }
}
