package dev.herald.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.store.Dialect;
import dev.herald.store.TestDatabase;
import dev.herald.testing.Concurrently;
import dev.herald.testing.TestClock;
import dev.herald.testing.TestServer;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * E-mail escalation with two running nodes on one PostgreSQL (then MariaDB) database, both mailing
 * through one real SMTP server (GreenMail), both on one hand-moved clock. Without Redis each node's
 * job lock lets it run every time, so both nodes' escalation jobs run at once — their scheduled
 * runs and, to make them overlap for sure, four threads calling {@code runOnce} on both — and only
 * the claim keeps a notification from being mailed twice (SPEC §8: exactly once across nodes).
 */
class EscalationTwoNodesTest {

    private static final String BASE = "/admin/system/notifications";
    private static final int USERS = 30;
    /** Sends to every user, alternating between the nodes: USERS × SENDS notifications escalate. */
    private static final int SENDS = 8;
    /** Users 1..READERS also get one notification each that they read (on the other node) before its deadline. */
    private static final int READERS = 10;

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void twoNodes_everyDueNotificationMailedExactlyOnce_readOnesNever_escalatedAtRecorded(Dialect dialect)
            throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        TestClock clock = new TestClock();
        try (TestDatabase db = TestDatabase.create(dialect)) {
            var cfg = db.config();
            Map<String, String> settings = new HashMap<>();
            settings.put("db.url", cfg.url());
            settings.put("db.user", cfg.user());
            settings.put("db.password", cfg.password());
            settings.put("demo.enabled", "false");
            settings.put("smtp.host", "127.0.0.1");
            settings.put("smtp.port", Integer.toString(smtp.getSmtp().getPort()));
            settings.put("smtp.starttls", "false");
            settings.put("smtp.from", "herald@example.com");
            settings.put("smtp.timeout", "5s");
            Map<String, String> a = new HashMap<>(settings);
            a.put("node-id", "a");
            Map<String, String> b = new HashMap<>(settings);
            b.put("node-id", "b");
            try (TestServer nodeA = TestServer.start(clock, a); TestServer nodeB = TestServer.start(clock, b)) {
                TestServer[] nodes = {nodeA, nodeB};
                for (int u = 1; u <= USERS; u++) {
                    TestServer node = nodes[u % 2];
                    TestServer.Response r = node.call("PUT", BASE + "/preferences", node.token(u),
                            "{\"email\":\"user" + u + "@example.com\"}");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                }
                StringBuilder everyone = new StringBuilder();
                for (int u = 1; u <= USERS; u++) {
                    everyone.append(u == 1 ? "" : ",").append(u);
                }
                for (int k = 0; k < SENDS; k++) {
                    send(nodes[k % 2], everyone.toString(), "due-" + k, 60);
                }
                List<Long> readInTime = new ArrayList<>();
                for (int u = 1; u <= READERS; u++) {
                    readInTime.add(send(nodes[u % 2], Long.toString(u), "read-in-time", 60).get(0));
                }
                long later = send(nodeA, "1", "later", 120).get(0);

                clock.advance(Duration.ofSeconds(30));
                for (int u = 1; u <= READERS; u++) {
                    TestServer other = nodes[(u + 1) % 2];
                    TestServer.Response r = other.call("POST", BASE + "/" + readInTime.get(u - 1) + "/read",
                            other.token(u), "{}");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                }
                clock.advance(Duration.ofSeconds(31));
                Instant claimedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);

                AtomicInteger sentByRuns = new AtomicInteger();
                Concurrently.run(4, Duration.ofSeconds(120), i -> {
                    for (int round = 0; round < 3; round++) {
                        sentByRuns.addAndGet(nodes[i % 2].herald().escalations().orElseThrow().runOnce());
                    }
                });
                // whatever a scheduled run still holds is finished once both nodes find nothing due
                for (TestServer node : nodes) {
                    assertThat(node.herald().escalations().orElseThrow().runOnce()).isZero();
                }

                int due = USERS * SENDS;
                Map<String, Integer> mails = mailsByRecipientAndSubject(smtp);
                assertThat(mails).as("one mail per due notification, none for those read in time nor for 'later'")
                        .hasSize(due).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
                for (int u = 1; u <= USERS; u++) {
                    for (int k = 0; k < SENDS; k++) {
                        assertThat(mails).containsKey("user" + u + "@example.com|due-" + k);
                    }
                }
                double sentA = nodeA.metric("herald_escalations_sent_total");
                double sentB = nodeB.metric("herald_escalations_sent_total");
                assertThat(sentA + sentB).as("sent by a: %s, by b: %s", sentA, sentB).isEqualTo(due);
                assertThat(sentByRuns.get()).as("sent by the test's runs (the rest by scheduled ones)").isLessThanOrEqualTo(due);
                assertThat(nodeA.metric("herald_escalations_failed_total") + nodeB.metric("herald_escalations_failed_total"))
                        .isZero();

                // escalated_at: the claim's time on every due one, on either node; none on those read in time
                for (int u = 1; u <= USERS; u++) {
                    JsonNode list = list(nodes[u % 2], u);
                    int dueSeen = 0;
                    for (JsonNode n : list) {
                        String title = n.get("title").asText();
                        if (title.startsWith("due-")) {
                            dueSeen++;
                            assertThat(Instant.parse(n.get("escalated_at").asText())).as(title).isEqualTo(claimedAt);
                        } else {
                            assertThat(n.get("escalated_at").isNull()).as(title + " of user " + u).isTrue();
                        }
                    }
                    assertThat(dueSeen).isEqualTo(SENDS);
                }

                // the later one is due a minute on: mailed once too, by whichever node claims it
                clock.advance(Duration.ofSeconds(60));
                Concurrently.run(2, Duration.ofSeconds(60), i -> nodes[i].herald().escalations().orElseThrow().runOnce());
                assertThat(mailsByRecipientAndSubject(smtp)).hasSize(due + 1).containsEntry("user1@example.com|later", 1);
                JsonNode laterRecord = nodeB.call("GET", BASE + "/" + later, nodeB.token(1), null).json().get("data");
                assertThat(Instant.parse(laterRecord.get("escalated_at").asText()))
                        .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
            }
        } finally {
            smtp.stop();
        }
    }

    /** Sends one notification to each of {@code userIds} (comma-separated) through {@code node}; their ids. */
    private static List<Long> send(TestServer node, String userIds, String title, int escalateAfter) {
        TestServer.Response r = node.api("POST", BASE + "/send", "{\"user_ids\":[" + userIds + "],\"title\":\"" + title
                + "\",\"content\":\"c\",\"escalate_after\":" + escalateAfter + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        r.json().get("data").get("ids").forEach(id -> ids.add(id.asLong()));
        return ids;
    }

    private static JsonNode list(TestServer node, long user) {
        TestServer.Response r = node.call("GET", BASE + "?page_size=100", node.token(user), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("data").get("list");
    }

    /** How many mails GreenMail received per {@code recipient|subject}. */
    private static Map<String, Integer> mailsByRecipientAndSubject(GreenMail smtp) throws Exception {
        Map<String, Integer> count = new TreeMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            String key = m.getRecipients(Message.RecipientType.TO)[0] + "|" + m.getSubject();
            count.merge(key, 1, Integer::sum);
        }
        return count;
    }
}
