package dev.herald.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Demo mode signs with a key of its own, generated once and kept in the data dir so demo tokens
 * survive restarts; it is never used once a real key is configured.
 */
final class DemoKeyFile {
    /** The demo key's file: not the {@code jwt-secret} earlier versions kept, so their demo tokens die too. */
    static final String NAME = "demo-jwt-key";

    private DemoKeyFile() {}

    /** The key file in {@code dataDir}. */
    static Path in(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /** The key kept in {@code dataDir}, if there is one. */
    static Optional<byte[]> read(Path dataDir) throws IOException {
        Path file = in(dataDir);
        return Files.exists(file) ? Optional.of(Files.readString(file).trim().getBytes(StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** The key kept in {@code dataDir}, made (random, readable by the owner only) if there is none. */
    static byte[] readOrCreate(Path dataDir) throws IOException {
        Optional<byte[]> existing = read(dataDir);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path file = in(dataDir);
        Files.createDirectories(dataDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String hex = HexFormat.of().formatHex(random);
        Files.writeString(file, hex);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the file stays with default permissions
        }
        return hex.getBytes(StandardCharsets.UTF_8);
    }
}
