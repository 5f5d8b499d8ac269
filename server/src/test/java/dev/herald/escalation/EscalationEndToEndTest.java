package dev.herald.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.inbox.EscalationJob;
import dev.herald.inbox.EscalationMail;
import dev.herald.protocol.Json;
import dev.herald.testing.TcpForwarder;
import dev.herald.testing.TestClock;
import dev.herald.testing.TestServer;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * E-mail escalation end to end (SPEC §8): a node on a hand-moved clock, a real SMTP server
 * (GreenMail, with login), sends through the HTTP API, the escalation job run by hand.
 */
class EscalationEndToEndTest {

    private static final String BASE = "/admin/system/notifications";

    private GreenMail smtp;
    /** Between the node and GreenMail: counts the SMTP connections, one per attempt to send a mail. */
    private TcpForwarder smtpLink;
    private TestClock clock;
    private TestServer server;

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.withConfiguration(GreenMailConfiguration.aConfig().withUser("herald@example.com", "herald", "s3cret"));
        smtp.start();
        smtpLink = new TcpForwarder(smtp.getSmtp().getPort());
        clock = new TestClock();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        smtpLink.close();
        smtp.stop();
    }

    private TestServer node(String password) {
        return node(password, false);
    }

    private TestServer node(String password, boolean starttls) {
        return node(password, starttls, Map.of());
    }

    private TestServer node(String password, boolean starttls, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("smtp.host", "127.0.0.1");
        settings.put("smtp.port", Integer.toString(smtpLink.port()));
        settings.put("smtp.starttls", Boolean.toString(starttls));
        settings.put("smtp.username", "herald");
        settings.put("smtp.password", password);
        settings.put("smtp.from", "herald@example.com");
        settings.put("smtp.timeout", "5s");
        return TestServer.start(clock, settings);
    }

    /** Sends {@code fields} (JSON-encoded here) to user 5 with escalate_after 60; its id. */
    private long sendJson(Map<String, Object> fields) throws Exception {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("user_ids", java.util.List.of(5));
        body.put("escalate_after", 60);
        TestServer.Response r = server.api("POST", BASE + "/send", Json.MAPPER.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("data").get("ids").get(0).asLong();
    }

    /**
     * The one mail received: its text/plain and text/html parts (line ends as Herald wrote them),
     * checking it is multipart/alternative of those two.
     */
    private String[] textAndHtml() throws Exception {
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) received[0].getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        // SMTP carries lines ending in CRLF; the parts are compared with the \n lines Herald wrote
        return new String[] {((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n"),
                ((String) parts.getBodyPart(1).getContent()).replace("\r\n", "\n")};
    }

    private EscalationJob job() {
        return server.herald().escalations().orElseThrow();
    }

    private long send(long user, String title, Object escalateAfter) {
        TestServer.Response r = server.api("POST", BASE + "/send", "{\"user_ids\":[" + user + "],\"title\":\"" + title
                + "\",\"content\":\"Please look at " + title + "\",\"escalate_after\":" + escalateAfter
                + ",\"actions\":[{\"id\":\"open\",\"label\":\"Open it\",\"url\":\"https://example.com/n/" + title + "\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("data").get("ids").get(0).asLong();
    }

    private void email(long user, String address) {
        TestServer.Response r = server.call("PUT", BASE + "/preferences", server.token(user),
                "{\"email\":\"" + address + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void stillUnreadAfterTheDelay_oneMail_toThePreferenceAddress_withTitleContentAndLinks() throws Exception {
        server = node("s3cret");
        email(5, "five@example.com");
        long id = send(5, "Disk-full", 60);
        JsonNode before = server.call("GET", BASE + "/" + id, server.token(5), null).json().get("data");
        assertThat(before.get("escalate_at").asText()).isEqualTo("2025-06-15T10:01:00.123Z");
        assertThat(before.get("escalated_at").isNull()).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(job().runOnce()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(job().runOnce()).isEqualTo(1);
        JsonNode after = server.call("GET", BASE + "/" + id, server.token(5), null).json().get("data");
        assertThat(after.get("escalated_at").asText()).isEqualTo("2025-06-15T10:01:01.123Z");
        assertThat(job().runOnce()).isZero();
        clock.advance(Duration.ofDays(1));
        assertThat(job().runOnce()).isZero();

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("Disk-full");
        assertThat(received[0].getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo("five@example.com");
        assertThat(received[0].getFrom()[0].toString()).isEqualTo("herald@example.com");
        String[] parts = textAndHtml();
        assertThat(parts[0]).isEqualTo("Please look at Disk-full\n\nOpen it: https://example.com/n/Disk-full\n");
        assertThat(parts[1]).contains("<h1 style=\"font-size:20px;margin:0 0 12px\">Disk-full</h1>")
                .contains(">Please look at Disk-full</p>")
                .contains("<a href=\"https://example.com/n/Disk-full\" style=").contains(">Open it</a>");
        assertThat(server.metric("herald_escalations_sent_total")).isEqualTo(1.0);
    }

    @Test
    void htmlPart_escapesEveryStringFromTheNotification_andTheTextPartKeepsThemAsWritten() throws Exception {
        server = node("s3cret", false, Map.of("server.public-url", "https://example.com"));
        email(5, "five@example.com");
        String title = "<script>alert('t')</script> & \"Co\"";
        String content = "Line one <img src=x onerror=alert(1)>\nline two & <b>bold</b>";
        sendJson(Map.of("title", title, "content", content, "action_type", "link",
                "action_data", "https://example.com/a?x=1&y=\"2\"><script>",
                "actions", java.util.List.of(
                        Map.of("id", "open", "label", "<i>Open</i> \"now\"", "url", "/o?a=1&b=<2>"),
                        Map.of("id", "later", "label", "Later", "url", "https://example.com/later", "style", "secondary"))));
        clock.advance(Duration.ofSeconds(61));
        assertThat(job().runOnce()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo(title);
        String[] parts = textAndHtml();
        assertThat(parts[0]).isEqualTo(content + "\n\n<i>Open</i> \"now\": https://example.com/o?a=1&b=<2>\n"
                + "Later: https://example.com/later\nhttps://example.com/a?x=1&y=\"2\"><script>\n");
        String html = parts[1];
        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>").doesNotContain("<i>")
                .doesNotContain("onerror=alert(1)>");
        assertThat(html)
                .contains("<title>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &quot;Co&quot;</title>")
                .contains(">&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &quot;Co&quot;</h1>")
                .contains(">Line one &lt;img src=x onerror=alert(1)&gt;<br>\nline two &amp; &lt;b&gt;bold&lt;/b&gt;</p>")
                .contains("<a href=\"https://example.com/o?a=1&amp;b=&lt;2&gt;\" style=")
                .contains(">&lt;i&gt;Open&lt;/i&gt; &quot;now&quot;</a>")
                .contains("<a href=\"https://example.com/a?x=1&amp;y=&quot;2&quot;&gt;&lt;script&gt;\" style=");
        // the secondary action is an outlined button, the primary one filled
        assertThat(html).contains("background:#ffffff;color:#1d4ed8;border:1px solid #1d4ed8\">Later</a>");
    }

    @Test
    void relativeActionUrl_resolvedAgainstThePublicUrl_inBothParts() throws Exception {
        server = node("s3cret", false, Map.of("server.public-url", "https://app.example.com/herald/"));
        email(5, "five@example.com");
        sendJson(Map.of("title", "Order", "content", "Order 42 waits", "actions", java.util.List.of(
                Map.of("id", "open", "label", "Open order", "url", "/orders/42?tab=items"),
                Map.of("id", "site", "label", "Site", "url", "https://example.com/x"))));
        clock.advance(Duration.ofSeconds(61));
        assertThat(job().runOnce()).isEqualTo(1);
        String[] parts = textAndHtml();
        // a path is resolved as the inbox page's browser resolves it: from the host, not under /herald/
        assertThat(parts[0]).isEqualTo("Order 42 waits\n\nOpen order: https://app.example.com/orders/42?tab=items\n"
                + "Site: https://example.com/x\n");
        assertThat(parts[1]).contains("<a href=\"https://app.example.com/orders/42?tab=items\" style=")
                .contains("<a href=\"https://example.com/x\" style=");
    }

    @Test
    void relativeActionUrl_withoutAPublicUrl_leftOutOfTheMail_andSaidOnceAtStart() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(EscalationMail.class);
        ListAppender<ILoggingEvent> startLog = new ListAppender<>();
        startLog.start();
        logger.addAppender(startLog);
        try {
            server = node("s3cret");
        } finally {
            logger.detachAppender(startLog);
        }
        assertThat(startLog.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .contains("server.public-url is not set").contains("relative action URLs");
        email(5, "five@example.com");
        sendJson(Map.of("title", "Order", "content", "Order 42 waits", "actions", java.util.List.of(
                Map.of("id", "open", "label", "Open order", "url", "/orders/42"),
                Map.of("id", "site", "label", "Site", "url", "https://example.com/x"))));
        clock.advance(Duration.ofSeconds(61));
        assertThat(job().runOnce()).isEqualTo(1);
        String[] parts = textAndHtml();
        assertThat(parts[0]).isEqualTo("Order 42 waits\n\nSite: https://example.com/x\n");
        assertThat(parts[1]).doesNotContain("/orders/42").doesNotContain("Open order").contains(">Site</a>");
    }

    @Test
    void readArchivedOrDeletedInTime_noMail_andNoEmailPreference_skipped() {
        server = node("s3cret");
        email(5, "five@example.com");
        long read = send(5, "read", 60);
        long archived = send(5, "archived", 60);
        long deleted = send(5, "deleted", 60);
        send(6, "nobody-to-mail", 60);
        assertThat(server.call("POST", BASE + "/" + read + "/read", server.token(5), "{}").status()).isEqualTo(200);
        assertThat(server.call("POST", BASE + "/" + archived + "/archive", server.token(5), "{}").status()).isEqualTo(200);
        assertThat(server.call("DELETE", BASE + "/" + deleted, server.token(5), null).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertThat(job().runOnce()).isZero();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(server.metric("herald_escalations_skipped_total")).isEqualTo(1.0);
    }

    @Test
    void wrongPassword_triedThreeTimes_thenFailed_neverAgain() {
        server = node("wrong");
        email(5, "five@example.com");
        send(5, "refused", 60);
        assertThat(smtpLink.accepted()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(job().runOnce()).isZero();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        // each attempt is one SMTP connection (a login the server refused): exactly the three
        // attempts of EscalationJob.ATTEMPTS, no fewer, no more
        assertThat(smtpLink.accepted()).as("SMTP connections, one per attempt").isEqualTo(3);
        assertThat(server.metric("herald_escalations_failed_total")).isEqualTo(1.0);
        clock.advance(Duration.ofDays(1));
        assertThat(job().runOnce()).isZero();
        assertThat(smtpLink.accepted()).as("failed for good: never tried again").isEqualTo(3);
        assertThat(server.metric("herald_escalations_failed_total")).isEqualTo(1.0);
    }

    @Test
    void starttlsRequired_butTheServerOffersNone_noPlainTextFallback_failed() {
        // GreenMail's SMTP does not offer STARTTLS: with smtp.starttls=true nothing may go out in clear
        server = node("s3cret", true);
        email(5, "five@example.com");
        send(5, "secret-stuff", 60);
        clock.advance(Duration.ofMinutes(2));
        assertThat(job().runOnce()).isZero();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(server.metric("herald_escalations_failed_total")).isEqualTo(1.0);
    }

    @Test
    void escalateAfter_outOfRangeOrNotAWholeNumber_answers422() {
        server = node("s3cret");
        for (String bad : new String[] {"59", "604801", "\"60\"", "60.5"}) {
            TestServer.Response r = server.api("POST", BASE + "/send",
                    "{\"user_ids\":[1],\"title\":\"t\",\"content\":\"c\",\"escalate_after\":" + bad + "}");
            assertThat(r.status()).as(bad).isEqualTo(422);
            assertThat(r.json().get("data").get("errors").has("escalate_after")).as(r.body()).isTrue();
        }
        assertThat(server.api("POST", BASE + "/send",
                "{\"user_ids\":[1],\"title\":\"t\",\"content\":\"c\",\"escalate_after\":604800}").status()).isEqualTo(200);
    }

    @Test
    void withoutSmtp_escalateAfterAnswers422() {
        server = TestServer.start(clock, Map.of());
        assertThat(server.herald().escalations()).isEmpty();
        TestServer.Response r = server.api("POST", BASE + "/send",
                "{\"user_ids\":[1],\"title\":\"t\",\"content\":\"c\",\"escalate_after\":60}");
        assertThat(r.status()).isEqualTo(422);
        JsonNode errors = r.json().get("data").get("errors");
        assertThat(errors.get("escalate_after").asText()).contains("smtp.host");
    }
}
