package dev.herald.gateway;

import dev.herald.metrics.HeraldMetrics;
import dev.herald.protocol.ErrorCode;
import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes decoded client frames to their handlers by type. Unknown types, frames from unbound
 * connections (bind flow) other than pings, and handler failures all become {@code error} frames;
 * none of them closes the connection.
 */
public final class FrameDispatcher {
    private static final Logger log = LoggerFactory.getLogger(FrameDispatcher.class);
    private static final Set<String> OPEN_TO_UNBOUND = Set.of("ping", "heartbeat");

    private final Map<String, FrameHandler> handlers = new ConcurrentHashMap<>();
    private final HeraldMetrics metrics;

    public FrameDispatcher(HeraldMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics);
        metrics.knownErrorCodes(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());
    }

    /** Registers the handler of one frame type; a type has exactly one handler. */
    public void register(String type, FrameHandler handler) {
        if (handlers.putIfAbsent(type, Objects.requireNonNull(handler)) != null) {
            throw new IllegalStateException("frame type '" + type + "' already has a handler");
        }
        metrics.knownFrameIn(type);
    }

    void dispatch(Connection c, InboundFrame frame) {
        FrameHandler handler = handlers.get(frame.type());
        metrics.frameIn(handler == null ? "unknown" : frame.type());
        try {
            if (handler == null) {
                throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + abbreviate(frame.type()) + "'");
            }
            if (!c.bound() && !OPEN_TO_UNBOUND.contains(frame.type())) {
                throw new ProtocolException(ErrorCode.UNAUTHENTICATED, "this connection is not bound to a user yet");
            }
            handler.handle(c, frame);
        } catch (ProtocolException e) {
            reject(c, frame.id(), e);
        } catch (RuntimeException e) {
            log.error("frame handler failed {} type={}", c, frame.type(), e);
            reject(c, frame.id(), new ProtocolException(ErrorCode.INTERNAL, "the server could not handle this frame"));
        }
    }

    void reject(Connection c, String id, ProtocolException e) {
        metrics.error(e.code().wire());
        c.sendError(id, e.code(), e.getMessage());
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
