package dev.herald.redis;

import dev.herald.broker.Message;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a {@link Message} travels through Redis pub/sub: one ASCII header line, then the payload
 * bytes untouched (the already-encoded frame, so no node re-encodes it):
 *
 * <pre>
 * h1F|origin|type|excludeUserId|offset|epoch\n&lt;frame bytes&gt;
 * h1D|origin|closeCode\n&lt;reason, UTF-8&gt;
 * h1B|origin|userId\n&lt;client id&gt;
 * </pre>
 *
 * {@code origin} is the publishing node's id: that node has already delivered the message locally
 * and skips its own copy; {@code -} (channel publications, written by the publish script) means
 * every node delivers it. {@code offset} is -1 and {@code epoch} empty outside channels. Node ids,
 * frame types and numbers never contain {@code |} or a newline.
 */
final class RedisEnvelope {
    static final String EVERY_NODE = "-";

    /** A decoded envelope: the message, who published it, and for channels the epoch. */
    record Decoded(Message message, String origin, String epoch) {}

    private RedisEnvelope() {}

    static byte[] encode(Message message, String origin) {
        String header;
        byte[] payload;
        if (message instanceof Message.Push f) {
            header = "h1F|" + origin + "|" + safeType(f.type()) + "|" + f.excludeUserId() + "|" + f.offset() + "|";
            payload = f.bytes();
        } else if (message instanceof Message.Disconnect d) {
            header = "h1D|" + origin + "|" + d.code();
            payload = d.reason().getBytes(StandardCharsets.UTF_8);
        } else if (message instanceof Message.Bind b) {
            header = "h1B|" + origin + "|" + b.userId();
            payload = b.clientId().getBytes(StandardCharsets.UTF_8);
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + 1 + payload.length];
        System.arraycopy(h, 0, out, 0, h.length);
        out[h.length] = '\n';
        System.arraycopy(payload, 0, out, h.length + 1, payload.length);
        return out;
    }

    /** The header that the publish script completes with {@code offset|epoch\n frame}. */
    static String channelHeaderStart(String type, long exclude) {
        return "h1F|" + EVERY_NODE + "|" + safeType(type) + "|" + exclude + "|";
    }

    /** Decodes an envelope; throws {@link IllegalArgumentException} for anything malformed. */
    static Decoded decode(byte[] bytes) {
        int nl = -1;
        for (int i = 0; i < bytes.length && i < 512; i++) {
            if (bytes[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 4 || bytes[0] != 'h' || bytes[1] != '1') {
            throw new IllegalArgumentException("not a Herald envelope");
        }
        String[] h = new String(bytes, 0, nl, StandardCharsets.US_ASCII).split("\\|", -1);
        byte[] payload = Arrays.copyOfRange(bytes, nl + 1, bytes.length);
        switch (h[0]) {
            case "h1F" -> {
                require(h, 6);
                return new Decoded(new Message.Push(h[2], payload, Long.parseLong(h[3]), Long.parseLong(h[4])), h[1], h[5]);
            }
            case "h1D" -> {
                require(h, 3);
                return new Decoded(new Message.Disconnect(Integer.parseInt(h[2]),
                        new String(payload, StandardCharsets.UTF_8)), h[1], "");
            }
            case "h1B" -> {
                require(h, 3);
                return new Decoded(new Message.Bind(new String(payload, StandardCharsets.UTF_8), Long.parseLong(h[2])),
                        h[1], "");
            }
            default -> throw new IllegalArgumentException("unknown envelope kind " + h[0]);
        }
    }

    private static void require(String[] header, int fields) {
        if (header.length != fields) {
            throw new IllegalArgumentException("envelope header has " + header.length + " fields, expected " + fields);
        }
    }

    /** Frame types only label metrics on the receiving node; keep the header parseable whatever they are. */
    private static String safeType(String type) {
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c == '|' || c < 0x21 || c > 0x7e) {
                return "custom";
            }
        }
        return type;
    }
}
