package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP submission server for e-mail tests: Debian's {@code python3-aiosmtpd} running
 * {@code src/test/resources/smtp/aiosmtpd_server.py} on 127.0.0.1 and a free port. It requires
 * STARTTLS (with a self-signed certificate for {@code localhost} and {@code 127.0.0.1} made here by
 * the running JDK's {@code keytool}) before anything else, and login as one user (offered only after
 * STARTTLS) before mail. {@link #received()} reads what it accepted. {@link #trustStore()} is a
 * PKCS#12 trust store of that certificate, made as docs/operations.md tells operators to (no
 * password). Fails, never skips, when python3 or aiosmtpd is missing: a skipped mail test would
 * hide a broken escalation.
 */
public final class AiosmtpdServer implements AutoCloseable {
    /** The interpreters tried in turn: the one on the PATH, then Debian's (where python3-aiosmtpd installs). */
    private static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");
    private static final String STORE_PASSWORD = SelfSigned.PASSWORD;
    /** The running JDK's keytool. */
    private static final String KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    /** One message the server accepted. */
    public record Received(String mailFrom, List<String> rcptTos, boolean tls, String login, String content) {}

    private final Path dir;
    private final Process process;
    private final int port;

    private AiosmtpdServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Starts a server that accepts {@code user} with {@code password}; returns once it accepts connections. */
    public static AiosmtpdServer start(String user, String password) {
        String python = python();
        try {
            Path dir = Files.createTempDirectory("herald-aiosmtpd");
            selfSignedCertificate(dir);
            Path script = dir.resolve("aiosmtpd_server.py");
            try (InputStream in = AiosmtpdServer.class.getResourceAsStream("/smtp/aiosmtpd_server.py")) {
                if (in == null) {
                    throw new IllegalStateException("smtp/aiosmtpd_server.py is not on the test class path");
                }
                Files.copy(in, script);
            }
            Path portFile = dir.resolve("port");
            Process process = new ProcessBuilder(python, script.toString(), dir.resolve("cert.pem").toString(),
                    dir.resolve("key.pem").toString(), user, password, dir.resolve("messages.jsonl").toString(),
                    portFile.toString())
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .redirectError(dir.resolve("stderr.log").toFile())
                    .start();
            int[] port = {0};
            try {
                Await.until("aiosmtpd listening (" + dir + ")", () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("aiosmtpd exited with " + process.exitValue() + ": " + tail(dir));
                    }
                    if (port[0] == 0 && Files.exists(portFile)) {
                        port[0] = Integer.parseInt(read(portFile).trim());
                    }
                    return port[0] != 0 && accepts(port[0]);
                }, Duration.ofSeconds(30));
            } catch (RuntimeException | AssertionError e) {
                process.destroyForcibly();
                throw e;
            }
            return new AiosmtpdServer(dir, process, port[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first interpreter that has aiosmtpd; an AssertionError naming the Debian package when none has. */
    private static String python() {
        List<String> tried = new ArrayList<>();
        for (String python : PYTHONS) {
            String outcome = Commands.run(List.of(python, "-c", "import aiosmtpd"));
            if (outcome.isEmpty()) {
                return python;
            }
            tried.add(python + ": " + outcome);
        }
        throw new AssertionError("the SMTP tests need Python 3 with aiosmtpd (Debian: apt-get install python3-aiosmtpd;"
                + " bin/test installs it); tried " + String.join("; ", tried));
    }

    /**
     * A key pair and self-signed certificate for CN=localhost, SAN localhost and 127.0.0.1, one day:
     * cert.pem and key.pem (PKCS#8) for the server.
     */
    private static void selfSignedCertificate(Path dir) throws IOException {
        SelfSigned made = SelfSigned.make(dir, "server", "smtp", "dns:localhost,ip:127.0.0.1");
        try {
            Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", made.certificate().getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", made.key().getEncoded())); // PKCS#8
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path dir) {
        Path err = dir.resolve("stderr.log");
        String text = Files.exists(err) ? read(err).strip() : "";
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }

    /** The host to configure (the certificate names it). */
    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The server's certificate, PEM. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /**
     * A PKCS#12 trust store holding the server's certificate, readable without a password, made with
     * keytool as docs/operations.md shows.
     */
    public Path trustStore() {
        return keytoolTrustStore("trust.p12", "PKCS12", true);
    }

    /**
     * {@code keytool -importcert} of the server's certificate into a new store {@code name} of
     * {@code storetype} with a store password; {@code unprotected}: certificate not encrypted and no
     * MAC (the JDK's PKCS#12 options; without them keytool encrypts a PKCS#12's certificates with
     * the password). Made once per name.
     */
    public synchronized Path keytoolTrustStore(String name, String storetype, boolean unprotected) {
        Path store = dir.resolve(name);
        if (Files.exists(store)) {
            return store;
        }
        List<String> command = new ArrayList<>(List.of(KEYTOOL));
        if (unprotected) {
            command.addAll(List.of("-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE",
                    "-J-Dkeystore.pkcs12.macAlgorithm=NONE"));
        }
        command.addAll(List.of("-importcert", "-noprompt", "-alias", "smtp", "-file", certificate().toString(),
                "-storetype", storetype, "-keystore", store.toString(), "-storepass", STORE_PASSWORD));
        Commands.mustRun(command);
        return store;
    }

    /** The store password {@link #keytoolTrustStore} gives every store it makes. */
    public String storePassword() {
        return STORE_PASSWORD;
    }

    /** The messages accepted so far, oldest first. */
    public List<Received> received() {
        Path file = dir.resolve("messages.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        List<Received> all = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode m = json.readTree(line);
                List<String> to = new ArrayList<>();
                m.get("rcpt_tos").forEach(t -> to.add(t.asText()));
                all.add(new Received(m.get("mail_from").asText(), to, m.get("tls").asBoolean(),
                        m.get("login").isNull() ? null : m.get("login").asText(), m.get("content").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** The end of what the server wrote to stderr (aiosmtpd logs each session there). */
    public String log() {
        return tail(dir);
    }

    /** Stops the server: closing its stdin lets it stop itself; killed if it has not in 10 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
