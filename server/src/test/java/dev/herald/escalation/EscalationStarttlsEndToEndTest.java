package dev.herald.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.config.ConfigException;
import dev.herald.config.Settings;
import dev.herald.inbox.EscalationJob;
import dev.herald.inbox.SmtpMailer;
import dev.herald.testing.AiosmtpdServer;
import dev.herald.testing.TcpForwarder;
import dev.herald.testing.TestClock;
import dev.herald.testing.TestServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * E-mail escalation end to end through a real submission server as an operator configures one
 * (docs/operations.md, issue 11): Debian's aiosmtpd ({@link AiosmtpdServer}) requiring STARTTLS
 * and then login, its certificate self-signed and trusted through {@code smtp.trust-store}. A node
 * on a hand-moved clock sends through the HTTP API; the escalation job is run by hand. Between the
 * node and the server a {@link TcpForwarder} counts the SMTP connections (one per attempt).
 */
class EscalationStarttlsEndToEndTest {

    private static final String BASE = "/admin/system/notifications";

    /** One server for the class (a Python process and a key pair are slow to make); its messages are counted per test. */
    private static AiosmtpdServer smtp;

    private TcpForwarder smtpLink;
    private TestClock clock;
    private TestServer server;
    private int receivedBefore;
    private ListAppender<ILoggingEvent> escalationLog;

    @BeforeAll
    static void startSmtp() {
        smtp = AiosmtpdServer.start("herald", "s3cret");
    }

    @AfterAll
    static void stopSmtp() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @BeforeEach
    void link() {
        smtpLink = new TcpForwarder(smtp.port());
        clock = new TestClock();
        receivedBefore = smtp.received().size();
        escalationLog = new ListAppender<>();
        escalationLog.start();
        escalationLogger().addAppender(escalationLog);
    }

    @AfterEach
    void stop() {
        escalationLogger().detachAppender(escalationLog);
        if (server != null) {
            server.close();
        }
        smtpLink.close();
    }

    private static Logger escalationLogger() {
        return (Logger) LoggerFactory.getLogger(EscalationJob.class);
    }

    /** A node mailing through the server: STARTTLS, login as herald, {@code trustStore} (null: the JVM's). */
    private TestServer node(String password, Path trustStore) {
        return node(password, trustStore, null);
    }

    /** {@link #node(String, Path)} reading the trust store with {@code trustStorePassword} (null: none). */
    private TestServer node(String password, Path trustStore, String trustStorePassword) {
        Map<String, String> settings = new HashMap<>();
        settings.put("smtp.host", smtp.host());
        settings.put("smtp.port", Integer.toString(smtpLink.port()));
        settings.put("smtp.starttls", "true");
        settings.put("smtp.username", "herald");
        settings.put("smtp.password", password);
        settings.put("smtp.from", "herald@example.com");
        settings.put("smtp.timeout", "5s");
        if (trustStore != null) {
            settings.put("smtp.trust-store", trustStore.toString());
        }
        if (trustStorePassword != null) {
            settings.put("smtp.trust-store-password", trustStorePassword);
        }
        return TestServer.start(clock, settings);
    }

    private EscalationJob job() {
        return server.herald().escalations().orElseThrow();
    }

    private List<AiosmtpdServer.Received> received() {
        List<AiosmtpdServer.Received> all = smtp.received();
        return all.subList(receivedBefore, all.size());
    }

    private void send(long user, String title) {
        TestServer.Response r = server.api("POST", BASE + "/send", "{\"user_ids\":[" + user + "],\"title\":\"" + title
                + "\",\"content\":\"Please look at " + title + "\",\"escalate_after\":60"
                + ",\"actions\":[{\"id\":\"open\",\"label\":\"Open it\",\"url\":\"https://example.com/n/" + title + "\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private void email(long user, String address) {
        TestServer.Response r = server.call("PUT", BASE + "/preferences", server.token(user),
                "{\"email\":\"" + address + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** The escalation job's warnings, one line each. */
    private String warnings() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : escalationLog.list) {
            all.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
        }
        return all.toString();
    }

    /** Everything that decides delivery: one unread notification to five@example.com, due after 60 s. */
    private void dueEscalation(String title) {
        email(5, "five@example.com");
        send(5, title);
        assertThat(smtpLink.accepted()).isZero();
        clock.advance(Duration.ofSeconds(61));
    }

    private void assertSentOnce(String title, Path trustStore) throws Exception {
        assertSentOnce(title, trustStore, null);
    }

    private void assertSentOnce(String title, Path trustStore, String trustStorePassword) throws Exception {
        server = node("s3cret", trustStore, trustStorePassword);
        dueEscalation(title);
        assertThat(job().runOnce()).as(warnings()).isEqualTo(1);
        assertThat(job().runOnce()).isZero();
        clock.advance(Duration.ofDays(1));
        assertThat(job().runOnce()).isZero();

        List<AiosmtpdServer.Received> received = received();
        assertThat(received).as(smtp.log()).hasSize(1);
        AiosmtpdServer.Received mail = received.get(0);
        assertThat(mail.tls()).as("sent after STARTTLS").isTrue();
        assertThat(mail.login()).as("logged in as").isEqualTo("herald");
        assertThat(mail.mailFrom()).isEqualTo("herald@example.com");
        assertThat(mail.rcptTos()).containsExactly("five@example.com");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(mail.content().getBytes(StandardCharsets.UTF_8)));
        assertThat(message.getSubject()).isEqualTo(title);
        assertThat(message.getFrom()[0].toString()).isEqualTo("herald@example.com");
        assertThat(message.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo("five@example.com");
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getBodyPart(0).getContent().toString())
                .contains("Please look at " + title).contains("Open it: https://example.com/n/" + title);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(parts.getBodyPart(1).getContent().toString())
                .contains(">Please look at " + title + "</p>").contains("<a href=\"https://example.com/n/" + title + "\"");
        assertThat(smtpLink.accepted()).as("SMTP connections").isEqualTo(1);
        assertThat(server.metric("herald_escalations_sent_total")).isEqualTo(1.0);
        assertThat(server.metric("herald_escalations_failed_total")).isZero();
    }

