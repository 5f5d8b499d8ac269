package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A self-signed certificate and its key, made at run time by the running JDK's {@code keytool}
 * (nothing checked in): for the tests' TLS servers (SMTP with STARTTLS, HTTPS webhook receivers).
 */
public record SelfSigned(Path store, X509Certificate certificate, PrivateKey key) {
    /** The password of every store made here. */
    public static final String PASSWORD = "changeit";
    private static final String KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    /**
     * {@code keytool -genkeypair} of an RSA key for {@code CN=localhost} with the subject
     * alternative names {@code san} (keytool's syntax: {@code dns:localhost,ip:127.0.0.1}), valid a
     * day, into the PKCS#12 store {@code dir/name.p12} under {@code alias}.
     */
    public static SelfSigned make(Path dir, String name, String alias, String san) {
        Path store = dir.resolve(name + ".p12");
        Commands.mustRun(List.of(KEYTOOL, "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=" + san, "-validity", "1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD));
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            return new SelfSigned(store, (X509Certificate) ks.getCertificate(alias),
                    (PrivateKey) ks.getKey(alias, PASSWORD.toCharArray()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("reading " + store + ": " + e.getMessage(), e);
        }
    }
}
