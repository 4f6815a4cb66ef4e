package io.catena.node.transport;

import io.catena.config.HostPort;
import io.catena.node.core.Frame;

/**
 * The node-to-node transport port: numbered links carrying {@link Frame}s in order. Outbound links are numbered
 * by the replica (positive ids, from {@link io.catena.node.core.Effect.Connect}); inbound links are numbered by
 * the transport (negative ids), so the two never collide. All listener calls happen on the replica's thread.
 */
public interface PeerTransport {

    /** Opens an outbound link; the listener hears {@code linkUp} or {@code linkDown}. */
    void connect(long linkId, HostPort address);

    /** Queues a frame on a link; ignored if the link is gone (its linkDown is on its way). */
    void send(long linkId, Frame frame);

    /** Closes a link; its linkDown follows. */
    void close(long linkId, String reason);

    /** What the transport reports, on the replica's thread. */
    interface Listener {
        void linkUp(long linkId);

        void linkDown(long linkId, String reason);

        void frame(long linkId, Frame frame);
    }
}
