package dev.herald.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script kept under {@code /redis/NAME.lua}, run with EVALSHA and, when Redis does not know it
 * (first use, or Redis restarted and lost its script cache), with EVAL, which also caches it.
 */
public final class RedisScript {
    private final String name;
    private final byte[] source;
    private final String sha;

    private RedisScript(String name, byte[] source) {
        this.name = name;
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads {@code /redis/NAME.lua} from the class path. */
    public static RedisScript load(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream("/redis/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script /redis/" + name + ".lua");
            }
            return new RedisScript(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> run(RedisAsyncCommands<byte[], byte[]> redis, ScriptOutputType type,
                                        byte[][] keys, byte[]... args) {
        CompletableFuture<T> first;
        try {
            first = redis.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return first.handle((value, err) -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause == null) {
                return CompletableFuture.completedFuture(value);
            }
            if (cause instanceof RedisNoScriptException
                    || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"))) {
                return redis.<T>eval(source, type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    /**
     * Runs the script with EVAL, always sending its source. For a script whose place among the
     * caller's other commands matters: {@link #run}'s retry after NOSCRIPT (Redis restarted and
     * lost its script cache) is sent when the error comes back, behind whatever was sent meanwhile.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> runInOrder(RedisAsyncCommands<byte[], byte[]> redis, ScriptOutputType type,
                                               byte[][] keys, byte[]... args) {
        try {
            return redis.<T>eval(source, type, keys, args).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A text argument (or key part), as UTF-8. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A number argument, as the decimal ASCII that Lua's {@code tonumber} reads. */
    static byte[] num(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
