package dev.herald.gateway;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Client ids of connections: 128 random bits from a cryptographic generator, URL-safe base64
 * without padding (22 characters of {@code A-Z a-z 0-9 - _}). Nothing in them depends on the node
 * or on how many connections came before, so they can neither be guessed nor repeat after a
 * restart. Each thread (the event loops) has its own generator and draws {@value #BATCH} ids' worth
 * of bytes at a time, so the connect path pays for one generator call per {@value #BATCH} ids and
 * never contends on a shared lock.
 */
final class ClientIds {
    static final int BYTES = 16;
    private static final int BATCH = 64;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<ClientIds> PER_THREAD = ThreadLocal.withInitial(ClientIds::new);

    private final SecureRandom random;
    private final byte[] pool = new byte[BYTES * BATCH];
    private int used = pool.length;

    private ClientIds() {
        SecureRandom r;
        try {
            r = SecureRandom.getInstance("DRBG"); // seeded from the system's entropy source
        } catch (NoSuchAlgorithmException e) {
            r = new SecureRandom();
        }
        this.random = r;
    }

    /** A new random client id. */
    static String next() {
        return PER_THREAD.get().take();
    }

    private String take() {
        if (used == pool.length) {
            random.nextBytes(pool);
            used = 0;
        }
        byte[] id = Arrays.copyOfRange(pool, used, used + BYTES);
        Arrays.fill(pool, used, used + BYTES, (byte) 0); // an id handed out is not kept here
        used += BYTES;
        return ENCODER.encodeToString(id);
    }
}
