package dev.herald.inbox;

import dev.herald.config.ConfigException;
import dev.herald.config.Settings;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@link Mailer} through the configured SMTP server (Jakarta Mail): STARTTLS required when
 * {@code smtp.starttls} (the server's certificate and host name checked against the JVM's trust
 * store, or {@code smtp.trust-store} read with {@code smtp.trust-store-password}), login when
 * {@code smtp.username} is set, connect, read and write bounded by {@code smtp.timeout}. Each mail is
 * multipart/alternative: the plain text, then the HTML. The passwords are given to the transport
 * and the key store only, never logged.
 */
public final class SmtpMailer implements Mailer {

    private final Settings.Smtp smtp;
    private final Session session;

    public SmtpMailer(Settings.Smtp smtp) {
        this.smtp = Objects.requireNonNull(smtp, "smtp");
        Properties p = new Properties();
        String timeout = Long.toString(smtp.timeout().toMillis());
        p.setProperty("mail.smtp.host", smtp.host());
        p.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        p.setProperty("mail.smtp.connectiontimeout", timeout);
        p.setProperty("mail.smtp.timeout", timeout);
        p.setProperty("mail.smtp.writetimeout", timeout);
        p.setProperty("mail.smtp.from", smtp.from());
        if (smtp.starttls()) {
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            if (!smtp.trustStore().isEmpty()) {
                p.put("mail.smtp.ssl.socketFactory",
                        trusting(Path.of(smtp.trustStore()), smtp.trustStorePassword()).getSocketFactory());
            }
        }
        p.setProperty("mail.smtp.auth", Boolean.toString(!smtp.username().isEmpty()));
        this.session = Session.getInstance(p);
    }

    /**
     * An SSL context that trusts exactly the certificates in {@code file} (JKS or PKCS#12), read with
     * {@code password} ({@code smtp.trust-store-password}), or without one when it is empty. A wrong
     * password, or a store with no certificate readable so, is refused here, at start (a
     * {@link ConfigException}: one line, exit 2, like any bad setting): a PKCS#12
     * that keytool made with its defaults encrypts its certificates with the store password, and
     * read without one it looks empty (every STARTTLS would then fail, each mail only logging it).
     */
    private static SSLContext trusting(Path file, String password) {
        boolean withPassword = !password.isEmpty();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                store.load(in, withPassword ? password.toCharArray() : null);
            } catch (IOException e) {
                if (withPassword && e.getCause() instanceof java.security.UnrecoverableKeyException) {
                    // the JDK's way of saying the password does not open the store (its MAC or its certificates)
                    throw new ConfigException(List.of("smtp.trust-store-password: does not open smtp.trust-store " + file
                            + " (" + e.getMessage() + ")"));
                }
                throw e;
            }
            boolean anyCertificate = false;
            for (String alias : Collections.list(store.aliases())) {
                anyCertificate |= store.isCertificateEntry(alias);
            }
            if (!anyCertificate) {
                throw new ConfigException(List.of(withPassword
                        ? "smtp.trust-store " + file + " holds no trusted certificate"
                        : "smtp.trust-store " + file + " holds no certificate readable without a password (a PKCS#12"
                        + " from keytool with its defaults has them encrypted: set smtp.trust-store-password, make it"
                        + " as docs/operations.md shows, or use JKS)"));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(List.of("smtp.trust-store " + file + " could not be read: " + e.getMessage()));
        }
    }

    @Override
    public void send(String to, String subject, String text, String html) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(smtp.from(), true));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(subject, "UTF-8");
        // alternatives in increasing preference (RFC 2046): a client that shows HTML shows the last
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        message.setContent(new MimeMultipart("alternative", plain, rich));
        message.setSentDate(new Date());
        if (smtp.username().isEmpty()) {
            Transport.send(message);
        } else {
            Transport.send(message, smtp.username(), smtp.password());
        }
    }
}