    @Test
    void starttlsLoginAndTrustStore_oneMail_overTls_toThePreferenceAddress_withTitleContentAndLinks() throws Exception {
        assertSentOnce("Disk-full", smtp.trustStore());
    }

    @Test
    void trustStoreAsJks_madeWithAPassword_alsoTrusted() throws Exception {
        // JKS keeps trusted certificates unencrypted: read without the password it still holds them
        assertSentOnce("Jks-trusted", smtp.keytoolTrustStore("trust.jks", "JKS", false));
    }

    @Test
    void withoutTheTrustStore_certificateNotTrusted_noMail_triedThreeTimes_thenFailed_neverAgain() {
        server = node("s3cret", null); // the JVM's trust store: the self-signed certificate is not in it
        dueEscalation("untrusted");
        assertThat(job().runOnce()).isZero();
        assertThat(received()).as("nothing delivered, and no login sent to an untrusted server").isEmpty();
        assertThat(smtpLink.accepted()).as("SMTP connections, one per attempt").isEqualTo(3);
        assertThat(server.metric("herald_escalations_failed_total")).isEqualTo(1.0);
        assertThat(server.metric("herald_escalations_sent_total")).isZero();
        String warnings = warnings();
        assertThat(warnings).contains("escalation email failed").contains("attempt=3/3")
                .containsIgnoringCase("certification path").doesNotContain("s3cret");
        clock.advance(Duration.ofDays(1));
        assertThat(job().runOnce()).isZero();
        assertThat(smtpLink.accepted()).as("failed for good: never tried again").isEqualTo(3);
        assertThat(server.metric("herald_escalations_failed_total")).isEqualTo(1.0);
    }

    @Test
    void wrongPassword_overStarttls_refusedByTheServer_triedThreeTimes_thenFailed() {
        server = node("wrong", smtp.trustStore());
        dueEscalation("refused");
        assertThat(job().runOnce()).isZero();
        assertThat(received()).isEmpty();
        assertThat(smtpLink.accepted()).as("SMTP connections, one per attempt").isEqualTo(3);
        assertThat(server.metric("herald_escalations_failed_total")).isEqualTo(1.0);
        String warnings = warnings();
        assertThat(warnings).contains("attempt=3/3").contains("535").doesNotContain("wrong");
        clock.advance(Duration.ofDays(1));
        assertThat(job().runOnce()).isZero();
        assertThat(smtpLink.accepted()).as("failed for good: never tried again").isEqualTo(3);
    }

    @Test
    void trustStore_aPkcs12WithEncryptedCertificates_refusedAtStart_sayingWhy() {
        // keytool's defaults: the certificate encrypted with the store password, which the setting has not
        Path encrypted = smtp.keytoolTrustStore("encrypted.p12", "PKCS12", false);
        Settings.Smtp settings = new Settings.Smtp(smtp.host(), smtp.port(), "herald", "s3cret", "herald@example.com",
                true, encrypted.toString(), "", Duration.ofSeconds(5));
        assertThatThrownBy(() -> new SmtpMailer(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp.trust-store " + encrypted)
                .hasMessageContaining("no certificate readable without a password");
    }

    @Test
    void trustStorePassword_opensAPkcs12MadeWithKeytoolsDefaults_oneMailOverTls() throws Exception {
        // the store an operator gets from plain keytool: its certificate encrypted with the store password
        assertSentOnce("Pkcs12-with-password", smtp.keytoolTrustStore("encrypted.p12", "PKCS12", false),
                smtp.storePassword());
    }

    @Test
    void trustStorePassword_wrong_refusedAtStart_namingTheSetting_neverThePassword() {
        for (Path store : List.of(smtp.keytoolTrustStore("encrypted.p12", "PKCS12", false),
                smtp.keytoolTrustStore("trust.jks", "JKS", false))) {
            assertThatThrownBy(() -> node("s3cret", store, "not-the-password"))
                    .as(store.toString())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("smtp.trust-store-password: does not open smtp.trust-store " + store)
                    .message().doesNotContain("not-the-password");
        }
        assertThat(smtpLink.accepted()).isZero();
    }
}
