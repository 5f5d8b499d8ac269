package dev.herald.gateway;

import dev.herald.protocol.InboundFrame;
import dev.herald.protocol.ProtocolException;

/**
 * Handles one client frame type. Runs on the connection's event loop and must not block it: slow
 * work (SQL, a remote broker) goes elsewhere and replies through {@link Connection#send}. A frame
 * with an {@code id} must get exactly one reply carrying that id.
 */
@FunctionalInterface
public interface FrameHandler {
    void handle(Connection connection, InboundFrame frame) throws ProtocolException;
}
