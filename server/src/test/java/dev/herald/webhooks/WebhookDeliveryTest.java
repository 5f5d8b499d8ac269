package dev.herald.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.TestServer;
import dev.herald.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end on a real node (embedded H2) and a real receiver ({@link Receiver}): the
 * signed body of each event type, retries until 2xx with the same id, a receiver that is down,
 * attempts running out, a restart between attempts, and no webhooks without a url.
 */
class WebhookDeliveryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static Map<String, String> hooked(Receiver receiver, String... more) {
        Map<String, String> m = new HashMap<>();
        m.put("webhooks.url", receiver.url());
        m.put("webhooks.secret", Receiver.SECRET);
        m.put("webhooks.retry-initial", "50ms");
        m.put("webhooks.retry-max", "200ms");
        m.put("webhooks.poll-interval", "20ms");
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private Receiver receiver() {
        Receiver r = Receiver.start();
        open.add(r);
        return r;
    }

    private TestServer server(Map<String, String> extra) {
        TestServer s = TestServer.start(extra);
        open.add(s);
        return s;
    }

    static String json(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Stores {@code count} urgent notifications for {@code user}; their ids. */
    static List<Long> send(TestServer s, long user, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var r = s.api("POST", "/admin/system/notifications/send", json("user_ids", List.of(user),
                    "title", "t" + i, "content", "c", "type", "info", "category", "system"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            r.data().get("ids").forEach(id -> ids.add(id.asLong()));
        }
        return ids;
    }

    static JsonNode ack(TestServer s, long user, List<Long> ids) {
        var r = s.api("POST", "/admin/system/notifications/ack", json("user_id", user, "ids", ids));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.data();
    }

    @Test
    void anAck_isPostedSigned_asOneEventWithIdTypeCreatedAtAndData() throws Exception {
        Receiver receiver = receiver();
        TestServer s = server(hooked(receiver));
        long id = send(s, 41, 1).get(0);
        try (WsClient ws = s.connect(41)) {
            JsonNode pushed = ws.awaitType("notification");
            ws.request("ack", Map.of("notification_ids", List.of(pushed.at("/data/id").asLong())));
        }
        var hits = receiver.await("a delivered event", 10, h -> !h.stream()
                .filter(x -> x.type().equals("notification.delivered")).toList().isEmpty());
        Receiver.Hit hit = hits.stream().filter(x -> x.type().equals("notification.delivered")).findFirst().orElseThrow();
        assertThat(hit.signatureValid()).as(hit.signature()).isTrue();
        assertThat(hit.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
        JsonNode e = hit.event();
        assertThat(e.fieldNames()).toIterable().containsExactly("id", "type", "created_at", "data");
        assertThat(e.get("id").asText()).startsWith("evt_");
        assertThat(Instant.parse(e.get("created_at").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(e.at("/data/notification_id").asLong()).isEqualTo(id);
        assertThat(e.at("/data/user_id").asLong()).isEqualTo(41);
        assertThat(Instant.parse(e.at("/data/delivered_at").asText())).isNotNull();
        // a second ack of the same id changes nothing, so it reports nothing
        assertThat(ack(s, 41, List.of(id)).get("acknowledged").asInt()).isZero();
        Thread.sleep(300);
        assertThat(receiver.hits("notification.delivered")).hasSize(1);
        // a forged body does not verify with the header it came with
        assertThat(Receiver.valid(hit.signature(), (hit.body() + " ").getBytes())).isFalse();
    }

    @Test
    void reads_areOneEventPerNotificationThatChanged_one_batch_andAll() {
        Receiver receiver = receiver();
        TestServer s = server(hooked(receiver));
        List<Long> ids = send(s, 42, 5);
        assertThat(s.api("POST", "/admin/system/notifications/" + ids.get(0) + "/read?user_id=42", null).status()).isEqualTo(200);
        assertThat(s.api("POST", "/admin/system/notifications/batch-read", json("user_id", 42, "ids", ids.subList(0, 3)))
                .data().get("updated").asInt()).isEqualTo(2);
        assertThat(s.api("POST", "/admin/system/notifications/read-all", json("user_id", 42)).data().get("updated").asInt())
                .isEqualTo(2);
        var hits = receiver.await("five read events", 10, h -> h.stream().filter(x -> x.type().equals("notification.read")).count() >= 5);
        List<Long> read = hits.stream().filter(x -> x.type().equals("notification.read"))
                .map(x -> x.event().at("/data/notification_id").asLong()).sorted().toList();
        assertThat(read).containsExactlyElementsOf(ids);
        assertThat(hits).allMatch(Receiver.Hit::signatureValid);
    }

    @Test
    void fiveHundredThreeTimes_thenOk_isOneEventWithTheSameIdEachAttempt() {
        Receiver receiver = receiver().answer(500, 500, 500);
        TestServer s = server(hooked(receiver));
        long id = send(s, 43, 1).get(0);
        ack(s, 43, List.of(id));
        var hits = receiver.await("the fourth attempt", 10, h -> h.size() >= 4);
        assertThat(hits).extracting(Receiver.Hit::answered).containsExactly(500, 500, 500, 200);
        assertThat(hits).extracting(Receiver.Hit::id).containsOnly(hits.get(0).id());
        assertThat(hits).allMatch(Receiver.Hit::signatureValid);
        assertThat(receiver.okById().get(hits.get(0).id()).get()).isEqualTo(1);
        dev.herald.testing.Await.until("sent counted", () -> s.metric("herald_webhooks_sent_total") == 1.0);
        assertThat(s.metric("herald_webhooks_retried_total")).isEqualTo(3.0);
        assertThat(s.metric("herald_webhooks_failed_total")).isZero();
        // outcomes are written together, at most FINISH_EVERY_MS after the answer
        dev.herald.testing.Await.until("delivered recorded", () -> state(s, hits.get(0).id()) == Outbox.DELIVERED);
    }

    @Test
    void aReceiverThatIsDown_getsTheEventOnceItIsBack() throws Exception {
        Receiver receiver = receiver();
        TestServer s = server(hooked(receiver, "webhooks.timeout", "500ms"));
        receiver.stop();
        long id = send(s, 44, 1).get(0);
        ack(s, 44, List.of(id));
        Thread.sleep(600); // a few refused attempts
        Receiver back = receiver.restart();
        open.add(back);
        var hits = back.await("the event after the outage", 10, h -> !h.isEmpty());
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.type()).isEqualTo("notification.delivered");
            assertThat(h.answered()).isEqualTo(200);
        });
        assertThat(attempts(s, hits.get(0).id())).isGreaterThan(1);
    }

    @Test
    void attemptsRunningOut_markTheEventFailed_keptAndCounted() {
        Receiver receiver = receiver().answer(500, 503, 500, 500, 500, 500);
        TestServer s = server(hooked(receiver, "webhooks.max-attempts", "3"));
        long id = send(s, 45, 1).get(0);
        ack(s, 45, List.of(id));
        var hits = receiver.await("three attempts", 10, h -> h.size() >= 3);
        dev.herald.testing.Await.until("failed counted", () -> s.metric("herald_webhooks_failed_total") == 1.0);
        assertThat(state(s, hits.get(0).id())).isEqualTo(Outbox.FAILED);
        assertThat(s.metric("herald_webhooks_failed_stored")).isEqualTo(1.0);
        assertThat(s.metric("herald_webhooks_sent_total")).isZero();
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(receiver.hits()).hasSize(3); // no fourth attempt
    }

    @Test
    void aRestartBetweenAttempts_stillDeliversTheStoredEvent() throws Exception {
        Receiver receiver = receiver().answer(500, 500);
        Path dir = Files.createTempDirectory("herald-webhook-restart");
        // a long backoff: the second attempt would only come after the restart
        Map<String, String> settings = hooked(receiver, "webhooks.retry-initial", "1s", "webhooks.retry-max", "2s");
        TestServer first = TestServer.startIn(dir, Map.of(), settings, UnaryOperator.identity());
        long id = send(first, 46, 1).get(0);
        ack(first, 46, List.of(id));
        receiver.await("the first attempt", 10, h -> h.size() >= 1);
        first.close();
        int before = receiver.hits().size();
        TestServer second = TestServer.startIn(dir, Map.of(), settings, UnaryOperator.identity());
        open.add(second);
        var hits = receiver.await("delivery after the restart", 15, h -> h.stream().anyMatch(x -> x.answered() == 200));
        assertThat(hits).extracting(Receiver.Hit::id).containsOnly(hits.get(0).id());
        assertThat(hits.size()).isGreaterThan(before);
        assertThat(receiver.okById().get(hits.get(0).id()).get()).isEqualTo(1);
    }

    @Test
    void withoutAUrl_nothingIsStored_andNothingRuns() {
        TestServer s = server(Map.of());
        assertThat(s.herald().webhooks()).isEmpty();
        long id = send(s, 47, 1).get(0);
        ack(s, 47, List.of(id));
        s.api("POST", "/admin/system/notifications/read-all", json("user_id", 47));
        try (WsClient ws = s.connectQuiet(48)) {
            assertThat(count(s, "SELECT COUNT(*) FROM webhook_outbox")).isZero();
            assertThat(count(s, "SELECT COUNT(*) FROM webhook_presence")).isZero();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("herald-webhooks"));
    }

    static long count(TestServer s, String query) {
        try (var db = dev.herald.store.Database.open(dev.herald.Herald.databaseConfig(s.herald().settings()));
             Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int state(TestServer s, String eventId) {
        return (int) count(s, "SELECT state FROM webhook_outbox WHERE event_id = '" + eventId + "'");
    }

    static int attempts(TestServer s, String eventId) {
        return (int) count(s, "SELECT attempts FROM webhook_outbox WHERE event_id = '" + eventId + "'");
    }

    static Optional<String> none() {
        return Optional.empty();
    }
}
