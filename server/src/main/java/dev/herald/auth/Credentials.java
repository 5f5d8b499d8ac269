package dev.herald.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * Resolves an HTTP {@code Authorization: Bearer …} value to a principal: a configured API key is
 * the application's backend; anything else must be a valid user token.
 */
public final class Credentials {
    private final List<byte[]> apiKeys;
    private final TokenVerifier tokens;

    public Credentials(List<String> apiKeys, TokenVerifier tokens) {
        this.apiKeys = apiKeys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.tokens = Objects.requireNonNull(tokens);
    }

    public TokenVerifier tokens() {
        return tokens;
    }

    /** @param authorization the raw header value, possibly null */
    public Principal authenticate(String authorization) throws TokenException {
        if (authorization == null || authorization.isBlank()) {
            throw new TokenException("unauthorized", "send Authorization: Bearer <API key or user token>");
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new TokenException("unauthorized", "the Authorization header must be 'Bearer <credential>'");
        }
        String credential = value.substring(7).strip();
        byte[] candidate = credential.getBytes(StandardCharsets.UTF_8);
        for (byte[] key : apiKeys) {
            if (MessageDigest.isEqual(key, candidate)) {
                return Principal.BACKEND;
            }
        }
        if (credential.chars().filter(c -> c == '.').count() != 2) {
            throw new TokenException("unauthorized", "the credential is neither a known API key nor a JWT");
        }
        return tokens.verify(credential);
    }
}
